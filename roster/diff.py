"""Status events from plain monthly exports: compare a snapshot with the previous one.

Every household carries its status at the export month (未脱贫 poor / 已脱贫 exited / 返贫 returned).
Against the previous snapshot:

* a household not seen before → ``identified`` when registered by the baseline, else ``new`` (新识别), and
  ``exited`` at its 脱贫时间 when already exited (``returned`` after it when 返贫);
* a household no longer listed → ``removed`` (自然减少);
* poor → exited → ``exited``; exited → poor or 返贫 → ``returned``;
* a member no longer listed in a continuing household → person ``removed``; a new member → person ``new``;
* a different 贫困户属性, 主要致贫原因 or village (a move) → a ``household_change`` row.

An event is dated in the export month, or in the month its own field gives (首次识别时间, 脱贫时间)
when that falls after the previous snapshot, so quarterly exports keep exact months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

CAUSAL_ORDER = {"identified": 0, "new": 0, "exited": 1, "returned": 2, "removed": 3}
EVENT_COLUMNS = ["household_id", "person_id", "event_month", "event_type"]
CHANGE_FIELDS = ("attribute", "main_cause", "village_code")


@dataclass(frozen=True)
class PreviousState:
    """The previous snapshot as the diff needs it."""

    as_of: dt.date
    households: (
        pd.DataFrame
    )  # household_id, status ('poor' / 'exited' / 'returned' / 'removed'), attribute, main_cause, village_code
    members: pd.DataFrame  # person_id, household_id of members at as_of


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _dated(field: pd.Series, after: dt.date | None, month: dt.date) -> pd.Series:
    """The field's month where it lies after the previous snapshot and by this one, else this month."""
    earliest = _next_month(after) if after else dt.date(1900, 1, 1)
    inside = field.notna() & (field >= earliest) & (field <= month)
    return field.where(inside, month)


def _events(households: pd.Series, month: pd.Series | dt.date, kind: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_id": households.to_numpy(),
            "person_id": None,
            "event_month": month.to_numpy() if isinstance(month, pd.Series) else month,
            "event_type": kind,
        }
    )


def arrival_events(
    households: pd.DataFrame, baseline: dt.date, after: dt.date | None, month: dt.date
) -> list[pd.DataFrame]:
    """Households seen for the first time: registration (``identified`` up to the baseline, else ``new``),
    and the exit (and return) their status and 脱贫时间 show."""
    start = households["identified_month"] if after is None else _dated(households["identified_month"], after, month)
    exit_month = _dated(households["exit_month"], after, month).where(households["exit_month"].notna())
    exited = households["poverty_status"].isin(["exited", "returned"]) & exit_month.notna() & (exit_month >= start)
    returned = exited & (households["poverty_status"] == "returned")
    return [
        _events(households["household_id"], start, "new").assign(
            event_type=(start > baseline).map({True: "new", False: "identified"}).to_numpy()
        ),
        _events(households.loc[exited, "household_id"], exit_month[exited], "exited"),
        _events(households.loc[returned, "household_id"], month, "returned"),
    ]


def first_snapshot_events(households: pd.DataFrame, baseline: dt.date, month: dt.date) -> pd.DataFrame:
    """Events of a first snapshot: every household arrives."""
    return _ordered(arrival_events(households, baseline, None, month))


def snapshot_events(
    previous: PreviousState, households: pd.DataFrame, persons: pd.DataFrame, baseline: dt.date, month: dt.date
) -> pd.DataFrame:
    """Household and member events between the previous snapshot and this one."""
    before = previous.households.set_index("household_id")["status"]
    status = households.set_index("household_id")["poverty_status"]
    was = households["household_id"].map(before)
    fresh = was.isna() | (was == "removed")
    gone = before[(before != "removed") & ~before.index.isin(status.index)].index.to_series()
    exits = ~fresh & (was != "exited") & (households["poverty_status"] == "exited")
    returns = ~fresh & (was == "exited") & households["poverty_status"].isin(["poor", "returned"])
    frames = [
        *arrival_events(households[fresh], baseline, previous.as_of, month),
        _events(
            households.loc[exits, "household_id"],
            _dated(households.loc[exits, "exit_month"], previous.as_of, month),
            "exited",
        ),
        _events(households.loc[returns, "household_id"], month, "returned"),
        _events(gone, month, "removed"),
        *member_events(previous, households.loc[~fresh, "household_id"], persons, month),
    ]
    return _ordered(frames)


def member_events(
    previous: PreviousState, continuing: pd.Series, persons: pd.DataFrame, month: dt.date
) -> list[pd.DataFrame]:
    """Members who left or joined households present in both snapshots."""
    before = previous.members[previous.members["household_id"].isin(continuing)]
    now = persons[persons["household_id"].isin(continuing)]
    left = before[~before["person_id"].isin(now["person_id"])]
    joined = now[~now["person_id"].isin(before["person_id"])]
    return [
        pd.DataFrame(
            {
                "household_id": frame["household_id"].to_numpy(),
                "person_id": frame["person_id"].to_numpy(),
                "event_month": month,
                "event_type": kind,
            }
        )
        for frame, kind in ((left, "removed"), (joined, "new"))
    ]


def attribute_changes(previous: PreviousState, households: pd.DataFrame, month: dt.date) -> pd.DataFrame:
    """(household_id, change_month, field, old_value, new_value) for changed 属性, 致贫原因 and village (a move)."""
    merged = households.merge(previous.households, on="household_id", suffixes=("", "_old"))
    frames = [
        pd.DataFrame(
            {
                "household_id": merged.loc[changed, "household_id"],
                "change_month": month,
                "field": field,
                "old_value": merged.loc[changed, f"{field}_old"],
                "new_value": merged.loc[changed, field],
            }
        )
        for field in CHANGE_FIELDS
        for changed in [merged[field] != merged[f"{field}_old"]]
    ]
    return pd.concat(frames, ignore_index=True)


def _ordered(frames: list[pd.DataFrame]) -> pd.DataFrame:
    events = (
        pd.concat([f for f in frames if len(f)], ignore_index=True)
        if any(len(f) for f in frames)
        else pd.DataFrame(columns=EVENT_COLUMNS)
    )
    events["event_month"] = pd.to_datetime(events["event_month"]).dt.date
    order = events["event_type"].map(CAUSAL_ORDER) + events["person_id"].notna() * 10
    return (
        events.assign(order=order)
        .sort_values(["event_month", "household_id", "order"], kind="stable")
        .drop(columns="order")
        .reset_index(drop=True)[EVENT_COLUMNS]
    )
