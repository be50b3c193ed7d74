"""The pre-aggregated cubes answer exactly as the raw event queries, for many scopes, levels and months."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from analytics.dynamics import monthly_flows, poor_stock, stock_flow_table
from analytics.plan import BASELINE
from analytics.scope import Scope

SCOPES = [Scope(dt.date(2017, 9, 1)), Scope(dt.date(2017, 9, 1), "370285"), Scope(dt.date(2016, 12, 1), "370283"),
          Scope(dt.date(2017, 9, 1), "370283", "370283108"), Scope(dt.date(2017, 3, 1), "370215", "370215008"),
          Scope(dt.date(2017, 9, 1), "370283", "370283120", "370283120241")]
RANGES = [(BASELINE, None), (dt.date(2016, 6, 1), dt.date(2016, 6, 1)), (dt.date(2017, 1, 1), None)]


def test_cubes_are_built_with_the_roster(demo: duckdb.DuckDBPyConnection) -> None:
    assert demo.execute("SELECT count(*), min(month), max(month) FROM cube_stock").fetchone()[1:] == (BASELINE, dt.date(2017, 9, 1))
    assert demo.execute("SELECT count(DISTINCT unit) FROM cube_flow").fetchone()[0] == 2


@pytest.mark.parametrize("scope", SCOPES, ids=lambda s: s.area_code)
@pytest.mark.parametrize("group", [None, "district", "town", "village"])
def test_cube_path_equals_raw_path(demo: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> None:
    for first, last in RANGES:
        last = last or scope.as_of
        if last < first:
            continue
        pd.testing.assert_frame_equal(poor_stock(demo, scope, group, first, last), poor_stock(demo, scope, group, first, last, use_cube=False))
        pd.testing.assert_frame_equal(monthly_flows(demo, scope, group, first, last), monthly_flows(demo, scope, group, first, last, use_cube=False))


def test_slices_and_databases_without_cubes_use_the_raw_path(demo: duckdb.DuckDBPyConnection, tmp_path) -> None:
    sliced = Scope(dt.date(2017, 9, 1), "370283", attribute="低保贫困户")
    assert stock_flow_table(demo, sliced, "town")["difference"].eq(0).all()
    empty = duckdb.connect(str(tmp_path / "x.duckdb"))
    empty.execute("CREATE TABLE t (x INT)")
    from analytics.dynamics import _cube_answers

    assert not _cube_answers(empty, Scope(dt.date(2017, 9, 1)), BASELINE, dt.date(2017, 9, 1))
