"""The pre-aggregated cubes answer exactly as the raw event queries, for many scopes, levels and months."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pandas as pd
import pytest

from analytics.coverage import MEASURE_GROUPS, coverage_by_area
from analytics.dynamics import (
    cube_answers,
    household_outcomes,
    monthly_flows,
    poor_stock,
    stock_flow_table,
)
from analytics.goals import goal_progress
from analytics.plan import BASELINE
from analytics.scope import Scope

SCOPES = [Scope(dt.date(2017, 9, 1)), Scope(dt.date(2017, 9, 1), "370285"), Scope(dt.date(2016, 12, 1), "370283"),
          Scope(dt.date(2017, 9, 1), "370283", "370283108"), Scope(dt.date(2017, 3, 1), "370215", "370215008"),
          Scope(dt.date(2017, 9, 1), "370283", "370283120", "370283120241")]
RANGES = [(BASELINE, None), (dt.date(2016, 6, 1), dt.date(2016, 6, 1)), (dt.date(2017, 1, 1), None)]


def test_cubes_are_built_with_the_roster(demo: duckdb.DuckDBPyConnection) -> None:
    assert demo.execute("SELECT min(month), max(month), count(DISTINCT month) FROM cube_outcome").fetchone() == (BASELINE, dt.date(2017, 9, 1), 22)
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
        pd.testing.assert_frame_equal(poor_stock(demo, scope, group, first, last), poor_stock(demo, scope, group, first, last, use_cube=False))
        pd.testing.assert_frame_equal(monthly_flows(demo, scope, group, first, last), monthly_flows(demo, scope, group, first, last, use_cube=False))


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.area_code)
def test_outcome_and_coverage_cubes_equal_raw_paths(demo: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    for month in (BASELINE, dt.date(2016, 7, 1), scope.as_of):
        at = scope.at(month)
        for group in (None, "district", "town", "village"):
            pd.testing.assert_frame_equal(household_outcomes(demo, at, group), household_outcomes(demo, at, group, use_cube=False))
        level = "village" if scope.level in ("town", "village") else "town"
        for measure_group in MEASURE_GROUPS:
            pd.testing.assert_frame_equal(coverage_by_area(demo, at, level, measure_group),
                                          coverage_by_area(demo, at, level, measure_group, use_cube=False))


def test_slices_and_databases_without_cubes_use_the_raw_path(demo: duckdb.DuckDBPyConnection, tmp_path) -> None:
    sliced = Scope(dt.date(2017, 9, 1), "370283", attribute="低保贫困户")
    assert stock_flow_table(demo, sliced, "town")["difference"].eq(0).all()
    empty = duckdb.connect(str(tmp_path / "x.duckdb"))
    empty.execute("CREATE TABLE t (x INT)")
    assert not cube_answers(empty, "cube_outcome", Scope(dt.date(2017, 9, 1)), BASELINE, dt.date(2017, 9, 1))
    assert not cube_answers(demo, "cube_outcome", sliced, BASELINE, dt.date(2017, 9, 1))


def test_goal_cube_equals_raw_goal_queries(demo_db, tmp_path) -> None:
    """Every plan target's value and status is the same from ``cube_goal`` as from the raw tables."""
    raw_path = tmp_path / "raw.duckdb"
    shutil.copy(demo_db, raw_path)
    with duckdb.connect(str(raw_path)) as con:
        con.execute("DELETE FROM cube_goal")
    with duckdb.connect(str(demo_db), read_only=True) as cubed, duckdb.connect(str(raw_path), read_only=True) as raw:
        assert cubed.execute("SELECT count(DISTINCT target_id) FROM cube_goal").fetchone()[0] == 13
        for scope in SCOPES:
            for month in (dt.date(2016, 1, 1), dt.date(2016, 12, 1), scope.as_of):
                pd.testing.assert_frame_equal(goal_progress(cubed, scope.at(month)), goal_progress(raw, scope.at(month)))
