"""Who is on the roster and who is watched: the baseline households, the 边缘户 list, and the 新识别 and returns the
shocks of ``shocks.py`` produce.

The 边缘户 list (near-poor rural households outside the roster) is drawn like the baseline; the households a shock
pushes into poverty are registered as 新识别 households, with the same members. Exited baseline households return
when a shock pushes them back (the timeline then lets them exit again).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roster import months
from roster.synth import config, people, shocks, timeline
from roster.synth.sampling import choose


@dataclass
class Cohorts:
    """The generated households: the roster's (baseline, then the registered 边缘户) and the whole 边缘户 list."""

    households: pd.DataFrame  # roster households; ``hh`` of persons indexes it; ``return_m`` NaN = no return
    persons: pd.DataFrame
    pool: pd.DataFrame  # the 边缘户 list; ``roster_hh`` the roster household it became (NaN = never by 2020-12)
    pool_persons: pd.DataFrame  # ``hh`` indexes ``pool``
    exited_shocks: pd.DataFrame  # hh indexes ``households``
    pool_shocks: pd.DataFrame  # hh indexes ``pool``


def _exited_watch(households: pd.DataFrame, persons: pd.DataFrame) -> shocks.Watched:
    """Baseline households from the month after their exit; a return from 2017 on and never in the exit year."""
    exit_m = households["exit_m"].to_numpy().astype(np.int64)
    people_ = shocks.people_of(persons)
    hh = np.arange(len(households))
    year_after_exit = (exit_m // 12 + 1) * 12
    return shocks.Watched(
        population="exited",
        hh=hh,
        first=exit_m + 1,
        earliest=np.maximum(year_after_exit, months.parse(config.FIRST_EVENT_MONTH)),
        latest=np.full(len(hh), months.LAST),
        vulnerability=shocks.vulnerability(households["income_factor"].to_numpy(), hh, people_),
        people=people_,
    )


def _pool_watch(pool: pd.DataFrame, pool_persons: pd.DataFrame) -> shocks.Watched:
    """边缘户 from 2016-01; a 新识别 from ``FIRST_EVENT_MONTH`` to ``LAST_NEW_MONTH``."""
    people_ = shocks.people_of(pool_persons)
    hh = np.arange(len(pool))
    return shocks.Watched(
        population="near_poor",
        hh=hh,
        first=np.full(len(hh), months.BASELINE + 1),
        earliest=np.full(len(hh), months.parse(config.FIRST_EVENT_MONTH)),
        latest=np.full(len(hh), months.parse(config.LAST_NEW_MONTH)),
        vulnerability=shocks.vulnerability(pool["income_factor"].to_numpy(), hh, people_),
        people=people_,
    )


def build(villages: pd.DataFrame, scale: float, rng: np.random.Generator, shock_rng: np.random.Generator) -> Cohorts:
    """Baseline households (exact plan totals), the 边缘户 list, and the roster they make together with the shocks
    (``shock_rng``: the causal layer's own stream)."""
    base_h, base_p = people.baseline(villages, scale, rng)
    base_h["exit_m"] = timeline.baseline_exit_months(base_h, rng)
    base_h["is_new"] = False
    base_h["income_factor"] = rng.uniform(*config.EXITED_INCOME_RANGE, len(base_h))
    n_pool = round(config.NEAR_POOR_SHARE * len(base_h))
    pool, pool_p = people.households_with_members(
        villages, choose(rng, config.SIZE_SHARES, n_pool).astype(np.int64), rng
    )
    pool["income_factor"] = rng.uniform(*config.NEAR_POOR_INCOME_RANGE, n_pool)

    exited_shocks, return_m = shocks.shocks_and_events(_exited_watch(base_h, base_p), shock_rng)
    pool_shocks, registered_m = shocks.shocks_and_events(_pool_watch(pool, pool_p), shock_rng)
    base_h["return_m"] = return_m

    registered = np.flatnonzero(np.isfinite(registered_m))
    new_h = pool.iloc[registered].reset_index(drop=True)
    new_h["identified_m"] = registered_m[registered].astype(np.int64)
    new_h["exit_m"], new_h["return_m"], new_h["is_new"] = np.nan, np.nan, True
    pool["roster_hh"] = np.nan
    pool.loc[registered, "roster_hh"] = len(base_h) + np.arange(len(registered))
    renumber = pd.Series(len(base_h) + np.arange(len(registered)), index=registered)
    new_p = pool_p[pool_p["hh"].isin(registered)].copy()
    new_p["hh"] = renumber.reindex(new_p["hh"]).to_numpy()
    new_p["pool_person"] = new_p.index
    households = pd.concat([base_h, new_h], ignore_index=True)
    households["dilapidated_house"] = rng.random(len(households)) < config.DILAPIDATED_SHARE
    households = households.merge(villages[["village_code", "designation"]], on="village_code", how="left")
    persons = pd.concat([base_p, new_p], ignore_index=True)
    return Cohorts(households, persons, pool, pool_p, exited_shocks, pool_shocks)
