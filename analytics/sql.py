"""Run parameterised SQL with only the named parameters the statement uses (DuckDB refuses extras).

How queries are written: values always travel as ``$name`` parameters; SQL fragments that never change (status
lists, open-ended dates, membership counts) are put in when the module loads, with f-strings; fragments chosen
per call (the grouping level, the area filter over the raw tables or a cube) are named ``{group}``, ``{filter}``
placeholders filled by ``str.format``. :func:`recorded` shows every statement a question runs, whole;
``tests/test_sql_snapshots.py`` keeps the main ones under review in ``tests/sql/``.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from collections.abc import Iterator, Mapping

import duckdb

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_RECORDED: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("recorded_sql", default=None)


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> duckdb.DuckDBPyConnection:
    """``con.execute`` with the subset of ``params`` that ``sql`` names as ``$name``."""
    used = set(_PARAM.findall(sql))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL parameters without a value: {sorted(missing)}")
    log = _RECORDED.get()
    if log is not None:
        log.append(sql)
    return con.execute(sql, {k: v for k, v in params.items() if k in used})


@contextlib.contextmanager
def recorded() -> Iterator[list[str]]:
    """Within the block, the text of every statement :func:`execute` runs, in order."""
    log: list[str] = []
    token = _RECORDED.set(log)
    try:
        yield log
    finally:
        _RECORDED.reset(token)
