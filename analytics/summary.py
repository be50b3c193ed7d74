"""The dataset summary: registered and remaining poor by district, designated villages and weak towns."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.dynamics import poor_stock
from analytics.places import place_progress
from analytics.scope import CHILD_LEVEL, Scope, area_names, scope_label
from storage.months import BASELINE

COUNT_COLUMNS = (
    "baseline_households",
    "baseline_persons",
    "poor_households",
    "poor_persons",
    "provincial_villages",
    "municipal_villages",
    "villages_exited",
    "weak_towns",
)


def summary_area(scope: Scope) -> Scope:
    """The area the summary is about: the scope's city, district or town (a village scope: its town), no slices."""
    return Scope(scope.as_of, scope.district, scope.town, limit=scope.limit)


def district_summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The scope's area at ``scope.as_of`` (:func:`summary_area`): one row per district, town or village below it
    (``area_code``, ``area_name``) plus a total row under the area's code.

    Areas with nothing to count are left out.
    """
    home = summary_area(scope)
    group = CHILD_LEVEL[home.level]
    stock = poor_stock(con, home, group, BASELINE, scope.as_of)
    month = stock["month"].dt.date
    baseline = stock[month == BASELINE].set_index("area_code")[["households", "persons"]]
    current = stock[month == scope.as_of].set_index("area_code")[["households", "persons"]]
    places = place_progress(con, home, group).set_index("area_code")
    places = pd.DataFrame(
        {
            "provincial_villages": places["provincial_villages_total"],
            "municipal_villages": places["weak_villages_total"],
            "villages_exited": places["provincial_villages_exited"] + places["weak_villages_exited"],
            "weak_towns": places["weak_towns_total"],
        }
    )
    names = pd.Series(area_names(con, group, within=home), name="area_name")
    table = (
        pd.DataFrame(names)
        .join(places)
        .join(baseline.add_prefix("baseline_"))
        .join(current.rename(columns=lambda c: f"poor_{c}"))
    )
    table = table.fillna(0)
    table = table[(table[list(COUNT_COLUMNS)] > 0).any(axis=1)].sort_index()
    total = table[list(COUNT_COLUMNS)].sum().to_frame(home.area_code).T.assign(area_name=scope_label(con, home))
    table = pd.concat([table, total]).astype({c: "int64" for c in COUNT_COLUMNS})
    table.index.name = "area_code"
    return table.reset_index()[["area_code", "area_name", *COUNT_COLUMNS]]
