"""Chinese number formatting used on every page, slide and export: thousands separators, 万, one-decimal
percentages, dates 2017年09月 / 2017年9月30日 — and the one home of the small-count rule.

Small-count rule: for a viewer looking below their own level (``suppress_small_counts``), a count of
households or persons of 1 or 2 reads ``<3`` — in tables, chart labels and bars, map tooltips, slides and
exports. In a table column, when exactly one cell is suppressed, the smallest other non-zero count is
shown as ``保密`` (complementary suppression), so the column total does not give it away. Ratios, averages,
amounts and places (villages, towns) are never suppressed. A column holds households or persons when its
header names the unit (户 or 人).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import numbers
from collections.abc import Iterable, Iterator

from storage.values import known, missing

SMALL = 3
# (background, text) of every status and traffic light: 达标 green, 进度正常 blue, 滞后 red, 数据不足 grey.
STATUS_COLOURS = {
    "达标": ("#1a7f37", "#ffffff"),
    "进度正常": ("#0969da", "#ffffff"),
    "滞后": ("#cf222e", "#ffffff"),
    "数据不足": ("#6e7781", "#ffffff"),
    "红": ("#cf222e", "#ffffff"),
    "黄": ("#d4a72c", "#111111"),
    "绿": ("#1a7f37", "#ffffff"),
    "已完成": ("#1a7f37", "#ffffff"),
    "待验收": ("#6e7781", "#ffffff"),
    "逾期": ("#bc4c00", "#ffffff"),  # orange: a monitoring case past its decision day
}
SHARE_WORDS = ("率", "比例")
COUNT_UNITS = ("户", "人")  # a header naming one of these holds counts of households or persons
HIDDEN = "保密"
_suppress_small: contextvars.ContextVar[bool] = contextvars.ContextVar("suppress_small", default=False)


def suppress_small_counts(on: bool) -> None:
    """From now on in this script run, counts 1–2 read ``<3`` (for viewers looking below their own level)."""
    _suppress_small.set(on)


def count(value: float | None) -> str:
    """28535 → ``28,535``; missing → ``—``; 1 or 2 → ``<3`` while small counts are suppressed."""
    value = known(value)
    if value is None:
        return "—"
    if _suppress_small.get() and 0 < value < SMALL:
        return f"<{SMALL}"
    return f"{round(value):,}"


def whole(value: float | None) -> str:
    """A whole number that is not a count of households or persons (villages, towns, ranks): never suppressed."""
    value = known(value)
    return "—" if value is None else f"{round(value):,}"


@contextlib.contextmanager
def small_counts_hidden(on: bool) -> Iterator[None]:
    """Within the block, small counts are (or are not) suppressed: for cached builders of display text,
    which take the flag as an argument so that one viewer's text never reaches another."""
    token = _suppress_small.set(on)
    try:
        yield
    finally:
        _suppress_small.reset(token)


def suppressing() -> bool:
    """Whether small counts are suppressed in this script run."""
    return _suppress_small.get()


def _small(value: object) -> bool:
    return isinstance(value, numbers.Real) and not missing(value) and 0 < float(value) < SMALL


def bar_values(values: Iterable[float | None]) -> tuple[list[float | None], list[str]]:
    """Bar heights and labels of a chart of counts: a suppressed count is no bar, labelled ``<3``."""
    heights: list[float | None] = []
    labels: list[str] = []
    for v in values:
        hidden = suppressing() and _small(v)
        heights.append(None if hidden or v is None or missing(v) else float(v))
        labels.append(count(v))
    return heights, labels


def is_count_column(name: str) -> bool:
    """Columns of household or person counts, by the unit their header names."""
    return any(unit in name for unit in COUNT_UNITS)


def column(name: str, values: Iterable[object], counts: bool | None = None) -> list[str]:
    """A table column as read (see :func:`cell`), with complementary suppression of household/person counts;
    ``counts`` says whether it holds them when the header does not name the unit (default: by the header)."""
    cells = list(values)
    counts = is_count_column(name) if counts is None else counts
    shown = [(count(int(v)) if counts and isinstance(v, numbers.Integral) else cell(name, v)) for v in cells]
    whole_counts = {
        i: int(v) for i, v in enumerate(cells) if isinstance(v, numbers.Integral) and not isinstance(v, bool)
    }
    if suppressing() and counts:
        small = [i for i, v in whole_counts.items() if _small(v)]
        partners = sorted((v, i) for i, v in whole_counts.items() if v >= SMALL)
        if len(small) == 1 and partners:
            shown[partners[0][1]] = HIDDEN
    return shown


def large_column(values: Iterable[float | None]) -> list[str]:
    """A column of amounts in one unit: all in 万 (one decimal) when its largest reaches 100,000, else whole."""
    amounts = [known(v) for v in values]
    present = [abs(v) for v in amounts if v is not None]
    in_wan = bool(present) and max(present) >= 100_000
    return ["—" if v is None else (f"{v / 10_000:,.1f}万" if in_wan else f"{round(v):,}") for v in amounts]


def percent(share: float | None, decimals: int = 1) -> str:
    """0.9934 → ``99.3%``."""
    share = known(share)
    return "—" if share is None else f"{share * 100:.{decimals}f}%"


def number(value: float | None, decimals: int = 1) -> str:
    """A measured value (ratio, average, amount): whole numbers without decimals, others with ``decimals``;
    never suppressed — the small-count rule is about counts of households and persons only."""
    value = known(value)
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.{decimals}f}"


def yuan(value: float | None) -> str:
    """An amount of money as read: ``300元``, ``2.3万元`` from 10,000 on; missing → ``—``."""
    value = known(value)
    if value is None:
        return "—"
    return f"{value / 10_000:,.1f}万元" if abs(value) >= 10_000 else f"{round(value):,}元"


def fixed(value: float | None, decimals: int = 1) -> str:
    """A score, ratio or average with a fixed number of decimals, so a column reads alike (70.0 beside 69.8)."""
    value = known(value)
    return "—" if value is None else f"{value:,.{decimals}f}"


def month(value: dt.date | None) -> str:
    """A month as ``2017年09月``."""
    return "—" if value is None or missing(value) else f"{value:%Y年%m月}"


def day(value: dt.date | None) -> str:
    """A date as ``2017年9月30日``."""
    return "—" if value is None or missing(value) else f"{value.year}年{value.month}月{value.day}日"


def days(value: float | None) -> str:
    """A number of days as ``12天``; missing → ``—``."""
    value = known(value)
    return "—" if value is None else f"{round(value)}天"


def months_left(value: int) -> str:
    """Months to a deadline: ``3个月``, ``本月到期``, ``已过期9个月``."""
    if value > 0:
        return f"{value}个月"
    return "本月到期" if value == 0 else f"已过期{-value}个月"


def is_share_column(name: str) -> bool:
    """Columns holding shares (0–1) by their header: 覆盖率, 脱贫率, 仍未脱贫比例 …"""
    return any(word in name for word in SHARE_WORDS)


def cell(column: str, value: object) -> str:
    """One table cell as read on a slide or in a deck: shares as percentages, counts with separators
    (household/person counts under the small-count rule), other numbers with exactly one decimal, dates as
    2017年9月30日,
    missing as ``—``."""
    if isinstance(value, str):
        return value
    if missing(value):
        return "—"
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if not isinstance(value, numbers.Real):
        return str(value)
    number = float(value)
    if is_share_column(column) and 0 <= number <= 1:
        return percent(number)
    if isinstance(value, numbers.Integral):
        return count(number) if is_count_column(column) else whole(number)
    return fixed(number, 1)
