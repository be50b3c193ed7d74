"""Month arithmetic on integer month indices: 0 = 2016-01, -1 = 2015-12 (the plan's base year end)."""

from __future__ import annotations

import datetime as dt

import numpy as np

ORIGIN_YEAR = 2016
BASELINE = -1  # 2015-12
LAST = 59  # 2020-12, the end of the plan period


def index(year: int, month: int) -> int:
    """Month index of ``year``-``month``."""
    return (year - ORIGIN_YEAR) * 12 + month - 1


def parse(text: str) -> int:
    """Month index of ``YYYY-MM``."""
    year, month = text.split("-")
    return index(int(year), int(month))


def label(m: int) -> str:
    """``YYYY-MM`` of a month index."""
    return f"{ORIGIN_YEAR + m // 12:04d}-{m % 12 + 1:02d}"


def to_date(m: int) -> dt.date:
    """First day of month ``m``."""
    return dt.date(ORIGIN_YEAR + m // 12, m % 12 + 1, 1)


def to_dates(months: np.ndarray) -> np.ndarray:
    """First days (``datetime64[D]``; NaT where the index is NaN) of an array of month indices."""
    values = np.asarray(months, dtype=float)
    known = ~np.isnan(values)
    stamps = np.datetime64("2016-01", "M") + np.where(known, values, 0).astype(np.int64)
    return np.where(known, stamps.astype("datetime64[D]"), np.datetime64("NaT"))


def year_of(m: np.ndarray | int) -> np.ndarray | int:
    """Calendar year of month index ``m``."""
    return ORIGIN_YEAR + np.floor_divide(m, 12)
