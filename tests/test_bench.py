"""The pandas baseline the benchmark compares against answers exactly as analytics/ does (a fair race)."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd
import pytest

from analytics.coverage import coverage_by_area
from analytics.dynamics import poor_stock, scope_outcomes
from analytics.scope import Scope
from bench import baseline
from storage.months import BASELINE
from tests.conftest import PROJECT_DIR

SCOPES = [
    Scope(dt.date(2017, 9, 1)),
    Scope(dt.date(2016, 12, 1), "370283"),
    Scope(dt.date(2017, 9, 1), "370283", "370283108"),
]


@pytest.fixture(scope="module")
def frames(demo_db):
    with duckdb.connect(str(demo_db), read_only=True) as con:
        return baseline.load(con)


@pytest.mark.parametrize("scope", SCOPES, ids=["city", "district", "town"])
def test_baseline_equals_analytics(demo: duckdb.DuckDBPyConnection, frames, scope: Scope) -> None:
    level = {"city": "district", "district": "town", "town": "village"}[scope.level]
    ours = coverage_by_area(demo, scope, level, "health")[["area_code", "households", "covered", "coverage"]]
    pd.testing.assert_frame_equal(baseline.coverage(frames, scope, level, "health"), ours, check_dtype=False)
    stock = poor_stock(demo, scope, level, BASELINE, scope.as_of)
    stock = stock[stock["households"] > 0][["month", "area_code", "households"]].reset_index(drop=True)
    naive = baseline.poor_households_by_month(frames, scope, level)
    pd.testing.assert_frame_equal(naive.astype({"month": stock["month"].dtype}), stock, check_dtype=False)
    assert baseline.remaining_persons(frames, scope) == scope_outcomes(demo, scope)["remaining_persons"]


def test_harness_measures_every_question_scope_page_and_payload(tmp_path) -> None:
    import argparse

    from bench.__main__ import PAGES, questions, run_scale

    args = argparse.Namespace(work=tmp_path, repeat=1, quick=True, browser=False)
    records = run_scale(0.05, args, bandwidth=10e9)
    timed = [r for r in records if r["kind"] == "question"]
    assert len(timed) == 3 * len(questions()) and all(r["ours_ms"] > 0 and r["floor_ms"] > 0 for r in timed)
    assert {r["question"] for r in timed if r["baseline_ms"]} == {
        "remaining_persons",
        "coverage_by_area",
        "poor_households_by_month",
    }
    payloads = [r for r in records if r["kind"] == "payload"]
    assert {(r["page"], r["scope"]) for r in payloads} == {
        (page, scope) for page in ("distribution", "measures", "dynamics") for scope in ("city", "district", "town")
    }
    assert next(r for r in records if r["kind"] == "briefing")["ms"] > 0
    assert [r["page"] for r in records if r["kind"] == "page"] == list(PAGES[:1])
    assert 0 < next(r for r in records if r["kind"] == "cold_start")["seconds"] < 60
    build = next(r for r in records if r["kind"] == "build")
    assert build["generate_s"] > 0 and build["cube_build_s"] > 0 and build["households"] > 1000


def test_a_database_made_with_another_schema_is_regenerated(tmp_path) -> None:
    from bench.__main__ import has_current_schema
    from roster.schema import create_schema

    path = tmp_path / "scale1.duckdb"
    with duckdb.connect(str(path)) as con:
        create_schema(con)
    assert has_current_schema(path)
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE cube_flow DROP COLUMN town_code")
    assert not has_current_schema(path)


def test_the_performance_page_is_the_rendering_of_its_bench_record() -> None:
    """docs/performance.md's figures are generated from docs/performance.json (python -m bench.report), never typed."""
    import json

    from bench.report import END, START, render, render_readme, rewrite

    record = json.loads((PROJECT_DIR / "docs" / "performance.json").read_text(encoding="utf-8"))
    page = (PROJECT_DIR / "docs" / "performance.md").read_text(encoding="utf-8")
    assert page.count(START) == 1 and page.count(END) == 1
    assert render(record) in page and rewrite(page, record) == page
    prose = page.split(START)[0]
    assert not re.search(r"\d+(\.\d+)?\s*(ms|毫秒)", prose), "measured times belong in the generated section"
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    assert readme.count(START) == 1 and rewrite(readme, record, render_readme(record)) == readme
