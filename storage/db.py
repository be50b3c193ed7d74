"""Where the database is, how to open it, and the one value of a one-row query (configuration: the bottom layer)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_DIR / "data" / "demo.duckdb"


def database_path() -> Path:
    """``DASHBOARD_DB`` if set, else the built-in demo database."""
    return Path(os.environ.get("DASHBOARD_DB") or DEFAULT_DB)


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection; the dashboard never writes. ``DASHBOARD_DUCKDB_MEMORY`` (e.g. ``4GB``) caps
    DuckDB's memory per process (default: 80 % of RAM), for several replicas on one machine."""
    limit = os.environ.get("DASHBOARD_DUCKDB_MEMORY")
    return duckdb.connect(str(path or database_path()), read_only=True, config={"memory_limit": limit} if limit else {})


def first_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row an executed query must return (an aggregate, a lookup that must hit); the result is read to its
    end, so the connection is free for the next statement (DuckDB refuses some work beside an unfinished result)."""
    rows = result.fetchall()
    if not rows:
        raise LookupError("the query returned no row")
    return tuple(rows[0])


def single(result: duckdb.DuckDBPyConnection) -> Any:
    """The one value of an executed one-row query: ``single(con.execute("SELECT count(*) …"))``."""
    return first_row(result)[0]
