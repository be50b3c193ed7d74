"""Completeness and timeliness of sector reporting (DHIS2's reporting rates): for every reporting unit that is
expected for a period, whether it reported on time, late, not at all or was returned, and what is due soon.

A unit is expected for each period of its data set that has ended. Its timeliness is judged on its first
submission against the due date (the period's end + ``reporting.periods.GRACE_DAYS``); the state it is in now
(已退回, 已提交待审核 …) is reported beside it. The reporting date is the store's (``ReportFrames.today``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics.scope import Scope
from reporting.periods import ended_periods
from reporting.registry import Catalogue
from reporting.store import ReportFrames
from reporting.workflow import STATE_LABELS

ON_TIME, LATE, MISSING, RETURNED, NOT_DUE = "按时报送", "迟报", "逾期未报", "已退回", "未到截止日期"
REMINDER_DAYS = 7
UNIT_COLUMNS = [
    "dataset_id",
    "dataset",
    "owner",
    "area_code",
    "area_name",
    "period",
    "period_label",
    "due",
    "submitted_at",
    "state",
    "state_label",
    "timeliness",
]


def _timeliness(due: dt.date, state: str | None, submitted: object, today: dt.date) -> str:
    if state == "returned":
        return RETURNED
    if submitted is not None and not pd.isna(submitted):
        return ON_TIME if pd.Timestamp(submitted).date() <= due else LATE
    return MISSING if today > due else NOT_DUE


def expected_units(catalogue: Catalogue, frames: ReportFrames, scope: Scope, kind: str | None = None) -> pd.DataFrame:
    """Every reporting unit expected by the reporting date (periods that have ended), of one period kind or all,
    in the scope's area (a district sees its own units), with its timeliness and state."""
    expected = pd.DataFrame(
        [
            (
                dataset.id,
                dataset.name,
                dataset.owner,
                area,
                catalogue.area_name(area),
                period.start,
                period.label,
                period.due,
            )
            for dataset in catalogue.datasets.values()
            if kind in (None, dataset.period)
            for area in catalogue.areas_of(dataset)
            if not scope.district or area == scope.district
            for period in ended_periods(dataset.period, frames.today)
        ],
        columns=UNIT_COLUMNS[:8],
    )
    states = frames.states[["dataset_id", "area_code", "period", "submitted_at", "state"]]
    units = expected.merge(
        states.assign(period=pd.to_datetime(states["period"]).dt.date),
        on=["dataset_id", "area_code", "period"],
        how="left",
    )
    units["state_label"] = units["state"].map(STATE_LABELS).fillna(STATE_LABELS[None])
    units["timeliness"] = [
        _timeliness(due, state, submitted, frames.today)
        for due, state, submitted in zip(units["due"], units["state"], units["submitted_at"], strict=True)
    ]
    return units[UNIT_COLUMNS]


def rates(units: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per ``by`` (owner or area_name): units expected, on time, late, missing, returned, and the reporting rate
    (reported at all) and timeliness rate (on time) as shares, lowest reporting rate first."""
    due = units[units["timeliness"] != NOT_DUE]
    table = due.groupby(by)["timeliness"].value_counts().unstack(fill_value=0)
    table = table.reindex(columns=[ON_TIME, LATE, MISSING, RETURNED], fill_value=0)
    table.insert(0, "expected", table.sum(axis=1))
    table["reporting_rate"] = (table[ON_TIME] + table[LATE]) / table["expected"]
    table["timely_rate"] = table[ON_TIME] / table["expected"]
    return table.sort_values(["reporting_rate", "expected"], ascending=[True, False]).reset_index()


def due_soon(units: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Units whose report falls due within ``REMINDER_DAYS`` of the reporting date and is not yet submitted."""
    window = units[
        (units["timeliness"] == NOT_DUE)
        & (pd.to_datetime(units["due"]).dt.date <= today + dt.timedelta(days=REMINDER_DAYS))
    ]
    return window.sort_values(["due", "owner", "area_code"]).reset_index(drop=True)


def not_reported(units: pd.DataFrame) -> pd.DataFrame:
    """The 通报 list: in each data set's latest period that is due, the units that have not reported, were returned
    or reported late, worst first."""
    order = {MISSING: 0, RETURNED: 1, LATE: 2}
    due = units[units["timeliness"] != NOT_DUE]
    latest = due[due["period"] == due.groupby("dataset_id")["period"].transform("max")]
    rows = latest[latest["timeliness"].isin(order)]
    return (
        rows.assign(rank=rows["timeliness"].map(order))
        .sort_values(["rank", "owner", "area_code"])
        .drop(columns="rank")
        .reset_index(drop=True)
    )
