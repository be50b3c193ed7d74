"""District, town and village tables of the synthetic roster, with designations and exit months."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import boundaries
from geo.village_points import place_points_in_polygons, village_areas
from roster import months
from roster.synth import config
from roster.synth.sampling import apportion


@dataclass
class Geography:
    district: pd.DataFrame
    town: pd.DataFrame
    village: pd.DataFrame  # includes month-index column exit_m (NaN = not exited by 2020-12)


def district_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"district_code": list(boundaries.DISTRICT_NAMES), "name": list(boundaries.DISTRICT_NAMES.values())}
    )


def town_table() -> pd.DataFrame:
    towns = boundaries.town_codes()
    polygons = set(boundaries.towns("full", imported=False)["town_code"])
    towns["is_weak_town"] = towns["name"].isin(config.WEAK_TOWNS)
    towns["pairing_district_code"] = towns["name"].map(config.WEAK_TOWNS)
    late = towns["name"].map(config.LATE_TOWN_EXITS).fillna(config.TOWN_EXIT_ON_TIME)
    towns["exit_m"] = np.where(towns["is_weak_town"], late.map(months.parse), np.nan)
    towns["has_polygon"] = towns["town_code"].isin(polygons)
    return towns


def _synthetic_population(keys: pd.Series) -> np.ndarray:
    """Rural residents of a village committee: 2,000-4,000 (rounded to 10), fixed by the key alone.

    No public figure exists per 2023 village; the demo needs a denominator for incidence.
    """
    draws = [int.from_bytes(hashlib.sha256(k.encode()).digest()[:4], "little") / 2**32 for k in keys]
    return (np.round((2000 + 2000 * np.asarray(draws)) / 10) * 10).astype(np.int64)


def _rural_village_pool(shard: int) -> pd.DataFrame:
    """Village committees of the five districts with poor households; shard k > 0 copies them as ``code-k``."""
    villages = boundaries.villages()
    pool = villages[
        villages["is_village_committee"] & villages["district_code"].isin(config.HOUSEHOLD_SHARE_BY_DISTRICT)
    ]
    pool = pool.assign(source_village_code=pool["village_code"], point_generated=True).reset_index(drop=True)
    pool["rural_population"] = _synthetic_population(pool["village_code"] + f"#{shard}")
    if shard == 0:
        return pool
    pool["village_code"] = pool["village_code"] + f"-{shard:03d}"
    pool["name"] = pool["name"] + f"（{shard}）"
    areas = village_areas(
        pool["town_code"], pool["district_code"], boundaries.towns("full", imported=False), boundaries.districts("full")
    )
    lon, lat = place_points_in_polygons(areas, pool["village_code"].tolist())
    pool["lon"], pool["lat"] = lon.round(6), lat.round(6)
    return pool


def _designate(pool: pd.DataFrame, weak_towns: set[str], scale: float, rng: np.random.Generator) -> pd.Series:
    """Choose the provincial poor and municipal weak villages; weak-town villages first."""
    designation = pd.Series(None, index=pool.index, dtype=object)
    codes = list(config.DESIGNATED_BY_DISTRICT)
    prov = apportion(round(config.PROVINCIAL_VILLAGES * scale), [config.DESIGNATED_BY_DISTRICT[c][0] for c in codes])
    muni = apportion(round(config.MUNICIPAL_VILLAGES * scale), [config.DESIGNATED_BY_DISTRICT[c][1] for c in codes])
    for code, n_prov, n_muni in zip(codes, prov, muni, strict=True):
        members = pool.index[pool["district_code"] == code].to_numpy()
        in_weak = pool.loc[members, "town_code"].isin(weak_towns).to_numpy()
        # Random order, weak-town villages first: they take the provincial slots, then municipal ones.
        order = members[np.lexsort((rng.random(len(members)), ~in_weak))]
        designation[order[:n_prov]] = "provincial_poor"
        designation[order[n_prov : n_prov + n_muni]] = "municipal_weak"
    return designation


def _village_exit_months(pool: pd.DataFrame, scale: float, rng: np.random.Generator) -> np.ndarray:
    """Villages exit in the annual verification (年度考核验收) at a year's end: exactly the plan's first batch in
    2016-12, the rest in 2017-12, a share of the lagging district's in 2018-12."""
    exit_m = np.full(len(pool), np.nan)
    lagging = (pool["district_code"] == config.LAGGING_DISTRICT).to_numpy()
    for designation, first_batch in config.FIRST_BATCH.items():
        idx = np.flatnonzero((pool["designation"] == designation).to_numpy())
        weights = np.where(lagging[idx], 0.4, 1.0)
        first = rng.choice(idx, size=round(first_batch * scale), replace=False, p=weights / weights.sum())
        exit_m[first] = months.index(2016, 12)
        rest = np.setdiff1d(idx, first)
        late = lagging[rest] & (rng.random(len(rest)) < config.LAGGING_VILLAGE_2018_SHARE)
        exit_m[rest] = np.where(late, months.index(2018, 12), months.index(2017, 12))
    return exit_m


def build(scale: float, shard: int, rng: np.random.Generator) -> Geography:
    """Geography of one shard (``scale`` <= 1). Shard 0 also carries every other official village."""
    towns = town_table()
    weak = set(towns.loc[towns["is_weak_town"], "town_code"])
    pool = _rural_village_pool(shard)
    pool["designation"] = _designate(pool, weak, scale, rng)
    pool["exit_m"] = _village_exit_months(pool, scale, rng)
    frames = [pool]
    if shard == 0:
        others = boundaries.villages()
        others = others[~others["village_code"].isin(pool["village_code"])]
        frames.append(
            others.assign(
                source_village_code=others["village_code"], point_generated=True, designation=None, exit_m=np.nan
            )
        )
    village = pd.concat(frames, ignore_index=True).sort_values("village_code", ignore_index=True)
    village["in_weak_town"] = village["town_code"].isin(weak)
    return Geography(district_table(), towns, village)
