"""The pre-aggregated cubes answer exactly as the raw event queries, for many scopes, levels and months."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from analytics.coverage import (
    MEASURE_GROUPS,
    coverage_by_area,
    funds_by_category,
    gap_counts,
    helper_load,
    measures_per_household,
)
from analytics.cube_switch import from_cube, raw_tables_only, recording
from analytics.cubes import CUBES
from analytics.distribution import (
    HOUSEHOLD_DIMENSIONS,
    PERSON_DIMENSIONS,
    POPULATIONS,
    area_metrics,
    breakdown,
    village_points,
)
from analytics.dynamics import (
    household_outcomes,
    monthly_flows,
    poor_stock,
    status_transitions,
    stock_flow_table,
)
from analytics.exits import place_exit_timeline
from analytics.goals import goal_progress
from analytics.league import league_table
from analytics.meeting import returns_and_new_this_month
from analytics.quality import (
    completeness,
    district_quality_scores,
    exit_income_heaping,
    quality_records,
    quality_summary,
)
from analytics.schedule import back_schedule
from analytics.scope import CHILD_LEVEL, Scope
from analytics.sql import recorded
from storage.months import BASELINE

SCOPES = [
    Scope(dt.date(2017, 9, 1)),
    Scope(dt.date(2017, 9, 1), "370285"),
    Scope(dt.date(2016, 12, 1), "370283"),
    Scope(dt.date(2017, 9, 1), "370283", "370283108"),
    Scope(dt.date(2017, 3, 1), "370215", "370215008"),
    Scope(dt.date(2017, 9, 1), "370283", "370283120", "370283120241"),
]
RANGES = [(BASELINE, None), (dt.date(2016, 6, 1), dt.date(2016, 6, 1)), (dt.date(2017, 1, 1), None)]


def test_cubes_are_built_with_the_roster(demo: duckdb.DuckDBPyConnection) -> None:
    assert demo.execute("SELECT min(month), max(month), count(DISTINCT month) FROM cube_outcome").fetchone() == (
        BASELINE,
        dt.date(2017, 9, 1),
        22,
    )
    assert demo.execute("SELECT count(DISTINCT unit) FROM cube_flow").fetchone()[0] == 2
    groups = {g for (g,) in demo.execute("SELECT DISTINCT measure_group FROM cube_coverage").fetchall()}
    assert {"any", "health", "education"} <= groups <= set(MEASURE_GROUPS)


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.area_code)
@pytest.mark.parametrize("group", [None, "district", "town", "village"])
def test_cube_path_equals_raw_path(demo: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> None:
    for first, last in RANGES:
        last = last or scope.as_of
        if last < first:
            continue
        with recording() as cubes:
            stock, flows = poor_stock(demo, scope, group, first, last), monthly_flows(demo, scope, group, first, last)
        with raw_tables_only(), recording() as raw:
            raw_stock, raw_flows = (
                poor_stock(demo, scope, group, first, last),
                monthly_flows(demo, scope, group, first, last),
            )
        assert cubes == [("cube_outcome", True), ("cube_flow", True)] and all(not used for _, used in raw)
        pd.testing.assert_frame_equal(stock, raw_stock)
        pd.testing.assert_frame_equal(flows, raw_flows)


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.area_code)
def test_outcome_and_coverage_cubes_equal_raw_paths(demo: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    for month in (BASELINE, dt.date(2016, 7, 1), scope.as_of):
        at = scope.at(month)
        level = "village" if scope.level in ("town", "village") else "town"
        with recording() as decisions:
            cubes = [household_outcomes(demo, at, group) for group in (None, "district", "town", "village")]
            cubes += [coverage_by_area(demo, at, level, measure_group) for measure_group in MEASURE_GROUPS]
        with raw_tables_only():
            raw = [household_outcomes(demo, at, group) for group in (None, "district", "town", "village")]
            raw += [coverage_by_area(demo, at, level, measure_group) for measure_group in MEASURE_GROUPS]
        assert decisions and all(used for _, used in decisions), decisions
        for cube_answer, raw_answer in zip(cubes, raw, strict=True):
            pd.testing.assert_frame_equal(cube_answer, raw_answer)


def test_a_snapshot_with_cubes_of_an_older_layout_is_answered_from_the_raw_tables(demo_db, tmp_path) -> None:
    path = tmp_path / "older.duckdb"
    shutil.copy(demo_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE cube_flow DROP COLUMN district_code")
        con.execute("ALTER TABLE cube_outcome DROP COLUMN town_code")
    scope = Scope(dt.date(2017, 9, 1), "370283")
    with duckdb.connect(str(path), read_only=True) as older, duckdb.connect(str(demo_db), read_only=True) as current:
        pd.testing.assert_frame_equal(stock_flow_table(older, scope, "town"), stock_flow_table(current, scope, "town"))
        pd.testing.assert_frame_equal(
            household_outcomes(older, scope, "town"), household_outcomes(current, scope, "town")
        )


def test_slices_and_databases_without_cubes_use_the_raw_path(demo: duckdb.DuckDBPyConnection, tmp_path) -> None:
    sliced = Scope(dt.date(2017, 9, 1), "370283", attribute="低保贫困户")
    assert stock_flow_table(demo, sliced, "town")["difference"].eq(0).all()
    empty = duckdb.connect(str(tmp_path / "x.duckdb"))
    empty.execute("CREATE TABLE t (x INT)")
    assert not from_cube(empty, "cube_outcome", Scope(dt.date(2017, 9, 1)), BASELINE, dt.date(2017, 9, 1))
    assert not from_cube(demo, "cube_outcome", sliced, BASELINE, dt.date(2017, 9, 1))
    assert from_cube(demo, "cube_outcome", Scope(dt.date(2017, 9, 1)), BASELINE, dt.date(2017, 9, 1))


@pytest.fixture(scope="module")
def without_cubes(demo_db, tmp_path_factory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The demo database with its cubes emptied (and so not built through any month): every question takes the
    raw path."""
    path = tmp_path_factory.mktemp("raw") / "raw.duckdb"
    shutil.copy(demo_db, path)
    with duckdb.connect(str(path)) as con:
        for cube in (*CUBES, "cube_built"):
            con.execute(f"DELETE FROM {cube}")
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _statements_over(statements: list[str], table: str) -> int:
    return sum(f" {table} " in " ".join(sql.split()) + " " and "LIMIT 0" not in sql for sql in statements)


@pytest.mark.parametrize("scope", SCOPES[:4], ids=lambda s: s.area_code)
def test_goal_progress_asks_each_family_of_targets_once(demo: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """Every month the goals are judged at is fetched in one query per family (outcomes, places, village and town
    indicators, the goal cube), and the back-scheduling rows reuse the outcomes and places: not one query per
    target or month."""
    with recorded() as statements:
        goal_progress(demo, scope)
    assert {
        table: _statements_over(statements, table)
        for table in ("cube_outcome", "village_indicator", "town_indicator", "cube_goal")
    } == {"cube_outcome": 1, "village_indicator": 1, "town_indicator": 1, "cube_goal": 1}
    assert sum("AS provincial_villages_exited" in sql for sql in statements) == 1
    assert len(statements) <= 14


def test_the_place_exit_timeline_is_one_query(demo: duckdb.DuckDBPyConnection) -> None:
    with recorded() as statements:
        timeline = place_exit_timeline(demo, Scope(dt.date(2017, 9, 1)))
    assert len(timeline) == 21 and len(statements) == 1


WHOLE_PAGE_QUESTIONS = {
    "goal_progress": goal_progress,
    "league_table": league_table,
    "back_schedule": lambda c, s: back_schedule(c, s, "town"),
    "area_metrics": lambda c, s: area_metrics(c, s, "village"),
    "village_points": village_points,
    "quality_summary": quality_summary,
    "district_quality_scores": district_quality_scores,
    "breakdown": lambda c, s: pd.concat(
        [breakdown(c, s, d, p) for d in HOUSEHOLD_DIMENSIONS for p in POPULATIONS], ignore_index=True
    ),
    "person_breakdown": lambda c, s: pd.concat(
        [breakdown(c, s, d, p) for d in PERSON_DIMENSIONS for p in POPULATIONS], ignore_index=True
    ),
    "measures_per_household": measures_per_household,
    "figures": lambda c, s: pd.DataFrame(
        {
            "gaps": [gap_counts(c, s)],
            "helpers": [helper_load(c, s)],
            "funds": [funds_by_category(c, s, CHILD_LEVEL[s.level]).to_dict("records")],
            "completeness": [completeness(c, s).to_dict("records")],
            "income_heaping": [exit_income_heaping(c, s).to_dict("records")],
        }
    ).astype(str),
    "returns_and_new_this_month": returns_and_new_this_month,
    "status_transitions": lambda c, s: status_transitions(c, s, BASELINE, s.as_of),
}


@pytest.mark.parametrize("question", WHOLE_PAGE_QUESTIONS)
def test_questions_from_cubes_equal_raw_answers(
    demo: duckdb.DuckDBPyConnection, without_cubes: duckdb.DuckDBPyConnection, question: str
) -> None:
    """Every plan target, ranking, schedule, map layer and quality count is the same from the cubes as from the raw
    tables."""
    answer = WHOLE_PAGE_QUESTIONS[question]
    as_of = dt.date(2017, 9, 1)
    scopes = [
        Scope(as_of),
        Scope(as_of, "370285"),
        Scope(as_of, "370283", "370283120", "370283120241"),
        Scope(as_of, "370283", limit="370283"),
        Scope(as_of, "370283", "370283108", limit="370283108"),
    ]
    latest_only = question.startswith(("quality", "district_quality", "figures"))
    months = (as_of,) if latest_only else (dt.date(2016, 2, 1), as_of)
    for scope in scopes:
        for month in months:
            with recording() as from_cubes:
                cubes = answer(demo, scope.at(month))
            with recording() as from_raw:
                raw = answer(without_cubes, scope.at(month))
            assert any(used for _, used in from_cubes) and not any(used for _, used in from_raw), (from_cubes, from_raw)
            pd.testing.assert_frame_equal(cubes, raw)


def test_quality_cube_holds_the_as_of_month_only(demo: duckdb.DuckDBPyConnection) -> None:
    assert demo.execute("SELECT DISTINCT month FROM cube_quality").fetchall() == [(dt.date(2017, 9, 1),)]
    assert quality_records(demo, Scope(dt.date(2017, 9, 1))) is not None
    assert quality_records(demo, Scope(dt.date(2017, 8, 1))) is None


def test_cubes_built_district_by_district_equal_the_city_build(demo_db, tmp_path, monkeypatch) -> None:
    """A large roster builds its village cubes one district at a time (bounded memory): the same rows, the sums of
    yuan within float rounding."""
    import analytics.cubes as cubes

    path = tmp_path / "parts.duckdb"
    shutil.copy(demo_db, path)
    monkeypatch.setattr(cubes, "PARTITION_PERSONS", 0)
    with duckdb.connect(str(path)) as con:
        assert len(cubes.partitions(con, Scope(dt.date(2017, 9, 1)))) == 10
        cubes.build_cubes(con)
    with duckdb.connect(str(path), read_only=True) as parts, duckdb.connect(str(demo_db), read_only=True) as city:
        for cube in (*CUBES, "cube_built"):
            order = "ORDER BY ALL"
            by_parts, by_city = (c.execute(f"SELECT * FROM {cube} {order}").df() for c in (parts, city))
            pd.testing.assert_frame_equal(by_parts, by_city, check_exact=False, rtol=1e-12)
