"""The one switch between the cubes and the raw tables.

Every question that a cube can answer asks :func:`from_cube` first and reads the raw tables otherwise; nothing
else decides. A cube answers when the scope has no household slice (贫困户属性, 致贫原因), the months lie within
what it was built for (a cube in ``LATEST_ONLY`` holds the as-of month only) and it exists in the current layout.
:func:`raw_tables_only` turns the cubes off (the cube build, which reads the raw answers it stores, and tests);
:func:`recording` lists the decisions taken inside it, so a test can prove which path ran. The cubes are built by
``analytics.cubes.build_cubes``.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator, Sequence

import duckdb

from analytics.scope import Scope
from storage.months import BASELINE

LATEST_ONLY = frozenset(
    {"cube_quality", "cube_figure", "cube_flag", "cube_risk"}
)  # cubes that hold the as-of month only
_RAW_ONLY: contextvars.ContextVar[bool] = contextvars.ContextVar("raw_only", default=False)
_DECISIONS: contextvars.ContextVar[list[tuple[str, bool]] | None] = contextvars.ContextVar("decisions", default=None)


def from_cube(con: duckdb.DuckDBPyConnection, cube: str, scope: Scope, first: dt.date, last: dt.date) -> bool:
    """Whether ``cube`` answers this question (see the module docstring); the decision is recorded."""
    answers = not _RAW_ONLY.get() and _cube_covers(con, cube, scope, first, last)
    decisions = _DECISIONS.get()
    if decisions is not None:
        decisions.append((cube, answers))
    return answers


def months_from_cube(
    con: duckdb.DuckDBPyConnection, cube: str, scope: Scope, months: Sequence[dt.date]
) -> list[dt.date]:
    """Those of ``months`` that ``cube`` answers (the ones from the baseline on, if it answers their span; one
    decision, recorded); the others are for the raw tables."""
    inside = [month for month in months if month >= BASELINE]
    return inside if inside and from_cube(con, cube, scope, min(inside), max(inside)) else []


def _cube_covers(con: duckdb.DuckDBPyConnection, cube: str, scope: Scope, first: dt.date, last: dt.date) -> bool:
    if scope.attribute or scope.main_cause or first < BASELINE:
        return False
    try:
        con.execute(f"SELECT village_code, town_code, district_code, month FROM {cube} LIMIT 0")
        built = con.execute("SELECT through FROM cube_built WHERE cube = ?", [cube]).fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):  # made before this cube existed, or in an older layout
        return False
    return built is not None and last <= built[0] and (cube not in LATEST_ONLY or first == built[0])


@contextlib.contextmanager
def raw_tables_only() -> Iterator[None]:
    """Within the block every question reads the raw tables."""
    token = _RAW_ONLY.set(True)
    try:
        yield
    finally:
        _RAW_ONLY.reset(token)


@contextlib.contextmanager
def recording() -> Iterator[list[tuple[str, bool]]]:
    """Within the block, the (cube, answered from it) decisions, in the order they were taken."""
    decisions: list[tuple[str, bool]] = []
    token = _DECISIONS.set(decisions)
    try:
        yield decisions
    finally:
        _DECISIONS.reset(token)
