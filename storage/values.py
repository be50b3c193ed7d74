"""What a missing value is, once for every layer: None, NaN, NaT or pandas' NA."""

from __future__ import annotations

import pandas as pd


def missing(value: object) -> bool:
    """Whether ``value`` is absent (None, NaN, NaT, pd.NA); strings, dates and numbers are present."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def known(value: float | None) -> float | None:
    """``value``, or None when it is missing (so a type checker sees the number after one ``is None``)."""
    return None if missing(value) else value
