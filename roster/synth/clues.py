"""Shocks to exited households and the warning clues departments push about them (防返贫监测).

The timeline draws which exited households return and when; this layer gives most returns a cause a few
months earlier (a serious illness, an accident to the main earner, a new disability, a disaster, a lost job, a
child leaving school) and lets the same kinds of shocks hit every exited household at background rates without
a return. Departments report a share of the shocks as clues, and push noise of their own (outpatient bills).
Every rate is in ``config`` and listed in docs/analytics.md. Shocks themselves are not stored: the dashboard, like a
township, sees only the clues.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from roster import months
from roster.synth import config
from roster.synth.sampling import choose

SOURCE = {
    "illness": ("医保局", "inpatient"),
    "accident": ("公安局", "accident"),
    "disability": ("残联", "disability"),
    "disaster": ("应急管理局", "disaster"),
    "job_loss": ("人社局", "unemployment"),
    "dropout": ("教育局", "dropout"),
}
DETAIL = {
    "inpatient": "住院治疗，医保报销后个人自付",
    "accident": "交通事故致家庭主要劳动力受伤",
    "disability": "新办残疾人证",
    "disaster": "暴雨洪涝致房屋、农作物受损",
    "unemployment": "连续3个月无就业和参保记录",
    "dropout": "义务教育或高中阶段疑似辍学",
    "assistance": "新纳入农村低保或临时救助",
    "outpatient": "门诊慢特病治疗，医保报销后个人自付",
}
ILL = ("长期慢性病", "患有大病")
LABOUR = ("普通劳动力", "技能劳动力")
IN_SCHOOL = ("小学", "初中", "普通高中", "中职")
COLUMNS = ["hh", "person", "source_zh", "kind", "month", "amount_yuan", "detail"]


def exited_spans(events: pd.DataFrame, households: pd.DataFrame, until: int) -> pd.DataFrame:
    """Per baseline household that exited by ``until``: its first exit month ``exit_m`` and the last month
    ``end_m`` it stayed out of poverty (the month before a return or removal, at most ``until``)."""
    own = events[events["person"] < 0]
    first = own.groupby(["hh", "event_type"])["month"].min().unstack()
    spans = pd.DataFrame(index=first.index)
    spans["exit_m"] = first.get("exited", np.nan)
    stop = pd.concat([first.get(kind, pd.Series(dtype=float)) for kind in ("returned", "removed")], axis=1)
    spans["end_m"] = np.minimum(stop.min(axis=1).fillna(until + 1) - 1, until)
    spans["returned_m"] = first.get("returned", np.nan)
    baseline = ~households["is_new"].to_numpy()[spans.index]
    spans = spans[baseline & spans["exit_m"].notna() & (spans["end_m"] > spans["exit_m"])]
    return spans.astype({"exit_m": np.int64, "end_m": np.int64})


def _people_of(persons: pd.DataFrame, hh: np.ndarray) -> dict[str, pd.Series]:
    """For each household: its head, an ill member, an earner and a pupil (person index; absent where none)."""
    members = persons[persons["hh"].isin(hh)]

    def first(mask: pd.Series) -> pd.Series:
        picked = members[mask].groupby("hh", sort=True).head(1)
        return pd.Series(picked.index.to_numpy(), index=picked["hh"].to_numpy())

    return {
        "head": first(members["pos"] == 0),
        "ill": first(members["health"].isin(ILL)),
        "earner": first(members["labor_ability"].isin(LABOUR)),
        "pupil": first(members["school_status"].isin(IN_SCHOOL)),
    }


def _who(kind: str, hh: np.ndarray, people: dict[str, pd.Series]) -> np.ndarray:
    """The member a clue of ``kind`` names: the ill member, the earner or the pupil, else the head."""
    role = {"illness": "ill", "accident": "earner", "job_loss": "earner", "dropout": "pupil"}.get(kind, "head")
    chosen = people[role].reindex(hh).fillna(people["head"].reindex(hh))
    return np.asarray(chosen.to_numpy(), dtype=np.int64)


def _feasible(kind: str, hh: np.ndarray, people: dict[str, pd.Series]) -> np.ndarray:
    """Whether a shock of ``kind`` can hit each household (a lost job needs an earner, a dropout a pupil)."""
    role = {"accident": "earner", "job_loss": "earner", "dropout": "pupil"}.get(kind)
    return np.ones(len(hh), dtype=bool) if role is None else np.isin(hh, people[role].index)


def _uniform_months(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    return np.asarray(first + (rng.random(len(first)) * (last - first + 1)).astype(np.int64))


def background_shocks(spans: pd.DataFrame, people: dict[str, pd.Series], rng: np.random.Generator) -> pd.DataFrame:
    """Shocks that hit exited households at the background rates: (hh, kind, month)."""
    hh = spans.index.to_numpy()
    length = (spans["end_m"] - spans["exit_m"]).to_numpy()
    ill = np.isin(hh, people["ill"].index)
    frames = []
    for kind, rate in config.BACKGROUND_SHOCK_RATE.items():
        factor = np.where(ill, config.ILL_MEMBER_ILLNESS_FACTOR, 1.0) if kind == "illness" else 1.0
        count = rng.binomial(length, np.clip(rate * factor, 0, 1)) * _feasible(kind, hh, people)
        at = np.repeat(np.arange(len(hh)), count)
        month = _uniform_months(rng, spans["exit_m"].to_numpy()[at] + 1, spans["end_m"].to_numpy()[at])
        frames.append(pd.DataFrame({"hh": hh[at], "kind": kind, "month": month}))
    return pd.concat(frames, ignore_index=True)


def causing_shocks(spans: pd.DataFrame, people: dict[str, pd.Series], rng: np.random.Generator) -> pd.DataFrame:
    """The shock a return follows, for ``CAUSED_RETURN_SHARE`` of the returns: (hh, kind, month), 1-4 months
    before the return and after the exit."""
    returning = spans[spans["returned_m"].notna()]
    returning = returning[rng.random(len(returning)) < config.CAUSED_RETURN_SHARE]
    hh = returning.index.to_numpy()
    lag = choose(rng, config.SHOCK_LAG_WEIGHTS, len(hh)).astype(np.int64)
    month = np.maximum(returning["returned_m"].to_numpy().astype(np.int64) - lag, returning["exit_m"].to_numpy() + 1)
    kind = choose(rng, config.SHOCK_KIND_SHARES, len(hh)).astype(object)
    for name in config.SHOCK_KIND_SHARES:  # a shock the household cannot have becomes an illness
        here = kind == name
        kind[here & ~_feasible(name, hh, people)] = "illness"
    return pd.DataFrame({"hh": hh, "kind": kind, "month": month})


def _inpatient_costs(rng: np.random.Generator, cause: np.ndarray) -> np.ndarray:
    median = np.where(cause, config.INPATIENT_MEDIAN["cause"], config.INPATIENT_MEDIAN["background"])
    return np.round(median * rng.lognormal(0.0, config.INPATIENT_SIGMA, len(cause)), 2)


def shock_clues(shocks: pd.DataFrame, people: dict[str, pd.Series], rng: np.random.Generator) -> pd.DataFrame:
    """The clues departments push for ``shocks`` (with a boolean ``cause`` column): a share per kind, inpatient
    costs for illnesses, and 民政 assistance some months after a part of them."""
    reported = shocks[rng.random(len(shocks)) < shocks["kind"].map(config.CLUE_SHARE).to_numpy()]
    frames = []
    for kind, group in reported.groupby("kind", sort=True):
        source, clue_kind = SOURCE[str(kind)]
        hh = group["hh"].to_numpy()
        amount = _inpatient_costs(rng, group["cause"].to_numpy()) if clue_kind == "inpatient" else np.nan
        frames.append(
            pd.DataFrame(
                {
                    "hh": hh,
                    "person": _who(str(kind), hh, people),
                    "source_zh": source,
                    "kind": clue_kind,
                    "month": group["month"].to_numpy(),
                    "amount_yuan": amount,
                }
            )
        )
    share = np.where(shocks["cause"], config.ASSISTANCE_AFTER_CAUSE_SHARE, config.ASSISTANCE_AFTER_BACKGROUND_SHARE)
    helped = shocks[rng.random(len(shocks)) < share]
    hh = helped["hh"].to_numpy()
    frames.append(
        pd.DataFrame(
            {
                "hh": hh,
                "person": _who("assistance", hh, people),
                "source_zh": "民政局",
                "kind": "assistance",
                "month": helped["month"].to_numpy() + rng.integers(0, 3, len(hh)),
                "amount_yuan": np.nan,
            }
        )
    )
    return pd.concat(frames, ignore_index=True)


def outpatient_clues(spans: pd.DataFrame, people: dict[str, pd.Series], rng: np.random.Generator) -> pd.DataFrame:
    """Monthly outpatient bills of households with an ill member: mostly small, some above 500 元 (noise)."""
    spans = spans[spans.index.isin(people["ill"].index)]
    hh = spans.index.to_numpy()
    count = rng.binomial((spans["end_m"] - spans["exit_m"]).to_numpy(), config.OUTPATIENT_CLUE_RATE)
    at = np.repeat(np.arange(len(hh)), count)
    month = _uniform_months(rng, spans["exit_m"].to_numpy()[at] + 1, spans["end_m"].to_numpy()[at])
    amount = np.round(config.OUTPATIENT_MEDIAN * rng.lognormal(0.0, config.OUTPATIENT_SIGMA, len(at)), 2)
    return pd.DataFrame(
        {
            "hh": hh[at],
            "person": _who("illness", hh[at], people),
            "source_zh": "医保局",
            "kind": "outpatient",
            "month": month,
            "amount_yuan": amount,
        }
    )


def warning_clues(
    households: pd.DataFrame, persons: pd.DataFrame, events: pd.DataFrame, until: int, rng: np.random.Generator
) -> pd.DataFrame:
    """All department clues up to ``until``: (hh, person, source_zh, kind, month, amount_yuan, detail), one row per
    clue, in household and month order (a month is a month index). ``events`` are the whole plan period's: the
    clues are drawn to 2020-12 and cut at ``until``, so the history up to a month never depends on ``until``."""
    spans = exited_spans(events, households, months.LAST)
    people = _people_of(persons, spans.index.to_numpy())
    shocks = pd.concat(
        [
            causing_shocks(spans, people, rng).assign(cause=True),
            background_shocks(spans, people, rng).assign(cause=False),
        ],
        ignore_index=True,
    )
    clues = pd.concat([shock_clues(shocks, people, rng), outpatient_clues(spans, people, rng)])
    clues = clues[clues["month"] <= until]
    clues["detail"] = clues["kind"].map(DETAIL)
    return clues.sort_values(["hh", "month", "kind"], kind="stable", ignore_index=True)[COLUMNS]
