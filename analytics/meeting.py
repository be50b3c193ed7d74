"""调度会 (monthly dispatch meeting): composite ranking, month comparisons, movers and this month's events.

Composite score of an area (0–100), used for 红榜 (best three) and 黑榜 (worst three):

    40 × exit rate + 30 × min(pace ratio, 1.5) / 1.5 + 20 × measures coverage + 10 × (1 − min(returns per 1,000 / 50, 1))

with the league table's definitions (``analytics.league``); an area with no open deadline target has pace
ratio 1.5 (not behind). Counts below three households are suppressed wherever meetings show them.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analytics.dynamics import household_states
from analytics.league import league_table
from analytics.plan import BASELINE
from analytics.progress import progress_figures
from analytics.scope import Scope, add_months

SUPPRESS_BELOW = 3
WEIGHTS = {"exit_rate": 40, "pace": 30, "coverage": 20, "returns": 10}
PACE_CAP = 1.5
RETURNS_CAP = 50.0


def composite_score(table: pd.DataFrame) -> pd.Series:
    """The documented composite score of league-table rows."""
    pace = table["pace_ratio"].fillna(PACE_CAP).clip(upper=PACE_CAP) / PACE_CAP
    returns = 1 - (table["returns_per_1000"].fillna(0) / RETURNS_CAP).clip(upper=1)
    score = (WEIGHTS["exit_rate"] * table["exit_rate"].fillna(0) + WEIGHTS["pace"] * pace
             + WEIGHTS["coverage"] * table["measures_coverage"].fillna(0) + WEIGHTS["returns"] * returns)
    return score.round(1)


def ranked(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """League table of the areas below the scope with composite score and rank by it (1 = best)."""
    table = league_table(con, scope).drop(columns="rank")
    table["score"] = composite_score(table)
    table = table.sort_values(["score", "area_code"], ascending=[False, True], ignore_index=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def red_black_lists(con: duckdb.DuckDBPyConnection, scope: Scope, n: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """红榜 (best ``n``) and 黑榜 (worst ``n``, worst first); with fewer than 2n areas the lists do not overlap."""
    table = ranked(con, scope)
    size = min(n, len(table) // 2) if len(table) > 1 else len(table)
    return table.head(size), table.tail(size).iloc[::-1].reset_index(drop=True)


def movers(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Each area's rank and score now and a month earlier, and the change (positive = moved up)."""
    now = ranked(con, scope)
    before = ranked(con, scope.at(add_months(scope.as_of, -1)))[["area_code", "rank", "score"]]
    table = now.merge(before, on="area_code", how="left", suffixes=("", "_before"))
    table["rank_change"] = table["rank_before"] - table["rank"]
    table["score_change"] = (table["score"] - table["score_before"]).round(1)
    return table.sort_values(["rank_change", "score_change"], ascending=False, ignore_index=True)


COMPARISON_ROWS = {
    "persons_remaining": "现存贫困人口",
    "households_remaining": "现存贫困户",
    "households_baseline_exited": "累计脱贫户（基期）",
    "households_returned": "累计返贫户次",
    "households_new": "累计新识别户",
    "provincial_villages_exited": "已摘帽省定贫困村",
    "weak_villages_exited": "已摘帽市定经济薄弱村",
    "weak_towns_exited": "已摘帽经济薄弱镇",
}


def month_comparison(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """This month, last month and the same month last year, side by side (NaN before the data begin)."""
    months = {"this_month": scope.as_of, "last_month": add_months(scope.as_of, -1), "last_year": add_months(scope.as_of, -12)}
    columns = {}
    for key, month in months.items():
        figures = progress_figures(con, scope.at(month)).as_dict() if month >= BASELINE else {}
        columns[key] = [figures.get(field, np.nan) for field in COMPARISON_ROWS]
    table = pd.DataFrame(columns, index=list(COMPARISON_ROWS))
    table.insert(0, "indicator", list(COMPARISON_ROWS.values()))
    table["change_vs_last_month"] = table["this_month"] - table["last_month"]
    table["change_vs_last_year"] = table["this_month"] - table["last_year"]
    return table.reset_index(names="key")


_EVENTS_SQL = """
SELECT t.name AS town_name, v.name AS village_name, e.event_type, count(DISTINCT e.household_id) AS households
FROM status_event e
JOIN sized s ON s.household_id = e.household_id
JOIN household h ON h.household_id = e.household_id JOIN village v USING (village_code) JOIN town t USING (town_code)
WHERE e.person_id IS NULL AND e.event_type IN ('returned', 'new') AND e.event_month = CAST($at AS DATE)
GROUP BY ALL ORDER BY households DESC, town_name, village_name
"""


def returns_and_new_this_month(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Villages with households that returned to poverty or were newly registered in the month (counts only)."""
    frame = household_states(con, scope, _EVENTS_SQL)
    frame["event"] = frame["event_type"].map({"returned": "返贫", "new": "新识别"})
    return frame[["town_name", "village_name", "event", "households"]].astype({"households": "int64"})


def suppress_small(values: pd.Series) -> pd.Series:
    """Counts below three shown as ``<3`` (strings), others as whole numbers with separators."""
    return values.map(lambda v: "<3" if pd.notna(v) and 0 < v < SUPPRESS_BELOW else (f"{int(v):,}" if pd.notna(v) else "—"))

