"""Yearly indicators: village collective income and 八项工程, weak-town 六项工程, household income."""

from __future__ import annotations

import numpy as np
import pandas as pd

from roster import months
from roster.schema import project_flags
from roster.synth import config

VILLAGE_PROJECTS = project_flags("village_indicator")
TOWN_PROJECTS = project_flags("town_indicator")
FIRST_YEAR = 2015


def _years(last_year: int) -> np.ndarray:
    return np.arange(FIRST_YEAR, last_year + 1)


def _completion_years(rng: np.random.Generator, n: int, shares: dict[int, float], late: np.ndarray) -> np.ndarray:
    years = np.array(list(shares))
    p = np.array(list(shares.values()))
    done = years[rng.choice(len(years), size=n, p=p / p.sum())]
    return np.where(late & (rng.random(n) < 0.5), done + 1, done)


def village_indicators(villages: pd.DataFrame, last_year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Designated villages: collective income rising to >= 15 万元 by the exit year (a few fall short)."""
    v = villages[villages["designation"].notna()].reset_index(drop=True)
    n, years = len(v), _years(last_year)
    exit_year = np.asarray(months.year_of(v["exit_m"].fillna(months.LAST).to_numpy())).astype(int)
    start = rng.uniform(0, 8, n)
    at_exit = np.where(rng.random(n) < 0.94, rng.uniform(15, 25, n), rng.uniform(10, 14.9, n))
    growth = rng.uniform(1.05, 1.15, n)
    late = (v["district_code"] == config.LAGGING_DISTRICT).to_numpy()
    first_industry = np.minimum(exit_year, rng.integers(2015, 2018, n))
    second_industry = np.where(rng.random(n) < 0.5, first_industry + rng.integers(1, 3, n), 9999)
    completion = {
        p: _completion_years(rng, n, {2016: 0.3, 2017: 0.4, 2018: 0.27, 2019: 0.03}, late) for p in VILLAGE_PROJECTS
    }
    rows = []
    for year in years:
        share = np.clip((year - FIRST_YEAR) / np.maximum(exit_year - FIRST_YEAR, 1), 0, 1)
        income = np.where(year <= exit_year, start + (at_exit - start) * share, at_exit * growth ** (year - exit_year))
        frame = pd.DataFrame(
            {"village_code": v["village_code"], "year": year, "collective_income_wan": np.round(income, 2)}
        )
        frame["industries"] = (year >= first_industry).astype(int) + (year >= second_industry).astype(int)
        for project, done in completion.items():
            frame[project] = year >= done
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def town_indicators(towns: pd.DataFrame, last_year: int, rng: np.random.Generator) -> pd.DataFrame:
    """The weak towns' 六项工程, due by 2018-12; the late towns finish some of them in 2019."""
    t = towns[towns["is_weak_town"]].reset_index(drop=True)
    late = t["name"].isin(config.LATE_TOWN_EXITS).to_numpy()
    completion = {p: _completion_years(rng, len(t), {2016: 0.3, 2017: 0.45, 2018: 0.25}, late) for p in TOWN_PROJECTS}
    rows = []
    for year in _years(last_year):
        frame = pd.DataFrame({"town_code": t["town_code"], "year": year})
        for project, done in completion.items():
            frame[project] = year >= done
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def poor_at_year_end(events: pd.DataFrame, n_households: int, year: int, as_of: int) -> np.ndarray:
    """Whether each household is registered and poor at the end of ``year`` (or at ``as_of`` if earlier)."""
    cutoff = min(months.index(year, 12), as_of)
    known = events[(events["month"] <= cutoff) & events["person"].lt(0)]
    last = known.groupby("hh")["event_type"].last()
    status = pd.Series("none", index=range(n_households), dtype=object)
    status[last.index] = last.to_numpy()
    return np.asarray(status.to_numpy())


def kept_share(losses: pd.DataFrame, n_households: int, year: int) -> np.ndarray:
    """The share of its income each household keeps in ``year`` after its shocks (``shocks.income_losses``)."""
    kept = np.ones(n_households)
    this_year = losses[losses["year"] == year]
    kept[this_year["hh"].to_numpy()] = this_year["kept"].to_numpy()
    return kept


def above_line_income(factor: np.ndarray, kept: np.ndarray, year: int) -> np.ndarray:
    """Per-capita income of a household out of poverty: ``factor`` × the line, growing 8 % a year from 2016, cut by
    its shocks but never below 2 % above the line (a household that falls below it is poor, which the timeline
    decides)."""
    line = config.POVERTY_LINE_YUAN
    return np.asarray(np.maximum(line * factor * 1.08 ** max(year - 2016, 0) * kept, line * 1.02))


def household_income(
    events: pd.DataFrame, factor: np.ndarray, losses: pd.DataFrame, as_of: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Per-capita net income per registered household and year: below the line while poor, above after exit (its
    ``factor`` × the line, less what its shocks cost)."""
    n_households = len(factor)
    rows = []
    for year in range(FIRST_YEAR, int(months.year_of(as_of)) + 1):
        status = poor_at_year_end(events, n_households, year, as_of)
        present = np.isin(status, ["identified", "new", "returned", "exited"])
        poor = np.isin(status, ["identified", "new", "returned"])
        above = above_line_income(factor, kept_share(losses, n_households, year), year)
        below = config.POVERTY_LINE_YUAN * rng.uniform(0.55, 0.97, n_households)
        income = np.where(poor, below, above)
        idx = np.flatnonzero(present)
        rows.append(pd.DataFrame({"hh": idx, "year": year, "per_capita_income_yuan": np.round(income[idx], 2)}))
    return pd.concat(rows, ignore_index=True)


def near_poor_income(pool: pd.DataFrame, losses: pd.DataFrame, registered_m: np.ndarray, as_of: int) -> pd.DataFrame:
    """Per-capita income of each 边缘户 for the years before the one it was registered in (then the roster's income
    table holds it), up to ``as_of``'s year: (hh, year, per_capita_income_yuan)."""
    factor = pool["income_factor"].to_numpy()
    registered_year = np.asarray(months.year_of(np.nan_to_num(registered_m, nan=months.LAST + 12).astype(np.int64)))
    rows = []
    for year in range(FIRST_YEAR, int(months.year_of(as_of)) + 1):
        income = above_line_income(factor, kept_share(losses, len(pool), year), year)
        idx = np.flatnonzero(year < registered_year)
        rows.append(pd.DataFrame({"hh": idx, "year": year, "per_capita_income_yuan": np.round(income[idx], 2)}))
    return pd.concat(rows, ignore_index=True)
