"""Run parameterised SQL with only the named parameters the statement uses (DuckDB refuses extras)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import duckdb

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def execute(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> duckdb.DuckDBPyConnection:
    """``con.execute`` with the subset of ``params`` that ``sql`` names as ``$name``."""
    used = set(_PARAM.findall(sql))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL parameters without a value: {sorted(missing)}")
    return con.execute(sql, {k: v for k, v in params.items() if k in used})
