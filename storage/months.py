"""Calendar months as dates (the first of the month), once for every layer: the plan's base month, parsing,
labels, arithmetic and ranges. (``roster.months`` is the generator's integer month index.)"""

from __future__ import annotations

import datetime as dt
import re

BASELINE = dt.date(2015, 12, 1)  # the plan's base year ends 2015-12: rosters and stocks start here
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> dt.date | None:
    """``YYYY-MM`` to the first of that month; None when malformed."""
    match = _MONTH.match(text or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def first_of_month(text: str) -> dt.date:
    """The month a stored ``YYYY-MM`` (or ``YYYY-MM-DD``) names; raises ValueError naming the text otherwise."""
    month = parse_month(text[:7])
    if month is None:
        raise ValueError(f"不是年月（YYYY-MM）：{text}")
    return month


def month_label(month: dt.date) -> str:
    """``YYYY-MM``, as URLs, files and ``dataset_meta`` write a month."""
    return f"{month:%Y-%m}"


def add_months(month: dt.date, n: int) -> dt.date:
    """The first of the month ``n`` months after (before, if negative) ``month``."""
    total = month.year * 12 + month.month - 1 + n
    return dt.date(total // 12, total % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of every month from ``first`` to ``last`` inclusive."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def current_month() -> dt.date:
    """The first of this calendar month."""
    return dt.date.today().replace(day=1)
