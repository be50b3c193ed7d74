"""The league table (排名) of the areas one level below a scope.

* exit rate = baseline households exited ÷ (exited + still poor), i.e. after natural decrease;
* pace ratio = trailing three-month pace ÷ required pace, the lowest over the area's open
  back-scheduling targets (deadline ahead, work remaining); empty when none is open;
* measures coverage = active households with a measure started by the month ÷ active households;
* returns per 1,000 = 返贫 events up to the month per 1,000 baseline households.
Areas are ranked by exit rate, then pace ratio.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.dynamics import household_outcomes
from analytics.schedule import back_schedule
from analytics.scope import CHILD_LEVEL, Scope, area_names


def league_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """One row per child area with households in it, ranked (1 = best)."""
    level = CHILD_LEVEL[scope.level]
    o = household_outcomes(con, scope, level).set_index("area_code")
    if o.empty:
        return pd.DataFrame(columns=["rank", "area_code", "area_name", "exit_rate", "pace_ratio", "measures_coverage", "returns_per_1000", "remaining_households", "remaining_persons"])
    task = o["baseline_exited_households"] + o["baseline_remaining_households"]
    schedule = back_schedule(con, scope, level)
    open_rows = schedule[(schedule["months_left"] > 0) & (schedule["remaining"] > 0)]
    pace = (open_rows["actual_pace"] / open_rows["required_pace"]).groupby(open_rows["area_code"]).min()
    table = pd.DataFrame({
        "area_code": o.index,
        "exit_rate": np.where(task > 0, o["baseline_exited_households"] / task.where(task > 0, 1), np.nan),
        "pace_ratio": pace.reindex(o.index).to_numpy(),
        "measures_coverage": np.where(o["active_households"] > 0, o["covered_households"] / o["active_households"].where(o["active_households"] > 0, 1), np.nan),
        "returns_per_1000": np.where(o["baseline_households"] > 0, 1000 * o["returned_households"] / o["baseline_households"].where(o["baseline_households"] > 0, 1), np.nan),
        "remaining_households": o["remaining_households"].to_numpy(),
        "remaining_persons": o["remaining_persons"].to_numpy(),
    })
    table["area_name"] = table["area_code"].map(area_names(con, level, scope))
    table = table.sort_values(["exit_rate", "pace_ratio"], ascending=False, na_position="last", ignore_index=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table[["rank", "area_code", "area_name", "exit_rate", "pace_ratio", "measures_coverage", "returns_per_1000", "remaining_households", "remaining_persons"]]
