"""The warning clues departments push about the watched households (防返贫监测).

Departments report a share of the shocks of ``shocks.py`` (the rest are never reported): the 医保局 an illness's
inpatient bill, the 公安局 an accident, the 残联 a new disability, the 应急管理局 a disaster, the 人社局 a lost job,
the 教育局 a dropout; the 民政局 takes some of the hit households into 低保 or 临时救助 a few months later; and the
医保局 pushes noise of its own (outpatient bills of households with an ill member, some above the 500 元 rule: false
alarms). Every rate is in ``config`` and listed in docs/analytics.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from roster.synth import config
from roster.synth.shocks import ROLE

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
COLUMNS = ["hh", "person", "source_zh", "kind", "month", "amount_yuan", "detail"]


def exited_spans(events: pd.DataFrame, households: pd.DataFrame, until: int) -> pd.DataFrame:
    """Per baseline household that exited by ``until``: its first exit month ``after_m`` (watched from the month
    after) and the last month ``end_m`` it stayed out of poverty (the month before a return or removal, at most
    ``until``)."""
    own = events[events["person"] < 0]
    first = own.groupby(["hh", "event_type"])["month"].min().unstack()
    spans = pd.DataFrame(index=first.index)
    spans["after_m"] = first.get("exited", np.nan)
    stop = pd.concat([first.get(kind, pd.Series(dtype=float)) for kind in ("returned", "removed")], axis=1)
    spans["end_m"] = np.minimum(stop.min(axis=1).fillna(until + 1) - 1, until)
    baseline = ~households["is_new"].to_numpy()[spans.index]
    spans = spans[baseline & spans["after_m"].notna() & (spans["end_m"] > spans["after_m"])]
    return spans.astype({"after_m": np.int64, "end_m": np.int64})


def _who(kind: str, hh: np.ndarray, people: dict[str, pd.Series]) -> np.ndarray:
    """The member a clue of ``kind`` names: the ill member, the earner or the pupil, else the head."""
    role = ROLE.get(kind, "head")
    chosen = people[role].reindex(hh).fillna(people["head"].reindex(hh))
    return np.asarray(chosen.to_numpy(), dtype=np.int64)


def _uniform_months(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    return np.asarray(first + (rng.random(len(first)) * (last - first + 1)).astype(np.int64))


def shock_clues(shocks: pd.DataFrame, people: dict[str, pd.Series], rng: np.random.Generator) -> pd.DataFrame:
    """The clues departments push for ``shocks`` (``shocks.shocks_and_events``): a share per kind, the bill of an
    illness, and 民政 assistance some months after a part of them (more after a shock that pushed the household
    into poverty)."""
    reported = shocks[rng.random(len(shocks)) < shocks["kind"].map(config.CLUE_SHARE).to_numpy()]
    frames = []
    for kind, group in reported.groupby("kind", sort=True):
        source, clue_kind = SOURCE[str(kind)]
        hh = group["hh"].to_numpy()
        amount = group["amount_yuan"].to_numpy() if clue_kind == "inpatient" else np.nan
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
    share = np.where(
        shocks["event_m"].notna(), config.ASSISTANCE_AFTER_CAUSE_SHARE, config.ASSISTANCE_AFTER_BACKGROUND_SHARE
    )
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
    count = rng.binomial((spans["end_m"] - spans["after_m"]).to_numpy(), config.OUTPATIENT_CLUE_RATE)
    at = np.repeat(np.arange(len(hh)), count)
    month = _uniform_months(rng, spans["after_m"].to_numpy()[at] + 1, spans["end_m"].to_numpy()[at])
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
    shocks: pd.DataFrame, spans: pd.DataFrame, people: dict[str, pd.Series], until: int, rng: np.random.Generator
) -> pd.DataFrame:
    """The department clues up to ``until`` about households watched over ``spans`` (index hh; ``after_m`` the month
    before watching starts, ``end_m`` the last month watched): (hh, person, source_zh, kind, month, amount_yuan,
    detail), one row per clue, in household and month order (a month is a month index). The clues are drawn to
    2020-12 and cut at ``until``, so the history up to a month never depends on ``until``."""
    window = spans.reindex(shocks["hh"].to_numpy())
    seen = (shocks["month"].to_numpy() > window["after_m"].to_numpy()) & (
        shocks["month"].to_numpy() <= window["end_m"].to_numpy()
    )
    clues = pd.concat([shock_clues(shocks[seen], people, rng), outpatient_clues(spans, people, rng)])
    clues = clues[clues["month"] <= until]
    clues["detail"] = clues["kind"].map(DETAIL)
    return clues.sort_values(["hh", "month", "kind"], kind="stable", ignore_index=True)[COLUMNS]
