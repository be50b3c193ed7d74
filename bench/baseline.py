"""The naive baseline: what a typical Streamlit app does — load the raw tables into pandas and answer
each question with pandas operations. Used only for side-by-side timing; a test checks that it gives
exactly the same answers as ``analytics/`` on a small fixture, so the comparison is fair.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.coverage import MEASURE_GROUPS
from analytics.scope import Scope
from storage.months import BASELINE

POOR = ("identified", "new", "returned")


def load(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The raw tables the baseline questions need, as a pandas app would hold them."""
    frames = {
        t: con.execute(f"SELECT * FROM {t}").df()
        for t in ("household", "village", "town", "status_event", "measure", "person")
    }
    for table, columns in (
        ("status_event", ["event_month"]),
        ("measure", ["start_month"]),
        ("person", ["joined_month"]),
    ):
        for column in columns:
            frames[table][column] = pd.to_datetime(frames[table][column])
    return frames


def _households_in(frames: dict[str, pd.DataFrame], scope: Scope, level: str) -> pd.DataFrame:
    """household_id and area_code (the ``level`` code) of the scope's households."""
    places = frames["village"][["village_code", "town_code"]].merge(
        frames["town"][["town_code", "district_code"]], on="town_code"
    )
    households = frames["household"][["household_id", "village_code"]].merge(places, on="village_code")
    for column, value in (
        ("district_code", scope.district),
        ("town_code", scope.town),
        ("village_code", scope.village),
    ):
        if value:
            households = households[households[column] == value]
    return households.assign(area_code=households[f"{level}_code"])[["household_id", "area_code"]]


def _status_at(frames: dict[str, pd.DataFrame], month: dt.date) -> pd.Series:
    """Each household's last household event up to ``month`` (events of a month ordered by event_id)."""
    events = frames["status_event"]
    events = events[events["person_id"].isna() & (events["event_month"] <= pd.Timestamp(month))]
    return events.sort_values(["event_month", "event_id"]).groupby("household_id")["event_type"].last()


def coverage(frames: dict[str, pd.DataFrame], scope: Scope, level: str, group: str = "any") -> pd.DataFrame:
    """Active households and those with a measure of ``group`` started by the month, per area."""
    households = _households_in(frames, scope, level)
    status = households["household_id"].map(_status_at(frames, scope.as_of))
    active = households[status.notna() & (status != "removed")]
    measures = frames["measure"]
    measures = measures[measures["start_month"] <= pd.Timestamp(scope.as_of)]
    if group != "any":
        measures = measures[measures["category_code"].isin(MEASURE_GROUPS[group][1])]
    covered = active["household_id"].isin(measures["household_id"])
    table = (
        active.assign(covered=covered)
        .groupby("area_code")
        .agg(households=("household_id", "size"), covered=("covered", "sum"))
        .reset_index()
    )
    return table.astype({"households": "int64", "covered": "int64"}).assign(
        coverage=lambda t: t["covered"] / t["households"]
    )


def poor_households_by_month(frames: dict[str, pd.DataFrame], scope: Scope, level: str) -> pd.DataFrame:
    """Poor households at the end of each month from the baseline to the as-of month, per area."""
    households = _households_in(frames, scope, level)
    rows = []
    for month in pd.date_range(BASELINE, scope.as_of, freq="MS"):
        status = households["household_id"].map(_status_at(frames, month.date()))
        poor = households[status.isin(POOR)]
        for area, count in poor.groupby("area_code").size().items():
            rows.append((month, area, count))
    return pd.DataFrame(rows, columns=["month", "area_code", "households"]).astype({"households": "int64"})


def remaining_persons(frames: dict[str, pd.DataFrame], scope: Scope) -> int:
    """Members of households poor at the month (the headline 现存贫困人口)."""
    households = _households_in(frames, scope, "district")
    status = households["household_id"].map(_status_at(frames, scope.as_of))
    poor = set(households.loc[status.isin(POOR), "household_id"])
    persons = frames["person"]
    events = frames["status_event"]
    left = events[
        (events["event_type"] == "removed")
        & events["person_id"].notna()
        & (events["event_month"] <= pd.Timestamp(scope.as_of))
    ]
    joined = persons["joined_month"].isna() | (persons["joined_month"] <= pd.Timestamp(scope.as_of))
    members = persons[joined & ~persons["person_id"].isin(left["person_id"]) & persons["household_id"].isin(poor)]
    return len(members)
