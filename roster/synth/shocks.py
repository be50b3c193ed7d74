"""The causal layer of the synthetic history: shocks that push households (back) into poverty.

Watched are the exited baseline households (from the month after their exit) and the households on the 边缘户 list
(near-poor rural households outside the roster). Every month each may suffer a shock — a serious illness with its
bill, an accident to a main earner, a new disability, a disaster, a lost job, a child leaving school — at the rates of
``config.BACKGROUND_SHOCK_RATE``. A shock pushes the household into poverty with the chance ``EVENT_CHANCE`` of its
population × the shock's weight (an illness's grows with its bill) × the household's vulnerability (no labour, an
income close to the line); the return or the 新识别 follows 1-4 months later, not before ``FIRST_EVENT_MONTH``, a
return never in its exit year, a 新识别 not after ``LAST_NEW_MONTH``. A few exited households return with no visible
shock. A shock that pushes nobody still costs part of the year's income. Shocks are not stored: departments report
some of them as clues (``clues.py``), and the dashboard, like a township, sees only those.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roster import months
from roster.synth import config
from roster.synth.sampling import choose, months_after

ILL = ("长期慢性病", "患有大病")
LABOUR = ("普通劳动力", "技能劳动力")
IN_SCHOOL = ("小学", "初中", "普通高中", "中职")
# The member a shock of each kind concerns (absent: the household's head); a kind whose member a household lacks
# cannot hit it.
ROLE = {"illness": "ill", "accident": "earner", "job_loss": "earner", "dropout": "pupil"}
NEEDS = {"accident": "earner", "job_loss": "earner", "dropout": "pupil"}
SHOCK_COLUMNS = ["hh", "kind", "month", "amount_yuan", "event_m"]


def people_of(persons: pd.DataFrame) -> dict[str, pd.Series]:
    """For each household (``persons["hh"]``): its head, an ill member, an earner and a pupil (person index; a
    household without one is absent)."""

    def first(mask: pd.Series) -> pd.Series:
        picked = persons[mask].groupby("hh", sort=True).head(1)
        return pd.Series(picked.index.to_numpy(), index=picked["hh"].to_numpy())

    return {
        "head": first(persons["pos"] == 0),
        "ill": first(persons["health"].isin(ILL)),
        "earner": first(persons["labor_ability"].isin(LABOUR)),
        "pupil": first(persons["school_status"].isin(IN_SCHOOL)),
    }


def vulnerability(income_factor: np.ndarray, hh: np.ndarray, people: dict[str, pd.Series]) -> np.ndarray:
    """How much more than average a shock hurts: ``INCOME_REFERENCE`` / income multiple (0.5 .. 2), × the no-labour
    factor where no member is ordinary or skilled labour."""
    by_income = np.clip(config.INCOME_REFERENCE / np.asarray(income_factor, dtype=float), 0.5, 2.0)
    return np.asarray(by_income * np.where(np.isin(hh, people["earner"].index), 1.0, config.NO_LABOUR_FACTOR))


@dataclass(frozen=True)
class Watched:
    """Households watched for shocks (parallel arrays; ``hh`` indexes their own frame)."""

    population: str  # "exited" or "near_poor": the key of EVENT_CHANCE
    hh: np.ndarray
    first: np.ndarray  # first month a shock can hit
    earliest: np.ndarray  # first month the event a shock causes may fall in
    latest: np.ndarray  # last month it may
    vulnerability: np.ndarray
    people: dict[str, pd.Series]


def _uniform_months(rng: np.random.Generator, first: np.ndarray, last: np.ndarray) -> np.ndarray:
    return np.asarray(first + (rng.random(len(first)) * (last - first + 1)).astype(np.int64))


def draw_shocks(watched: Watched, rng: np.random.Generator) -> pd.DataFrame:
    """Every shock from each household's first month to 2020-12: (hh, kind, month, amount_yuan — an illness's
    out-of-pocket bill, else NaN), in no particular order."""
    length = np.maximum(months.LAST - watched.first + 1, 0)
    ill = np.isin(watched.hh, watched.people["ill"].index)
    frames = []
    for kind, rate in config.BACKGROUND_SHOCK_RATE.items():
        factor = np.where(ill, config.ILL_MEMBER_ILLNESS_FACTOR, 1.0) if kind == "illness" else 1.0
        feasible = np.isin(watched.hh, watched.people[NEEDS[kind]].index) if kind in NEEDS else True
        count = rng.binomial(length, np.clip(rate * factor, 0, 1)) * feasible
        at = np.repeat(np.arange(len(watched.hh)), count)
        month = _uniform_months(rng, watched.first[at], np.full(len(at), months.LAST))
        bill = (
            config.INPATIENT_MEDIAN * rng.lognormal(0.0, config.INPATIENT_SIGMA, len(at))
            if kind == "illness"
            else np.nan
        )
        frames.append(pd.DataFrame({"at": at, "kind": kind, "month": month, "amount_yuan": np.round(bill, 2)}))
    return pd.concat(frames, ignore_index=True)


def _weight(shocks: pd.DataFrame) -> np.ndarray:
    weight = shocks["kind"].map(config.SHOCK_WEIGHT).to_numpy(dtype=float)
    bill = np.clip(shocks["amount_yuan"].to_numpy(dtype=float) / config.INPATIENT_REFERENCE, 0.25, 4.0)
    return np.asarray(np.where(shocks["kind"] == "illness", weight * bill, weight))


def shocks_and_events(watched: Watched, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """The shocks of the watched households and the month each household is pushed into poverty (NaN: never by
    2020-12). Shocks keep ``event_m``, the event month of the one that caused the household's event (else NaN), and
    end with that event: later shocks belong to a poor household, which nobody watches."""
    shocks = draw_shocks(watched, rng)
    at = shocks["at"].to_numpy()
    chance = config.EVENT_CHANCE[watched.population] * _weight(shocks) * watched.vulnerability[at]
    lag = choose(rng, config.SHOCK_LAG_WEIGHTS, len(shocks)).astype(np.int64)
    event_m = shocks["month"].to_numpy() + lag
    pushes = (rng.random(len(shocks)) < chance) & (event_m >= watched.earliest[at]) & (event_m <= watched.latest[at])
    first = np.full(len(watched.hh), np.inf)
    np.minimum.at(first, at[pushes], event_m[pushes])
    if watched.population == "exited":  # returns without a visible shock
        uncaused = months_after(rng, watched.earliest - 1, np.full(len(watched.hh), 12 * config.UNCAUSED_RETURN_RATE))
        first = np.where(uncaused <= watched.latest, np.minimum(first, uncaused), first)
    causing = np.flatnonzero(pushes & (event_m == first[at]))
    causing = causing[~pd.Series(at[causing]).duplicated().to_numpy()]  # one per household
    shocks["event_m"] = np.nan
    shocks.loc[causing, "event_m"] = event_m[causing]
    shocks = shocks[shocks["month"].to_numpy() < first[shocks["at"].to_numpy()]]
    shocks.insert(0, "hh", watched.hh[shocks["at"].to_numpy()])
    return shocks[SHOCK_COLUMNS].reset_index(drop=True), np.where(np.isfinite(first), first, np.nan)


def income_losses(shocks: pd.DataFrame) -> pd.DataFrame:
    """Per household and year, the multiple of its income left after the shocks that pushed nobody: (hh, year,
    kept)."""
    quiet = shocks[shocks["event_m"].isna()]
    kept = 1.0 - quiet["kind"].map(config.SHOCK_INCOME_LOSS).to_numpy(dtype=float)
    frame = pd.DataFrame(
        {"hh": quiet["hh"].to_numpy(), "year": months.year_of(quiet["month"].to_numpy()), "kept": kept}
    )
    return frame.groupby(["hh", "year"], as_index=False)["kept"].prod()
