"""The assembled SQL of the status and cube queries, whole, under review (the ibis pattern): each question's
statements are compared with ``tests/sql/<question>.sql``. A change to the SQL shows as a diff of those files;
after reading it, write them anew with ``UPDATE_SQL_SNAPSHOTS=1 pytest tests/test_sql_snapshots.py``."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from analytics.coverage import coverage_by_area
from analytics.cube_switch import raw_tables_only
from analytics.cubes import build_cubes
from analytics.dynamics import household_outcomes, monthly_flows, poor_stock
from analytics.goals import goal_progress
from analytics.scope import Scope
from analytics.sql import recorded
from storage.months import BASELINE
from tests import small_roster

SNAPSHOTS = Path(__file__).parent / "sql"
AS_OF = small_roster.AS_OF
DISTRICT = Scope(AS_OF, "370283")


def _cube_build(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("BEGIN")
    try:
        build_cubes(con)
    finally:
        con.execute("ROLLBACK")


QUESTIONS: dict[str, Callable[[duckdb.DuckDBPyConnection], object]] = {
    "household_outcomes_by_town": lambda con: household_outcomes(con, DISTRICT, "town"),
    "poor_stock_by_town": lambda con: poor_stock(con, DISTRICT, "town", BASELINE, AS_OF),
    "monthly_flows_by_town": lambda con: monthly_flows(con, DISTRICT, "town", BASELINE, AS_OF),
    "coverage_by_village": lambda con: coverage_by_area(con, DISTRICT, "village", "any"),
    "goal_progress": lambda con: goal_progress(con, DISTRICT),
    "cube_build": _cube_build,
}


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_roster.build(tmp_path_factory.mktemp("sql") / "small.duckdb")


def _text(statements: list[str]) -> str:
    """The statements as one file: trailing blanks removed, separated by a comment line."""
    tidy = [re.sub(r"[ \t]+$", "", s.strip("\n"), flags=re.M) for s in statements]
    return "\n-- ----\n".join(tidy) + "\n"


@pytest.mark.parametrize("question", QUESTIONS)
def test_assembled_sql_is_the_reviewed_sql(small_db: Path, question: str) -> None:
    with duckdb.connect(str(small_db)) as con, raw_tables_only(), recorded() as statements:
        QUESTIONS[question](con)
    assert statements, "the question ran no statement through analytics.sql.execute"
    text, snapshot = _text(statements), SNAPSHOTS / f"{question}.sql"
    if os.environ.get("UPDATE_SQL_SNAPSHOTS") == "1":
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
    assert snapshot.exists(), f"no reviewed SQL for {question}: write it with UPDATE_SQL_SNAPSHOTS=1"
    assert text == snapshot.read_text(encoding="utf-8"), f"the SQL of {question} changed: see git diff tests/sql/"


def test_statements_bind_values_as_parameters(small_db: Path) -> None:
    """No measure code, target id or area code is pasted into the assembled SQL: they are parameters."""
    with duckdb.connect(str(small_db)) as con, raw_tables_only(), recorded() as statements:
        goal_progress(con, DISTRICT)
        _cube_build(con)
    text = "\n".join(statements)
    for pasted in ("'pwj_post'", "'ss_dibao'", "'edu_preschool_grant'", "'370283'", "'public_welfare_jobs_2016'"):
        assert pasted not in text
    assert dt.date(2017, 9, 1).isoformat() not in text
