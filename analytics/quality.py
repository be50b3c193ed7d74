"""数据质量: checks against 数字脱贫 (plan chapter 14 §1) for a scope at its month.

Each check returns the offending records (personal data masked); ``quality_summary`` counts them and
``district_quality_scores`` turns them into a score per district:

    score = 100 − 1,000 × (records failing any household-level check ÷ active households), floored at 0

i.e. one point off per failing household per thousand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

import duckdb
import pandas as pd

from analytics.coverage import gap_list
from analytics.cube_switch import from_cube
from analytics.dynamics import household_outcomes, household_states
from analytics.figures import figure_rows, long_form
from analytics.plan import all_projects_done
from analytics.scope import (
    CUBE_FILTER_SQL,
    CUBE_GROUP_SQL,
    PLACE_FILTER_SQL,
    Scope,
    area_names,
)
from analytics.sql import execute
from storage.privacy import masked

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _check_digit_sql(column: str) -> str:
    """GB 11643 check character of the first 17 digits of ``column`` (NULL when they are not digits)."""
    total = " + ".join(f"TRY_CAST(substr({column}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(ID_WEIGHTS))
    return f"substr('10X98765432', (({total}) % 11) + 1, 1)"


_PERSONS_IN_SCOPE = """
SELECT p.*, h.village_code FROM person p JOIN sized s USING (household_id) JOIN household h USING (household_id)
WHERE s.at_month IS NOT NULL
"""


def invalid_ids(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Persons whose 身份证号 has a wrong check digit, or a birth date or sex that disagrees with it."""
    select = f"""
    , people AS ({_PERSONS_IN_SCOPE})
    SELECT person_id, household_id, name, id_number,
           CASE WHEN length(id_number) <> 18 OR {_check_digit_sql("id_number")} IS NULL THEN '格式错误'
                WHEN upper(substr(id_number, 18, 1)) <> {_check_digit_sql("id_number")} THEN '校验码错误'
                WHEN substr(id_number, 7, 8) <> strftime(birth_date, '%Y%m%d') THEN '出生日期与证件号不符'
                ELSE '性别与证件号不符' END AS problem
    FROM people
    WHERE length(id_number) <> 18 OR {_check_digit_sql("id_number")} IS NULL
       OR upper(substr(id_number, 18, 1)) <> {_check_digit_sql("id_number")}
       OR substr(id_number, 7, 8) <> strftime(birth_date, '%Y%m%d')
       OR (TRY_CAST(substr(id_number, 17, 1) AS INTEGER) % 2 = 1) <> (sex = '男')
    ORDER BY person_id
    """
    return masked(household_states(con, scope, select))


def persons_in_two_households(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Persons whose 身份证号 appears in more than one household (anywhere in the roster)."""
    select = f"""
    , people AS ({_PERSONS_IN_SCOPE})
    SELECT p.person_id, p.household_id, p.name, p.id_number,
           (SELECT count(DISTINCT q.household_id) FROM person q WHERE q.id_number = p.id_number) AS households
    FROM people p
    WHERE (SELECT count(DISTINCT q.household_id) FROM person q WHERE q.id_number = p.id_number) > 1
    ORDER BY p.id_number, p.person_id
    """
    return masked(household_states(con, scope, select))


def size_mismatches(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Households whose recorded size differs from the members on the roster."""
    select = """
    SELECT h.household_id, h.head_name, h.size, count(p.person_id) AS members
    FROM sized s JOIN household h USING (household_id)
    LEFT JOIN person p ON p.household_id = h.household_id
        AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.person_id = p.person_id AND e.event_type = 'removed')
    WHERE s.at_month IS NOT NULL
    GROUP BY ALL HAVING h.size <> count(p.person_id)
    ORDER BY h.household_id
    """
    return masked(household_states(con, scope, select))


_EXITS = """
, exits AS (
    SELECT s.household_id, s.area_code, year(s.exit_month) AS exit_year
    FROM sized s WHERE s.is_exited
)
"""


def exits_below_line(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Exited households whose per-capita income in the year of exit was below the poverty line."""
    select = (
        _EXITS
        + """
    SELECT h.household_id, h.head_name, x.exit_year, i.per_capita_income_yuan, l.yuan AS poverty_line
    FROM exits x JOIN household h USING (household_id)
    JOIN income i ON i.household_id = x.household_id AND i.year = x.exit_year
    JOIN poverty_line l ON l.year = x.exit_year
    WHERE i.per_capita_income_yuan < l.yuan
    ORDER BY h.household_id
    """
    )
    return masked(household_states(con, scope, select))


def exits_without_measures(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Exited households that never had any assistance measure by the month."""
    select = """
    SELECT h.household_id, h.head_name, s.exit_month, h.main_cause
    FROM sized s JOIN household h USING (household_id)
    WHERE s.is_exited AND NOT s.has_measure
    ORDER BY h.household_id
    """
    return masked(household_states(con, scope, select))


_HEAPING = (
    _EXITS
    + """
SELECT x.area_code, CAST(floor(i.per_capita_income_yuan / l.yuan / 0.05) * 5 AS INTEGER) AS key, count(*) AS value
FROM exits x JOIN income i ON i.household_id = x.household_id AND i.year = x.exit_year
JOIN poverty_line l ON l.year = x.exit_year
WHERE i.per_capita_income_yuan BETWEEN 0.8 * l.yuan AND 2 * l.yuan
GROUP BY ALL
"""
)


def raw_income_heaping(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> pd.DataFrame:
    """Exited households per area and band of 5 % of the poverty line (key: the band's start in percent of the
    line), from the raw tables."""
    frame = household_states(con, scope, _HEAPING, group=group)
    return frame.astype({"key": str, "value": float})


def exit_income_heaping(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Exit-year incomes in bands of 5 % of the poverty line, from 80 % to 200 %, to spot heaping just above it."""
    rows = figure_rows(con, scope, None, "income_heaping", raw_income_heaping)
    bands = rows.assign(percent=rows["key"].astype(int)).groupby("percent")["value"].sum().sort_index()
    return pd.DataFrame({"band_start": (bands.index / 100).astype(float), "households": bands.to_numpy()}).astype(
        {"households": "int64"}
    )


_EIGHT_PROJECTS = all_projects_done("l")


def villages_exited_unready(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Designated villages marked exited whose collective income was under the plan's 15 万元 in the exit year, or
    whose 八项工程 are still incomplete (latest indicator year up to the month) after the plan's deadline for them
    (both from ``plan_target``)."""
    sql = f"""
    WITH latest AS (
        SELECT * FROM village_indicator WHERE year <= year(CAST($at AS DATE))
        QUALIFY row_number() OVER (PARTITION BY village_code ORDER BY year DESC) = 1),
    deadline AS (SELECT date_trunc('month', deadline) AS month FROM plan_target WHERE id = $projects_target),
    income AS (SELECT target_value AS wan FROM plan_target WHERE id = $income_target)
    SELECT v.village_code, v.name, t.name AS town_name, v.designation, v.exit_month, i.collective_income_wan,
           {_EIGHT_PROJECTS} AS projects_complete
    FROM village v JOIN town t USING (town_code)
    JOIN village_indicator i ON i.village_code = v.village_code AND i.year = year(v.exit_month)
    JOIN latest l ON l.village_code = v.village_code
    WHERE v.exit_month <= CAST($at AS DATE)
      AND {PLACE_FILTER_SQL}
      AND (i.collective_income_wan < (SELECT wan FROM income)
           OR (NOT ({_EIGHT_PROJECTS}) AND CAST($at AS DATE) >= (SELECT month FROM deadline)))
    ORDER BY v.village_code
    """
    targets = {"projects_target": "village_eight_projects_2018", "income_target": "village_collective_income"}
    return execute(con, sql, {**scope.sql_params(), "at": scope.as_of, **targets}).df()


COMPLETENESS_FIELDS = {
    "phone": "联系电话",
    "helper_name": "帮扶责任人",
    "helper_unit": "帮扶单位",
    "planned_exit_year": "计划脱贫年度",
    "income_last_year": "上年人均纯收入",
}
_BELOW = {"city": "district", "district": "town", "town": "village", "village": "village"}


_FILLED = """
SELECT s.area_code, count(*) AS households, {filled},
       count(*) FILTER (EXISTS (SELECT 1 FROM income i WHERE i.household_id = h.household_id
                                AND i.year = year(CAST($at AS DATE)) - 1)) AS income_last_year
FROM sized s JOIN household h USING (household_id) WHERE s.is_active GROUP BY 1
"""


def raw_completeness(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> pd.DataFrame:
    """Active households (key ``households``) and those with each optional field filled (key: the field) per area,
    from the raw tables."""
    filled = ", ".join(f"count(h.{c}) AS {c}" for c in list(COMPLETENESS_FIELDS)[:-1])
    frame = household_states(con, scope, _FILLED.format(filled=filled), group)
    return long_form(frame, ["households", *COMPLETENESS_FIELDS])


def completeness(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Share of active households with each optional field filled, per area one level below the scope."""
    level = _BELOW[scope.level]
    counts = figure_rows(con, scope, level, "completeness", raw_completeness)
    table = (
        counts.pivot(index="area_code", columns="key", values="value")
        .reindex(columns=["households", *COMPLETENESS_FIELDS])
        .rename_axis(index="area_code", columns=None)
        .reset_index()
    )
    shares = table[list(COMPLETENESS_FIELDS)].div(table["households"], axis=0)
    frame = pd.concat([table[["area_code", "households"]], shares], axis=1).astype({"households": "int64"})
    return frame.assign(area_name=frame["area_code"].map(area_names(con, level)))


CHECKS: dict[str, tuple[str, Callable[[duckdb.DuckDBPyConnection, Scope], pd.DataFrame]]] = {
    "invalid_ids": ("身份证号无效或与出生日期、性别不符（人）", invalid_ids),
    "duplicate_persons": ("同一身份证号出现在多户（人）", persons_in_two_households),
    "size_mismatches": ("家庭人口数与成员数不符（户）", size_mismatches),
    "exits_below_line": ("脱贫当年人均纯收入低于扶贫标准（户）", exits_below_line),
    "exits_without_measures": ("已脱贫但无任何帮扶措施（户）", exits_without_measures),
    "cause_gaps": ("致贫原因无对应措施或无任何措施（户）", gap_list),
    "villages_unready": ("摘帽村集体收入不足15万元，或八项工程到期（2018年底）未完成（村）", villages_exited_unready),
}
FAILING_CHECKS = ("invalid_ids", "duplicate_persons", "size_mismatches", "exits_below_line", "exits_without_measures")


FAILING = "failing_households"  # the cube's key for households failing any household-level check
_CUBE_QUALITY = """
SELECT {group} AS area_code, c.check_key, sum(c.records) AS records
FROM cube_quality c
WHERE {filter} AND c.month = CAST($at AS DATE) GROUP BY ALL
"""


def failing_households(findings: dict[str, pd.DataFrame]) -> set[str]:
    """Households failing any household-level check (their own or a member's), from the findings of
    ``FAILING_CHECKS`` (check key → records)."""
    return set().union(*(set(findings[key]["household_id"]) for key in FAILING_CHECKS))


def findings(con: duckdb.DuckDBPyConnection, scope: Scope, keys: Iterable[str] = CHECKS) -> dict[str, pd.DataFrame]:
    """The records of the checks ``keys`` for the scope."""
    return {key: CHECKS[key][1](con, scope) for key in keys}


def quality_records(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = None) -> pd.DataFrame | None:
    """Records per check (and ``FAILING``) per area from ``cube_quality``, None when it cannot answer (it holds
    the as-of month of the data only)."""
    if not from_cube(con, "cube_quality", scope, scope.as_of, scope.as_of):
        return None
    sql = _CUBE_QUALITY.format(group=CUBE_GROUP_SQL[group], filter=CUBE_FILTER_SQL)
    return execute(con, sql, {**scope.sql_params(), "at": scope.as_of}).df()


def quality_summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Every check with its count of records for the scope."""
    cube = quality_records(con, scope)
    if cube is None:
        counts = {key: len(check(con, scope)) for key, (_, check) in CHECKS.items()}
    else:
        counts = cube.set_index("check_key")["records"].to_dict()
    return pd.DataFrame(
        [(key, label, int(counts.get(key, 0))) for key, (label, _) in CHECKS.items()],
        columns=["check", "label", "count"],
    )


def district_quality_scores(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The documented quality score per district (1 point off per failing household per 1,000 active)."""
    home = scope.home()
    whole = replace(scope, district=home.district, town=home.town, village=None)
    cube = quality_records(con, whole, "district")
    if cube is not None:
        cube = cube[cube["check_key"] == FAILING].set_index("area_code")["records"]
    active = household_outcomes(con, whole, "district").set_index("area_code")["active_households"]
    rows = []
    for code, name in area_names(con, "district").items():
        if not scope.allows(code) or active.get(code, 0) == 0:
            continue
        district = replace(scope, district=code, town=None, village=None)
        failing = (
            int(cube.get(code, 0))
            if cube is not None
            else len(failing_households(findings(con, district, FAILING_CHECKS)))
        )
        rows.append((code, name, int(active[code]), failing, max(0.0, round(100 - 1000 * failing / active[code], 1))))
    return pd.DataFrame(rows, columns=["area_code", "area_name", "active_households", "failing_households", "score"])
