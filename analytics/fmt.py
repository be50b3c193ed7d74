"""Chinese number formatting used on every page: thousands separators, 万, one-decimal percentages."""

from __future__ import annotations

import contextvars
import math

SMALL = 3
_suppress_small = contextvars.ContextVar("suppress_small", default=False)


def suppress_small_counts(on: bool) -> None:
    """From now on in this script run, counts 1–2 read ``<3`` (for viewers looking below their own level)."""
    _suppress_small.set(on)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value: float | None) -> str:
    """28535 → ``28,535``; missing → ``—``; 1 or 2 → ``<3`` while small counts are suppressed."""
    if _missing(value):
        return "—"
    if _suppress_small.get() and 0 < value < SMALL:
        return f"<{SMALL}"
    return f"{round(value):,}"


def large(value: float | None) -> str:
    """Counts from 100,000 up in 万 with one decimal (6388700 → ``638.9万``); smaller ones as :func:`count`."""
    if _missing(value):
        return "—"
    return f"{value / 10_000:,.1f}万" if abs(value) >= 100_000 else count(value)


def percent(share: float | None, decimals: int = 1) -> str:
    """0.9934 → ``99.3%``."""
    return "—" if _missing(share) else f"{share * 100:.{decimals}f}%"


def number(value: float | None, decimals: int = 1) -> str:
    """A measured value: whole numbers without decimals, others with ``decimals``."""
    if _missing(value):
        return "—"
    return count(value) if float(value).is_integer() else f"{value:,.{decimals}f}"


def month(value) -> str:
    """A month as ``2017年09月``."""
    return "—" if value is None else f"{value:%Y年%m月}"
