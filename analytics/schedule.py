"""倒排工期 back-scheduling: for each area and deadline target, the pace needed against the pace achieved.

For a target due in deadline month D, at as-of month M:

* remaining = units not yet done at M; months left = months after M up to and including D;
* required pace = remaining / months left (none once the deadline has passed);
* actual pace = units done in the trailing three months (M-2 .. M) / 3, net of returns;
* projected completion = M + ceil(remaining / actual pace), none when the actual pace is zero;
* 红 (red) when the deadline has passed unmet, nothing was done in three months, or required pace >
  1.5 × actual pace; 黄 (amber) when required pace > actual pace; 绿 (green) otherwise; 已完成 when
  nothing remains;
* 待验收 for a batch target (villages and weak towns: their 摘帽 is the annual verification at a year's end, not
  monthly work) before its deadline month: a three-month pace says nothing about it, so it is judged at its
  deadline.

The rules are written out once in ``docs/definitions.md``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.dynamics import outcomes_by_month
from analytics.places import places_by_month
from analytics.plan import HOUSEHOLD_STAGE_DEADLINE, PLACE_STAGE_DEADLINE
from analytics.scope import Scope, area_names
from storage.months import add_months

PACE_WINDOW = 3
RED_FACTOR = 1.5
RAG_DONE, RAG_GREEN, RAG_AMBER, RAG_RED, RAG_PENDING = "已完成", "绿", "黄", "红", "待验收"


@dataclass(frozen=True)
class TrackedTarget:
    key: str
    label: str
    deadline: dt.date
    done: str  # column of done units
    remaining: str | None  # column of remaining units; None: total - done
    total: str | None  # column of the total; None: done + remaining
    batch: bool = False  # exits are assessed in one go: no monthly pace before the deadline month

    @property
    def given(self) -> str:
        """The column read beside ``done``: the total, or the remaining units when there is no total column."""
        return self.total or self.remaining or ""


TRACKED = (
    TrackedTarget(
        "households",
        "建档立卡户全部脱贫",
        HOUSEHOLD_STAGE_DEADLINE,
        "baseline_exited_households",
        "baseline_remaining_households",
        None,
    ),
    TrackedTarget(
        "persons",
        "建档立卡人口全部脱贫",
        HOUSEHOLD_STAGE_DEADLINE,
        "baseline_exited_persons",
        "baseline_remaining_persons",
        None,
    ),
    TrackedTarget(
        "provincial_villages",
        "省定贫困村全部摘帽",
        PLACE_STAGE_DEADLINE,
        "provincial_villages_exited",
        None,
        "provincial_villages_total",
        batch=True,
    ),
    TrackedTarget(
        "weak_villages",
        "市定经济薄弱村全部摘帽",
        PLACE_STAGE_DEADLINE,
        "weak_villages_exited",
        None,
        "weak_villages_total",
        batch=True,
    ),
    TrackedTarget(
        "weak_towns",
        "经济薄弱镇全部摘帽",
        PLACE_STAGE_DEADLINE,
        "weak_towns_exited",
        None,
        "weak_towns_total",
        batch=True,
    ),
)
COLUMNS = (
    "area_code",
    "target",
    "label",
    "deadline",
    "total",
    "done",
    "remaining",
    "months_left",
    "required_pace",
    "actual_pace",
    "projected_month",
    "rag",
)


def months_left(as_of: dt.date, deadline: dt.date) -> int:
    """Whole months after ``as_of`` up to and including the deadline's month (negative once past)."""
    return (deadline.year * 12 + deadline.month) - (as_of.year * 12 + as_of.month)


def rag(remaining: float, left: int, required: float, actual: float, batch: bool = False) -> str:
    """The traffic light of one back-scheduling row."""
    if remaining <= 0:
        return RAG_DONE
    if batch and left > 0:
        return RAG_PENDING
    if left <= 0 or actual <= 0 or required > RED_FACTOR * actual:
        return RAG_RED
    return RAG_AMBER if required > actual else RAG_GREEN


def pace_months(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The months a back-scheduling row compares: the as-of month and the start of the pace window."""
    return as_of, add_months(as_of, -PACE_WINDOW)


def schedule_figures(
    con: duckdb.DuckDBPyConnection, scope: Scope, months: Sequence[dt.date], group: str | None = None
) -> pd.DataFrame:
    """Outcome and place figures per (``month``, ``area_code``) — the index — at each of ``months`` (one query each),
    zero where absent; ``with_households`` says whether the area holds a household with any status event."""
    key = ["month", "area_code"]
    outcomes = outcomes_by_month(con, scope, months, group).set_index(key)
    places = places_by_month(con, scope, months, group).set_index(key)
    figures = pd.concat([outcomes, places], axis=1).fillna(0)
    return figures.assign(with_households=figures.index.isin(outcomes.index)).sort_index()


def back_schedule(
    con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = None, figures: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per (area, tracked target) with a non-empty total; ``group`` None = the whole scope. ``figures``:
    :func:`schedule_figures` of the same scope and group at (at least) the :func:`pace_months`, when the caller
    has them."""
    now_month, before_month = pace_months(scope.as_of)
    if figures is None:
        figures = schedule_figures(con, scope, (now_month, before_month), group)
    months = figures.index.get_level_values("month")
    now = figures[months == now_month].droplevel("month")
    before = figures[months == before_month].droplevel("month").reindex(now.index, fill_value=0)
    areas, targets = now.index.repeat(len(TRACKED)), TRACKED * len(now)
    done = _stacked(now, [t.done for t in TRACKED])
    total = _stacked(now, [t.given for t in TRACKED])
    total = np.where([t.total is None for t in targets], done + total, total)
    remaining, before_done = total - done, _stacked(before, [t.done for t in TRACKED])
    left = np.array([months_left(scope.as_of, t.deadline) for t in targets], dtype="int64")
    required = np.where(left > 0, remaining / np.maximum(left, 1), np.nan)
    actual = (done - before_done) / PACE_WINDOW
    rows = pd.DataFrame(
        {
            "area_code": areas,
            "target": [t.key for t in targets],
            "label": [t.label for t in targets],
            "deadline": [t.deadline for t in targets],
            "total": total,
            "done": done,
            "remaining": remaining,
            "months_left": left,
            "required_pace": required,
            "actual_pace": actual,
            "projected_month": [
                add_months(scope.as_of, math.ceil(r / a)) if r > 0 and a > 0 else None
                for r, a in zip(remaining, actual, strict=True)
            ],
            "rag": [
                rag(*row) for row in zip(remaining, left, required, actual, [t.batch for t in targets], strict=True)
            ],
        },
        columns=list(COLUMNS),
    )
    return rows[rows["total"] != 0].reset_index(drop=True)


def _stacked(figures: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """``columns`` of every area, area by area (the order of ``TRACKED`` within each), as whole numbers."""
    stacked: np.ndarray = figures[columns].to_numpy(dtype="int64").ravel()
    return stacked


TARGET_ORDER = {target.key: i for i, target in enumerate(TRACKED)}


def behind_schedule(con: duckdb.DuckDBPyConnection, scope: Scope, group: str) -> pd.DataFrame:
    """The red and amber rows of :func:`back_schedule`, red first, most remaining work first, with area names."""
    rows = back_schedule(con, scope, group)
    rows = rows[rows["rag"].isin([RAG_RED, RAG_AMBER])]
    rows = rows.assign(red=rows["rag"] == RAG_RED).sort_values(
        ["red", "deadline", "remaining"], ascending=[False, True, False]
    )
    return (
        rows.drop(columns="red")
        .assign(area_name=lambda r: r["area_code"].map(area_names(con, group, scope)))
        .reset_index(drop=True)
    )
