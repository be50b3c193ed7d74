"""图二 扶贫措施到户到人: coverage by measure group, gaps, measures per household, funds and helpers.

A household is *covered* by a group when it (or one of its members) has a measure of that group that
started on or before the as-of month. Coverage counts active households (registered, not removed).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.cube_switch import from_cube
from analytics.dynamics import household_states
from analytics.figures import figure_rows, long_form
from analytics.scope import (
    CUBE_FILTER_SQL,
    CUBE_GROUP_SQL,
    Scope,
    area_names,
)
from analytics.sql import execute
from storage.privacy import masked

# Measure groups shown on the map, as catalogue categories (data/reference/plan_measures.csv).
MEASURE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "any": ("任一措施", ()),
    "industry": ("产业", ("industry", "asset_income", "ecommerce", "tourism", "technology", "ecology")),
    "employment": ("就业与培训", ("employment", "skills_training", "entrepreneurship")),
    "public_welfare_job": ("公益岗位", ("public_welfare_job",)),
    "education": ("教育", ("education",)),
    "health": ("健康/医疗救助", ("health", "medical_assistance")),
    "housing": ("危房改造", ("housing",)),
    "solar": ("光伏", ("solar",)),
    "finance": ("金融/小额信贷", ("finance_credit", "insurance")),
    "social_security": ("兜底保障", ("social_security",)),
    "social_insurance": ("社会保险", ("social_insurance",)),
    "disability": ("残疾人帮扶", ("disability",)),
    "social_pairing": ("社会帮扶", ("social_pairing",)),
}
# The one place that says which measures answer which main cause of poverty.
CAUSE_MEASURES: dict[str, str] = {
    "因病": "health",
    "因学": "education",
    "因残": "disability",
    "缺劳力": "social_security",
}


def _group_filter(group: str) -> str:
    categories = MEASURE_GROUPS[group][1]
    if not categories:
        return "true"
    return "m.category_code IN (" + ", ".join(f"'{c}'" for c in categories) + ")"


_CUBE_COVERAGE = """
SELECT {group} AS area_code, sum(c.active_households) AS households, coalesce(sum(g.covered), 0) AS covered
FROM cube_outcome c
LEFT JOIN cube_coverage g ON g.village_code = c.village_code AND g.month = c.month AND g.measure_group = $measure_group
WHERE {filter} AND c.month = CAST($at AS DATE)
GROUP BY ALL HAVING sum(c.active_households) > 0 ORDER BY 1
"""


def coverage_by_area(con: duckdb.DuckDBPyConnection, scope: Scope, level: str, group: str = "any") -> pd.DataFrame:
    """Active households and those covered by ``group``, per area of ``level`` (areas without households absent)."""
    if from_cube(con, "cube_coverage", scope, scope.as_of, scope.as_of):
        sql = _CUBE_COVERAGE.format(group=CUBE_GROUP_SQL[level], filter=CUBE_FILTER_SQL)
        frame = execute(con, sql, {**scope.sql_params(), "at": scope.as_of, "measure_group": group}).df()
    else:
        select = f"""
        SELECT area_code, count(*) AS households,
               count(*) FILTER (EXISTS (SELECT 1 FROM measure m WHERE m.household_id = sized.household_id
                                        AND m.start_month <= CAST($at AS DATE) AND {_group_filter(group)})) AS covered
        FROM sized WHERE is_active GROUP BY 1 ORDER BY 1
        """
        frame = household_states(con, scope, select, group=level)
    frame = frame.astype({"households": "int64", "covered": "int64"})
    frame["coverage"] = frame["covered"] / frame["households"]
    frame["area_name"] = frame["area_code"].map(area_names(con, level, scope))
    return frame


_GAPS = """
, gaps AS (  -- active households lacking any measure, or one matching their main cause
    SELECT s.household_id, s.area_code, s.is_poor,
           NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id
               AND m.start_month <= CAST($at AS DATE)) AS no_measure,
           CASE h.main_cause {cause_cases} ELSE false END AS cause_unmatched
    FROM sized s JOIN household h USING (household_id)
    WHERE s.is_active
)
"""
_GAP_LIST = """
SELECT h.household_id, v.name AS village_name, t.name AS town_name, h.head_name, h.size, h.attribute, h.main_cause,
       CASE WHEN g.no_measure THEN '无任何帮扶措施' ELSE '致贫原因无对应措施' END AS gap,
       g.is_poor, h.helper_name, h.helper_unit
FROM gaps g JOIN household h USING (household_id)
JOIN village v USING (village_code) JOIN town t USING (town_code)
WHERE g.no_measure OR g.cause_unmatched
ORDER BY g.no_measure DESC, h.household_id
"""
_GAP_COUNTS = """
SELECT area_code, count(*) FILTER (no_measure) AS no_measure,
       count(*) FILTER (cause_unmatched AND NOT no_measure) AS unmatched
FROM gaps GROUP BY 1
"""
GAP_LABELS = {"no_measure": "无任何帮扶措施", "unmatched": "致贫原因无对应措施"}


def _cause_cases() -> str:
    cases = []
    for cause, group in CAUSE_MEASURES.items():
        cases.append(
            f"WHEN '{cause}' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id "
            f"AND m.start_month <= CAST($at AS DATE) AND {_group_filter(group)})"
        )
    return " ".join(cases)


def gap_list(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Active households with no measure at all, or whose main cause has no matching measure (masked)."""
    frame = household_states(con, scope, _GAPS.format(cause_cases=_cause_cases()) + _GAP_LIST)
    return masked(frame)


def raw_gap_counts(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> pd.DataFrame:
    """Households per gap (key ``no_measure`` or ``unmatched``) per area, from the raw tables."""
    frame = household_states(con, scope, _GAPS.format(cause_cases=_cause_cases()) + _GAP_COUNTS, group=group)
    return long_form(frame, list(GAP_LABELS))


def gap_counts(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, int]:
    """How many households ``gap_list`` holds per gap (its ``gap`` label → households), without listing them."""
    counts = figure_rows(con, scope, None, "gaps", raw_gap_counts).groupby("key")["value"].sum()
    return {label: int(counts.get(key, 0)) for key, label in GAP_LABELS.items()}


def cause_mapping(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The cause → measure-group mapping, as shown to users (category names from ``measure_type``)."""
    names = dict(con.execute("SELECT DISTINCT category_code, category_zh FROM measure_type").fetchall())
    return pd.DataFrame(
        [
            (cause, MEASURE_GROUPS[group][0], "、".join(names.get(c, c) for c in MEASURE_GROUPS[group][1]))
            for cause, group in CAUSE_MEASURES.items()
        ],
        columns=["致贫原因", "应有措施", "包含的措施类别"],
    )


_CUBE_MEASURE_COUNT = f"""
SELECT c.measures, CAST(sum(c.households) AS BIGINT) AS households FROM cube_measure_count c
WHERE {CUBE_FILTER_SQL} AND c.month = CAST($at AS DATE) GROUP BY 1 ORDER BY 1
"""


def measures_per_household(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """How many active households have 0, 1, 2, … distinct measures started by the month."""
    if from_cube(con, "cube_measure_count", scope, scope.as_of, scope.as_of):
        return execute(con, _CUBE_MEASURE_COUNT, {**scope.sql_params(), "at": scope.as_of}).df()
    select = """
    SELECT n AS measures, count(*) AS households FROM (
        SELECT s.household_id, (SELECT count(DISTINCT m.measure_code) FROM measure m
                                WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE)) AS n
        FROM sized s WHERE s.is_active) GROUP BY 1 ORDER BY 1
    """
    return household_states(con, scope, select).astype({"measures": "int64", "households": "int64"})


_FUNDS = """
SELECT s.area_code, m.category_code AS key, sum(m.amount_yuan * (date_diff('month', m.start_month,
    least(m.end_month, CAST($at AS DATE))) + 1) / (date_diff('month', m.start_month, m.end_month) + 1)) AS value
FROM sized s JOIN measure m ON m.household_id = s.household_id
WHERE m.start_month <= CAST($at AS DATE)
GROUP BY ALL
"""


def raw_funds(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> pd.DataFrame:
    """Yuan paid from 2016-01 to the month per area and measure category (key), from the raw tables."""
    return household_states(con, scope, _FUNDS, group=group).astype({"value": float})


def funds_by_category(con: duckdb.DuckDBPyConnection, scope: Scope, level: str) -> pd.DataFrame:
    """Funds paid (元) from 2016-01 to the month, by area and measure category (households in scope), each area's
    largest first."""
    names = dict(con.execute("SELECT DISTINCT category_code, category_zh FROM measure_type").fetchall())
    rows = figure_rows(con, scope, level, "funds", raw_funds)
    frame = pd.DataFrame(
        {
            "area_code": rows["area_code"],
            "category_code": rows["key"],
            "category_zh": rows["key"].map(names).astype(object),
            "yuan": rows["value"].astype(float).round(2),
        }
    )
    frame = frame.sort_values(["area_code", "yuan", "category_code"], ascending=[True, False, True], ignore_index=True)
    return frame.assign(area_name=frame["area_code"].map(area_names(con, level)))


HELPER_SEPARATOR = chr(31)  # between a helper's name and unit in its key
_ACTIVE_HELPERS = f"""
, active AS (
    SELECT s.area_code, h.helper_name || chr({ord(HELPER_SEPARATOR)}) || coalesce(h.helper_unit, chr(30)) AS helper
    FROM sized s JOIN household h USING (household_id) WHERE s.is_active
)
"""
_HELPER_ROWS = """
SELECT area_code, '#households' AS key, count(*) AS value FROM active GROUP BY 1
UNION ALL SELECT area_code, '#with_helper', count(helper) FROM active GROUP BY 1
UNION ALL SELECT area_code, helper, count(*) FROM active WHERE helper IS NOT NULL GROUP BY ALL
"""
# Over ``loads`` (key, value summed over the scope): the keys holding the separator are helpers, the others counts.
_HELPER_SUMMARY = f"""
SELECT coalesce(sum(value) FILTER (key = '#households'), 0) AS households,
       coalesce(sum(value) FILTER (key = '#with_helper'), 0) AS with_helper,
       count(*) FILTER (contains(key, chr({ord(HELPER_SEPARATOR)}))) AS helpers,
       avg(value) FILTER (contains(key, chr({ord(HELPER_SEPARATOR)}))) AS mean_load,
       coalesce(max(value) FILTER (contains(key, chr({ord(HELPER_SEPARATOR)}))), 0) AS max_load
FROM loads
"""
_CUBE_HELPER_LOADS = """
WITH loads AS (
    SELECT c.key, sum(c.value) AS value FROM cube_figure c
    WHERE {filter} AND c.month = CAST($at AS DATE) AND c.figure = 'helpers' GROUP BY c.key
)
"""


def raw_helpers(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> pd.DataFrame:
    """Per area: active households (key ``#households``), those with a helper (``#with_helper``) and the households
    of each helper (key: name and unit), from the raw tables."""
    return household_states(con, scope, _ACTIVE_HELPERS + _HELPER_ROWS, group=group).astype({"value": float})


def helper_load(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, float]:
    """帮扶责任人 coverage of active households, the helpers (name and unit) and households per helper (mean and
    maximum): one row summarised in the database (from ``cube_figure`` when it answers), never every helper's row."""
    if from_cube(con, "cube_figure", scope, scope.as_of, scope.as_of):
        sql = _CUBE_HELPER_LOADS.format(filter=CUBE_FILTER_SQL) + _HELPER_SUMMARY
        row = execute(con, sql, {**scope.sql_params(), "at": scope.as_of}).df().iloc[0]
    else:
        loads = f", loads AS (SELECT key, sum(value) AS value FROM ({_HELPER_ROWS}) GROUP BY key)"
        row = household_states(con, scope, _ACTIVE_HELPERS + loads + _HELPER_SUMMARY).iloc[0]
    households, with_helper = int(row["households"]), int(row["with_helper"])
    return {
        "households": households,
        "with_helper": with_helper,
        "coverage": with_helper / households if households else float("nan"),
        "helpers": int(row["helpers"]),
        "mean_load": float(row["mean_load"]) if row["helpers"] else float("nan"),
        "max_load": int(row["max_load"]),
    }
