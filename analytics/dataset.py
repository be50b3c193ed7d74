"""Facts about the loaded dataset: its source, as-of month and seed (``dataset_meta``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class DatasetInfo:
    source: str  # 'synthetic' or 'imported'
    as_of: dt.date  # first day of the as-of month
    baseline: dt.date  # first day of the baseline month (2015-12)
    meta: dict[str, str]

    @property
    def is_synthetic(self) -> bool:
        return self.source == "synthetic"


def _first_of_month(text: str) -> dt.date:
    year, month = text[:7].split("-")
    return dt.date(int(year), int(month), 1)


def dataset_info(con: duckdb.DuckDBPyConnection) -> DatasetInfo:
    """Read ``dataset_meta``; a missing key is an error naming it."""
    meta = dict(con.execute("SELECT key, value FROM dataset_meta").fetchall())
    for key in ("source", "as_of_month", "baseline_month"):
        if key not in meta:
            raise KeyError(f"dataset_meta 缺少 {key}")
    return DatasetInfo(
        meta["source"], _first_of_month(meta["as_of_month"]), _first_of_month(meta["baseline_month"]), meta
    )
