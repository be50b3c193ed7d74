"""The league table (排名) of the areas one level below a scope, ranked by one composite score.

* exit rate = baseline households exited ÷ (exited + still poor), i.e. after natural decrease;
* pace ratio = trailing three-month pace ÷ required pace, the lowest over the area's back-scheduling
  targets with work remaining; 0 when one of them is overdue (deadline passed unmet); a batch target
  before its deadline (待验收) does not count; empty when nothing remains to judge;
* measures coverage = active households with a measure started by the month ÷ active households;
* returns per 1,000 = 返贫 events up to the month per 1,000 baseline households;
* composite score (0–100) = 40 × exit rate + 30 × min(pace ratio, 1.5) / 1.5 + 20 × measures coverage
  + 10 × (1 − min(returns per 1,000 / 50, 1)); an empty pace ratio (nothing left to judge) scores full.

Areas are ranked by the composite score (ties by area code) on every page and slide.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.schedule import RAG_PENDING, back_schedule, pace_months, schedule_figures
from analytics.scope import CHILD_LEVEL, Scope, area_names

WEIGHTS = {"exit_rate": 40, "pace": 30, "coverage": 20, "returns": 10}
PACE_CAP = 1.5
RETURNS_CAP = 50.0
# The score as the screen and the slides state it (from the weights and caps above).
SCORE_RULE = (
    f"综合得分 = {WEIGHTS['exit_rate']}×户脱贫率 + {WEIGHTS['pace']}×min(进度/应有进度, {PACE_CAP:g})/{PACE_CAP:g}"
    f" + {WEIGHTS['coverage']}×措施覆盖率 + {WEIGHTS['returns']}×(1 − min(每千户返贫/{RETURNS_CAP:g}, 1))；"
    "进度/应有进度 = 近3月月均完成 ÷ 截止前需月均完成（取各目标中最低者，有目标过期未完成的记为0）；"
    "每千户返贫按基期户数计。"
)
LEAGUE_COLUMNS = [
    "rank",
    "area_code",
    "area_name",
    "score",
    "exit_rate",
    "pace_ratio",
    "measures_coverage",
    "returns_per_1000",
    "remaining_households",
    "remaining_persons",
]


def composite_score(table: pd.DataFrame) -> pd.Series:
    """The documented composite score of league-table rows."""
    pace = table["pace_ratio"].fillna(PACE_CAP).clip(upper=PACE_CAP) / PACE_CAP
    returns = 1 - (table["returns_per_1000"].fillna(0) / RETURNS_CAP).clip(upper=1)
    score = (
        WEIGHTS["exit_rate"] * table["exit_rate"].fillna(0)
        + WEIGHTS["pace"] * pace
        + WEIGHTS["coverage"] * table["measures_coverage"].fillna(0)
        + WEIGHTS["returns"] * returns
    )
    return score.round(1)


def pace_ratios(schedule: pd.DataFrame) -> pd.Series:
    """Per area: 0 if a target is overdue, else the lowest actual ÷ required pace of its open targets."""
    judged = schedule[(schedule["remaining"] > 0) & (schedule["rag"] != RAG_PENDING)]
    ratio = (judged["actual_pace"] / judged["required_pace"]).where(judged["months_left"] > 0, 0.0)
    return ratio.groupby(judged["area_code"]).min()


def _share(part: pd.Series, whole: pd.Series) -> np.ndarray:
    return np.where(whole > 0, part / whole.where(whole > 0, 1), np.nan)


def league_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """One row per child area with households in it, ranked by composite score (1 = best)."""
    level = CHILD_LEVEL[scope.level]
    figures = schedule_figures(con, scope, pace_months(scope.as_of), level)
    now = figures[figures.index.get_level_values("month") == scope.as_of].droplevel("month")
    o = now[now["with_households"]]
    if o.empty:
        return pd.DataFrame(columns=LEAGUE_COLUMNS)
    table = pd.DataFrame(
        {
            "area_code": o.index,
            "exit_rate": _share(
                o["baseline_exited_households"], o["baseline_exited_households"] + o["baseline_remaining_households"]
            ),
            "pace_ratio": pace_ratios(back_schedule(con, scope, level, figures)).reindex(o.index).to_numpy(),
            "measures_coverage": _share(o["covered_households"], o["active_households"]),
            "returns_per_1000": 1000 * _share(o["returned_households"], o["baseline_households"]),
            "remaining_households": o["remaining_households"].to_numpy(),
            "remaining_persons": o["remaining_persons"].to_numpy(),
        }
    )
    table["area_name"] = table["area_code"].map(area_names(con, level, scope))
    table["score"] = composite_score(table)
    table = table.sort_values(["score", "area_code"], ascending=[False, True], ignore_index=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table[LEAGUE_COLUMNS]
