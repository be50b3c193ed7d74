"""图三 脱贫人口动态管理: flows by area over a period, place exits against the stage goals, returns."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.dynamics import FLOW_COLUMNS, monthly_flows, over_events
from analytics.places import places_by_month
from analytics.plan import FIRST_BATCH, PLACE_STAGE_DEADLINE, plan_deadline, plan_figure
from analytics.scope import Scope, area_names
from storage.months import months_between
from storage.privacy import masked

FLOW_LABELS = {"new": "新识别", "returned": "返贫", "exited": "脱贫", "removed": "自然减少"}


def flows_by_area(
    con: duckdb.DuckDBPyConnection, scope: Scope, level: str, first: dt.date, last: dt.date, unit: str = "households"
) -> pd.DataFrame:
    """Each flow summed over the months ``first`` .. ``last`` per area of ``level`` (missing areas = 0)."""
    flows = monthly_flows(con, scope, level, first, last)
    flows = flows[flows["unit"] == unit]
    table = flows.groupby("area_code", as_index=False)[list(FLOW_COLUMNS)].sum()
    table["area_name"] = table["area_code"].map(area_names(con, level))
    return table


def place_exit_timeline(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Cumulative exits per month (2016-01 .. as-of) of provincial villages, weak villages and weak towns."""
    months = months_between(dt.date(2016, 1, 1), scope.as_of)
    figures = places_by_month(con, scope, months).set_index("month").reindex(months, fill_value=0)
    return pd.DataFrame(
        {
            "month": months,
            "provincial_villages": figures["provincial_villages_exited"].to_numpy(),
            "weak_villages": figures["weak_villages_exited"].to_numpy(),
            "weak_towns": figures["weak_towns_exited"].to_numpy(),
        }
    )


def stage_goals_text(scope: Scope, totals: pd.Series) -> str:
    """The stage goals as a caption: the plan's first batch by its deadline (city scope), then everything left."""
    towns = int(totals["weak_towns_total"])
    rest = f"{PLACE_STAGE_DEADLINE.year} 年底{'其余' if scope.level == 'city' else '全部'}村" + (
        f"和 {towns} 个经济薄弱镇" if towns else ""
    )
    if scope.level != "city":
        return f"阶段目标：{rest}摘帽。"
    (villages, _), (weak, _) = FIRST_BATCH["provincial_villages"], FIRST_BATCH["weak_villages"]
    first = f"{int(plan_figure(villages))} 个省定贫困村、{int(plan_figure(weak))} 个市定经济薄弱村"
    return f"阶段目标：{plan_deadline(villages).year} 年底 {first}摘帽（全市口径）；{rest}全部摘帽。"


def stage_goals(scope: Scope, totals: pd.Series) -> list[tuple[dt.date, str, int]]:
    """(deadline month, series, count) to draw against the timeline: the plan's 2016 batch at city level."""
    everything = PLACE_STAGE_DEADLINE.replace(day=1)
    goals = [
        (everything, "provincial_villages", int(totals["provincial_villages_total"])),
        (everything, "weak_villages", int(totals["weak_villages_total"])),
        (everything, "weak_towns", int(totals["weak_towns_total"])),
    ]
    if scope.level == "city":
        goals += [
            (plan_deadline(target).replace(day=1), series, int(plan_figure(target)))
            for series, (target, _) in FIRST_BATCH.items()
        ]
    return [g for g in goals if g[2] > 0]


_RETURNS_SQL = """,
returners AS (
    SELECT DISTINCT e.household_id FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL AND e.event_type = 'returned' AND e.event_month <= CAST($at AS DATE)
),
returns AS (  -- their last return up to the month and their status at the month
    SELECT e.household_id, max(e.event_month) FILTER (e.event_type = 'returned') AS returned_month,
           last(e.event_type ORDER BY e.event_month, e.event_id) AS status
    FROM status_event e SEMI JOIN returners r ON r.household_id = e.household_id
    WHERE e.person_id IS NULL AND e.event_month <= CAST($at AS DATE) GROUP BY e.household_id
)
SELECT h.household_id, t.name AS town_name, v.name AS village_name, h.head_name, h.size, h.attribute, h.main_cause,
       r.returned_month, r.status
FROM returns r JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code)
ORDER BY r.returned_month DESC, h.household_id
"""


def returned_households(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Households in scope that returned to poverty up to the month (personal data masked)."""
    frame = over_events(con, scope, None, _RETURNS_SQL, at=scope.as_of)
    frame["status"] = (
        frame["status"]
        .map({"returned": "返贫（贫困）", "exited": "已再次脱贫", "removed": "自然减少"})
        .fillna(frame["status"])
    )
    return masked(frame)


_CHANGES_SQL = """,
places AS (  -- a moved household's old and new village by name
    SELECT vv.village_code, d.name || ' ' || tt.name || ' ' || vv.name AS place
    FROM village vv JOIN town tt USING (town_code) JOIN district d USING (district_code)
)
SELECT c.household_id, t.name AS town_name, v.name AS village_name, h.head_name, c.change_month,
       CASE c.field WHEN 'attribute' THEN '贫困户属性' WHEN 'main_cause' THEN '主要致贫原因' ELSE '所在村' END AS field,
       CASE c.field WHEN 'village_code' THEN (SELECT place FROM places WHERE village_code = c.old_value)
           ELSE c.old_value END AS old_value,
       CASE c.field WHEN 'village_code' THEN (SELECT place FROM places WHERE village_code = c.new_value)
           ELSE c.new_value END AS new_value
FROM household_change c SEMI JOIN area a ON a.household_id = c.household_id
JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code)
WHERE c.change_month <= CAST($at AS DATE)
  AND EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = c.household_id AND e.person_id IS NULL)
ORDER BY c.change_month DESC, c.household_id, c.field
"""


def attribute_changes(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Changes of 贫困户属性, 主要致贫原因 or village (moves) found between imported snapshots, up to the month (names
    masked)."""
    return masked(over_events(con, scope, None, _CHANGES_SQL, at=scope.as_of))
