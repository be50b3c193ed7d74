"""调度会 (monthly dispatch meeting): 红榜/黑榜, month comparisons, movers and this month's events.

Areas are ranked by the league table's composite score (``analytics.league``). 红榜 lists the best
three and 黑榜 the worst three; with fewer than six areas each list takes the better or worse half and
the middle area of an odd count is named on its own (居中), so every area appears exactly once.
Small counts follow the one rule of ``analytics.fmt`` where the slides are shown or exported.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.cube_switch import from_cube
from analytics.dynamics import household_states
from analytics.league import league_table
from analytics.progress import progress_figures
from analytics.scope import CUBE_FILTER_SQL, Scope
from analytics.sql import execute
from storage.months import BASELINE, add_months

LIST_SIZE = 3


@dataclass(frozen=True)
class RankLists:
    """红榜 (best first), 黑榜 (worst first), the middle area(s) on neither, and the rule in words."""

    red: pd.DataFrame
    black: pd.DataFrame
    middle: pd.DataFrame
    rule: str


def split_ranking(table: pd.DataFrame, n: int = LIST_SIZE) -> RankLists:
    """Split rows ranked best first into 红榜, 黑榜 and the rest; every row lands in exactly one part."""
    size = min(n, len(table) // 2)
    red = table.head(size).reset_index(drop=True)
    black = table.iloc[len(table) - size :].iloc[::-1].reset_index(drop=True)
    middle = table.iloc[size : len(table) - size].reset_index(drop=True)
    rule = (
        f"按综合得分排名：前{size}名为红榜，后{size}名为黑榜"
        if size == n
        else f"共{len(table)}个单位，不足{2 * n}个：前{size}名为红榜，后{size}名为黑榜"
    )
    rule += f"，其余{len(middle)}个居中。" if len(middle) else "。"
    return RankLists(red, black, middle, rule)


def red_black_lists(con: duckdb.DuckDBPyConnection, scope: Scope, n: int = LIST_SIZE) -> RankLists:
    """红榜 and 黑榜 of the areas below the scope (see :func:`split_ranking`)."""
    return split_ranking(league_table(con, scope), n)


def movers(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Each area's rank and score now and a month earlier, and the change (positive = moved up)."""
    now = league_table(con, scope)
    before = league_table(con, scope.at(add_months(scope.as_of, -1)))[["area_code", "rank", "score"]]
    table = now.merge(before, on="area_code", how="left", suffixes=("", "_before"))
    table["rank_change"] = table["rank_before"] - table["rank"]
    table["score_change"] = (table["score"] - table["score_before"]).round(1)
    return table.sort_values(["rank_change", "score_change"], ascending=False, ignore_index=True)


COMPARISON_ROWS = {
    "remaining_persons": "现存贫困人口",
    "remaining_households": "现存贫困户",
    "baseline_exited_households": "累计脱贫户（基期）",
    "returned_households": "累计返贫户次",
    "new_households": "累计新识别户",
    "provincial_villages_exited": "已摘帽省定贫困村",
    "weak_villages_exited": "已摘帽市定经济薄弱村",
    "weak_towns_exited": "已摘帽经济薄弱镇",
}


def month_comparison(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """This month, last month and the same month last year, side by side (NaN before the data begin)."""
    months = {
        "this_month": scope.as_of,
        "last_month": add_months(scope.as_of, -1),
        "last_year": add_months(scope.as_of, -12),
    }
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
GROUP BY ALL ORDER BY households DESC, town_name, village_name, event_type
"""
_CUBE_EVENTS = f"""
WITH month AS (
    SELECT c.village_code, sum(c.returned) AS returned, sum(c.new) AS new
    FROM cube_flow c WHERE {CUBE_FILTER_SQL} AND c.month = CAST($at AS DATE) AND c.unit = 'households'
    GROUP BY 1
),
events AS (SELECT village_code, unnest(['returned', 'new']) AS event_type, unnest([returned, new]) AS households
           FROM month)
SELECT t.name AS town_name, v.name AS village_name, e.event_type, e.households
FROM events e JOIN village v USING (village_code) JOIN town t USING (town_code)
WHERE e.households > 0
ORDER BY households DESC, town_name, village_name, event_type
"""


def returns_and_new_this_month(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Villages with households that returned to poverty or were newly registered in the month (counts only;
    from the flow cube when it covers the month)."""
    if from_cube(con, "cube_flow", scope, scope.as_of, scope.as_of):
        frame = execute(con, _CUBE_EVENTS, {**scope.sql_params(), "at": scope.as_of}).df()
    else:
        frame = household_states(con, scope, _EVENTS_SQL)
    frame["event"] = frame["event_type"].map({"returned": "返贫", "new": "新识别"})
    return frame[["town_name", "village_name", "event", "households"]].astype({"households": "int64"})
