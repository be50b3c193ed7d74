"""Where the database is, how to open it (and its side stores), and the one value of a one-row query (configuration:
the bottom layer)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from storage.files import make_private

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_DIR / "data" / "demo.duckdb"


def database_path() -> Path:
    """``DASHBOARD_DB`` if set, else the built-in demo database."""
    return Path(os.environ.get("DASHBOARD_DB") or DEFAULT_DB)


@contextmanager
def locked_store(
    path: Path, prepare: Callable[[duckdb.DuckDBPyConnection], object]
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A side database beside the roster (the sector reports, the monitoring cases) opened for writing under an
    exclusive lock on its ``.lock`` file and ``prepare``d (its schema ensured); closed and made private afterwards.
    The dashboard's server processes and the command line share it so (DuckDB lets one process write a file)."""
    with path.with_suffix(".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        con = duckdb.connect(str(path))
        try:
            prepare(con)
            yield con
        finally:
            con.close()
            make_private(path)


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
