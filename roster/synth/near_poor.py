"""The 边缘户 tables: the near-poor households outside the roster, their members, incomes and warning clues."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd

from roster import months
from roster.synth.cohorts import Cohorts
from roster.synth.names import permanent_ids


class Offsets(Protocol):
    near_poor: int
    clue: int


def watched_spans(registered_m: np.ndarray) -> pd.DataFrame:
    """The months each 边缘户 is watched for clues: after the baseline (``after_m``) up to the month before it was
    registered (``end_m``, at most 2020-12); index the pool's."""
    end = np.where(np.isnan(registered_m), months.LAST, registered_m - 1)
    return pd.DataFrame({"after_m": months.BASELINE, "end_m": end.astype(np.int64)})


def tables(
    drawn: Cohorts,
    registered_m: np.ndarray,
    household_ids: pd.Series,
    income: pd.DataFrame,
    clues: pd.DataFrame,
    until: int,
    offsets: Offsets,
) -> dict[str, pd.DataFrame]:
    """The 边缘户 list as it stands at ``until`` (a household registered later is still only on this list), with
    permanent ids; ``household_ids`` maps roster ``hh`` to household id; ``clues`` are the pool's (hh = pool
    index), returned as the 边缘户 part of ``warning_clue``."""
    pool, members = drawn.pool, drawn.pool_persons
    ids = pd.Series(permanent_ids("N", np.arange(len(pool)) + offsets.near_poor, 8), index=pool.index)
    registered = ~np.isnan(registered_m) & (np.nan_to_num(registered_m, nan=months.LAST + 1) <= until)
    roster_hh = pool["roster_hh"].where(registered)
    heads = members[members["pos"] == 0].set_index("hh")
    household = pd.DataFrame(
        {
            "near_poor_id": ids.array,
            "village_code": pool["village_code"].array,
            "size": pool["size"].array,
            "head_name": heads["name"].reindex(pool.index).array,
            "head_id_number": heads["id_number"].reindex(pool.index).array,
            "household_id": household_ids.reindex(roster_hh.fillna(-1).astype(np.int64)).array,
            "registered_month": months.to_dates(np.where(registered, registered_m, np.nan)),
        }
    )
    person = members.assign(near_poor_id=ids.reindex(members["hh"]).array)
    clue = clues.assign(
        household_id=None,
        near_poor_id=ids.reindex(clues["hh"]).array,
        id_number=members["id_number"].reindex(clues["person"]).array,
        month=months.to_dates(clues["month"].to_numpy()),
        clue_id=np.arange(1, len(clues) + 1) + offsets.clue,
    )
    offsets.clue += len(clue)
    return {
        "near_poor_household": household,
        "near_poor_person": person,
        "near_poor_income": income.assign(near_poor_id=ids.reindex(income["hh"]).array),
        "warning_clue": clue,
    }
