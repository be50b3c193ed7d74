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
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.dynamics import household_outcomes
from analytics.places import place_progress
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


def _figures(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None) -> pd.DataFrame:
    """Outcome and place figures per area at one month."""
    outcomes = household_outcomes(con, scope, group)
    places = place_progress(con, scope, group)
    return outcomes.merge(places, on="area_code", how="outer").set_index("area_code").fillna(0)


def back_schedule(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = None) -> pd.DataFrame:
    """One row per (area, tracked target) with a non-empty total; ``group`` None = the whole scope."""
    now = _figures(con, scope, group)
    before = _figures(con, scope.at(add_months(scope.as_of, -PACE_WINDOW)), group).reindex(now.index, fill_value=0)
    rows = pd.concat([_target_rows(target, scope.as_of, now, before) for target in TRACKED], ignore_index=True)
    order = {key: i for i, key in enumerate(now.index)}
    rows = rows.sort_values(
        ["area_code", "target"], key=lambda c: c.map(order) if c.name == "area_code" else c.map(TARGET_ORDER)
    )
    return rows[list(COLUMNS)].reset_index(drop=True)


TARGET_ORDER = {target.key: i for i, target in enumerate(TRACKED)}


def _target_rows(target: TrackedTarget, as_of: dt.date, now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """The rows of one tracked target for every area with a non-empty total."""
    done = now[target.done].astype("int64")
    total = now[target.total].astype("int64") if target.total else done + now[target.remaining].astype("int64")
    keep = total != 0
    done, total, before_done = done[keep], total[keep], before.loc[keep, target.done].astype("int64")
    remaining = total - done
    left = months_left(as_of, target.deadline)
    required = remaining / left if left > 0 else pd.Series(float("nan"), index=done.index)
    actual = (done - before_done) / PACE_WINDOW
    projected = [
        add_months(as_of, math.ceil(r / a)) if r > 0 and a > 0 else None for r, a in zip(remaining, actual, strict=True)
    ]
    lights = [rag(r, left, q, a, target.batch) for r, q, a in zip(remaining, required, actual, strict=True)]
    return pd.DataFrame(
        {
            "area_code": done.index,
            "target": target.key,
            "label": target.label,
            "deadline": target.deadline,
            "total": total.to_numpy(),
            "done": done.to_numpy(),
            "remaining": remaining.to_numpy(),
            "months_left": left,
            "required_pace": required.to_numpy(),
            "actual_pace": actual.to_numpy(),
            "projected_month": projected,
            "rag": lights,
        }
    )


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
