"""Facts about the loaded dataset: its source, as-of month and seed (``dataset_meta``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from storage.months import first_of_month


@dataclass(frozen=True)
class DatasetInfo:
    source: str  # 'synthetic' or 'imported'
    as_of: dt.date  # first day of the as-of month
    baseline: dt.date  # first day of the baseline month (2015-12)
    meta: dict[str, str]

    @property
    def is_synthetic(self) -> bool:
        return self.source == "synthetic"


def dataset_info(con: duckdb.DuckDBPyConnection) -> DatasetInfo:
    """Read ``dataset_meta``; a missing key is an error naming it."""
    meta = dict(con.execute("SELECT key, value FROM dataset_meta").fetchall())
    for key in ("source", "as_of_month", "baseline_month"):
        if key not in meta:
            raise KeyError(f"dataset_meta 缺少 {key}")
    return DatasetInfo(
        meta["source"], first_of_month(meta["as_of_month"]), first_of_month(meta["baseline_month"]), meta
    )


def dataset_source(con: duckdb.DuckDBPyConnection) -> str | None:
    """``dataset_meta``'s source ('synthetic', 'imported'), None when it does not say."""
    row = con.execute("SELECT value FROM dataset_meta WHERE key = 'source'").fetchone()
    return None if row is None else str(row[0])


def has_households(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the roster holds any household."""
    return con.execute("SELECT 1 FROM household LIMIT 1").fetchone() is not None
