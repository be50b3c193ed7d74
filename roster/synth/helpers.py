"""帮扶责任人: a responsible official for every household, each looking after 3-6 households of a town."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.boundaries import DISTRICT_NAMES
from roster.synth import names

DEPARTMENTS = (
    "农业局",
    "民政局",
    "人社局",
    "教育局",
    "卫计局",
    "住建局",
    "财政局",
    "发改局",
    "商务局",
    "林业局",
    "水利局",
    "交通局",
)


def assign(households: pd.DataFrame, towns: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``helper_name`` and ``helper_unit`` per household (same index as ``households``).

    Units belong to the household's district, to the city, or for a weak town often to its paired
    strong district (第十二章第二节).
    """
    town_codes, town_of_household = np.unique(households["town_code"].to_numpy(), return_inverse=True)
    order = np.lexsort((rng.random(len(households)), town_of_household))
    town_sorted = town_of_household[order]
    rank = np.arange(len(order)) - np.searchsorted(town_sorted, town_sorted)
    load = rng.integers(3, 7, len(town_codes))[town_sorted]
    helper_key = town_sorted.astype(np.int64) * 100_000 + rank // load
    _, helper = np.unique(helper_key, return_inverse=True)
    n_helpers = helper.max() + 1
    helper_town = np.zeros(n_helpers, dtype=np.int64)
    helper_town[helper] = town_sorted

    town_info = towns.set_index("town_code").reindex(town_codes)
    home = town_info["district_code"].map(DISTRICT_NAMES).to_numpy()[helper_town]
    paired = town_info["pairing_district_code"].map(DISTRICT_NAMES).to_numpy()[helper_town]
    draw = rng.random(n_helpers)
    owner = np.where(draw < 0.2, "青岛市", home)
    owner = np.where(pd.notna(paired) & (draw >= 0.2) & (draw < 0.6), paired, owner)
    units = owner + np.asarray(DEPARTMENTS, dtype=object)[rng.integers(0, len(DEPARTMENTS), n_helpers)]
    helper_names = names.surnames(rng, n_helpers) + names.given_names(rng, rng.random(n_helpers) < 0.6)

    out = pd.DataFrame(index=households.index[order])
    out["helper_name"] = helper_names[helper]
    out["helper_unit"] = units[helper]
    return out.sort_index()
