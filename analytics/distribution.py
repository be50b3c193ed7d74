"""图一 贫困人口分布: choropleth values per area, the village layer, and breakdowns of the poor.

Metrics per area at the as-of month (areas with no registered household have no data):

* remaining_persons / remaining_households: poor at the month (现存贫困);
* share_still_poor: baseline persons still poor ÷ baseline persons;
* incidence: remaining poor persons per 1,000 rural residents (``village.rural_population``; synthetic
  in the demo data).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.cube_switch import from_cube
from analytics.dynamics import household_outcomes, household_states
from analytics.scope import (
    CUBE_FILTER_SQL,
    GROUP_SQL,
    PLACE_FILTER_SQL,
    Scope,
    area_names,
)
from analytics.sql import execute

METRICS = {
    "remaining_persons": "现存贫困人口（人）",
    "remaining_households": "现存贫困户（户）",
    "share_still_poor": "基期人口仍未脱贫比例",
    "incidence": "贫困发生率（每千农村人口）",
}
AGE_BANDS = [(0, 15, "0–15岁"), (16, 59, "16–59岁"), (60, 69, "60–69岁"), (70, 79, "70–79岁"), (80, 200, "80岁及以上")]
DIMENSIONS = {
    "main_cause": "主要致贫原因",
    "attribute": "贫困户属性",
    "age_band": "年龄段",
    "health": "健康状况",
    "labor_ability": "劳动能力",
}
POPULATIONS = {"remaining": "现存贫困", "baseline": "基期建档立卡"}

_AREAS_SQL = """
SELECT {group} AS area_code, sum(v.rural_population) AS rural_population
FROM village v JOIN town t USING (town_code)
WHERE {filter}
GROUP BY ALL
"""


def area_metrics(con: duckdb.DuckDBPyConnection, scope: Scope, level: str) -> pd.DataFrame:
    """Every area of ``level`` inside the scope with the four metrics (NaN = no data) and its name."""
    areas = execute(con, _AREAS_SQL.format(group=GROUP_SQL[level], filter=PLACE_FILTER_SQL), scope.sql_params()).df()
    outcomes = household_outcomes(con, scope, level)
    table = areas.merge(outcomes, on="area_code", how="left")
    has_data = table["registered_households"].fillna(0) > 0
    table["remaining_persons"] = table["remaining_persons"].where(has_data)
    table["remaining_households"] = table["remaining_households"].where(has_data)
    table["share_still_poor"] = (
        table["baseline_remaining_persons"] / table["baseline_persons"].where(table["baseline_persons"] > 0)
    ).where(has_data)
    population = table["rural_population"].where(table["rural_population"] > 0)
    table["incidence"] = (1000 * table["remaining_persons"] / population).where(has_data)
    table["area_name"] = table["area_code"].map(area_names(con, level, scope))
    columns = ["area_code", "area_name", *METRICS, "baseline_persons", "rural_population"]
    return table[columns].sort_values("area_code", ignore_index=True)


_VILLAGES_SQL = """
SELECT v.village_code, v.source_village_code, v.name, v.town_code, t.district_code, v.lon, v.lat, v.designation,
       v.exit_month IS NOT NULL AND v.exit_month <= CAST($at AS DATE) AS exited
FROM village v JOIN town t USING (town_code) WHERE {filter} ORDER BY v.village_code
"""
_VILLAGE_COUNTS = {
    "remaining_households": "remaining_households",
    "remaining_persons": "remaining_persons",
    "recorded_households": "registered_households",
}


def village_points(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Villages in scope that carry registered households or are designated, with their remaining poor
    (``registered_households``: households with any status event by the month)."""
    villages = execute(
        con, _VILLAGES_SQL.format(filter=PLACE_FILTER_SQL), {**scope.sql_params(), "at": scope.as_of}
    ).df()
    counts = household_outcomes(con, scope, "village")[["area_code", *_VILLAGE_COUNTS]].rename(
        columns={"area_code": "village_code", **_VILLAGE_COUNTS}
    )
    frame = villages.merge(counts, on="village_code", how="left").fillna({c: 0 for c in _VILLAGE_COUNTS.values()})
    frame = frame[(frame["registered_households"] > 0) | frame["designation"].notna()].reset_index(drop=True)
    return frame.astype({c: "int64" for c in _VILLAGE_COUNTS.values()})


def _age_band_sql(column: str) -> str:
    cases = " ".join(f"WHEN {column} BETWEEN {lo} AND {hi} THEN '{label}'" for lo, hi, label in AGE_BANDS)
    return f"CASE {cases} END"


_HOUSEHOLD_DIMENSION = """
SELECT h.{dimension} AS value, count(*) AS households, sum(CASE WHEN $population = 'remaining' THEN s.persons_now
    ELSE s.persons_baseline END) AS persons
FROM sized s JOIN household h USING (household_id)
WHERE CASE WHEN $population = 'remaining' THEN s.is_poor ELSE s.is_baseline END
GROUP BY 1
"""
_PERSON_DIMENSION = """
SELECT {value} AS value, count(DISTINCT h.household_id) AS households, count(*) AS persons
FROM sized s JOIN members m USING (household_id) JOIN person p USING (person_id)
    JOIN household h ON h.household_id = s.household_id
WHERE CASE WHEN $population = 'remaining' THEN s.is_poor AND m.joined <= CAST($at AS DATE)
    AND CAST($at AS DATE) < m.left_month
           ELSE s.is_baseline AND m.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < m.left_month END
GROUP BY 1
"""


HOUSEHOLD_DIMENSIONS = ("main_cause", "attribute")
PERSON_DIMENSIONS = ("age_band", "health", "labor_ability")
PROFILE_COLUMNS = ("remaining_households", "remaining_persons", "baseline_households", "baseline_persons")
_CUBE_PROFILE = f"""
SELECT c.value, CAST(sum(c.{{population}}_households) AS BIGINT) AS households,
    CAST(sum(c.{{population}}_persons) AS BIGINT) AS persons
FROM {{cube}} c WHERE {CUBE_FILTER_SQL} AND c.month = CAST($at AS DATE) AND c.dimension = $dimension
GROUP BY 1 HAVING sum(c.{{population}}_households) > 0
"""


def breakdown(
    con: duckdb.DuckDBPyConnection, scope: Scope, dimension: str, population: str = "remaining"
) -> pd.DataFrame:
    """Households and persons of the scope's poor (``remaining``) or baseline (``baseline``) by one dimension."""
    if population not in POPULATIONS:
        raise ValueError(f"unknown population {population!r}")
    cube = "cube_profile" if dimension in HOUSEHOLD_DIMENSIONS else "cube_person"
    if from_cube(con, cube, scope, scope.as_of, scope.as_of):
        sql = _CUBE_PROFILE.format(cube=cube, population=population)
        frame = execute(con, sql, {**scope.sql_params(), "at": scope.as_of, "dimension": dimension}).df()
    elif dimension in HOUSEHOLD_DIMENSIONS:
        frame = household_states(con, scope, _HOUSEHOLD_DIMENSION.format(dimension=dimension), population=population)
    else:
        age = "date_diff('year', p.birth_date, CAST($at AS DATE))"
        value = {"age_band": _age_band_sql(age), "health": "p.health", "labor_ability": "p.labor_ability"}[dimension]
        frame = household_states(con, scope, _PERSON_DIMENSION.format(value=value), population=population)
    frame = frame.astype({"households": "int64", "persons": "int64"})
    if dimension == "age_band":
        order = {label: i for i, (_, _, label) in enumerate(AGE_BANDS)}
        return frame.sort_values("value", key=lambda s: s.map(order), ignore_index=True)
    return frame.sort_values(
        ["households" if dimension in HOUSEHOLD_DIMENSIONS else "persons", "value"],
        ascending=[False, True],
        ignore_index=True,
    )
