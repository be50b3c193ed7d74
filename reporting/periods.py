"""Reporting periods (月 / 季 / 年): their first day, last day, name and due date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHS = {"月": 1, "季": 3, "年": 12}
GRACE_DAYS = {"月": 10, "季": 15, "年": 31}  # a period's report is due this many days after it ends
NAMES = {"月": "月报", "季": "季报", "年": "年报"}
FIRST_PERIOD = dt.date(2016, 1, 1)  # the plan's first month: reports start here


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: its kind (月 / 季 / 年) and first day."""

    start: dt.date
    kind: str

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        months = self.start.year * 12 + self.start.month - 1 + MONTHS[self.kind]
        return dt.date(months // 12, months % 12 + 1, 1) - dt.timedelta(days=1)

    @property
    def due(self) -> dt.date:
        return self.end + dt.timedelta(days=GRACE_DAYS[self.kind])

    @property
    def label(self) -> str:
        if self.kind == "年":
            return f"{self.start.year}年度"
        if self.kind == "季":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年{self.start.month:02d}月"

    def previous(self) -> Period:
        months = self.start.year * 12 + self.start.month - 1 - MONTHS[self.kind]
        return Period(dt.date(months // 12, months % 12 + 1, 1), self.kind)

    def following(self) -> Period:
        return Period(self.end + dt.timedelta(days=1), self.kind)


def period_of(day: dt.date, kind: str) -> Period:
    """The period of ``kind`` that holds ``day``."""
    month = (day.month - 1) // MONTHS[kind] * MONTHS[kind] + 1
    return Period(dt.date(day.year, month, 1), kind)


def ended_periods(kind: str, today: dt.date) -> list[Period]:
    """Every period of ``kind`` from the plan's first month that has ended by ``today``, oldest first."""
    periods, period = [], Period(FIRST_PERIOD, kind)
    while period.end < today:
        periods.append(period)
        period = period.following()
    return periods
