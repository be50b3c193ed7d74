"""The dataset summary: registered and remaining poor by district, designated villages and weak towns."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.dynamics import poor_stock
from analytics.places import place_progress
from analytics.plan import BASELINE
from analytics.scope import CITY_CODE, CITY_NAME, Scope, area_names

COUNT_COLUMNS = (
    "baseline_households", "baseline_persons", "poor_households", "poor_persons",
    "provincial_villages", "municipal_villages", "villages_exited", "weak_towns",
)


def district_summary(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The whole city at ``scope.as_of``: one row per district plus a city total row (code 370200).

    Districts with nothing to count are left out.
    """
    stock = poor_stock(con, Scope(scope.as_of), "district", BASELINE, scope.as_of)
    month = stock["month"].dt.date
    baseline = stock[month == BASELINE].set_index("area_code")[["households", "persons"]]
    current = stock[month == scope.as_of].set_index("area_code")[["households", "persons"]]
    city = Scope(scope.as_of)
    places = place_progress(con, city, "district").set_index("area_code")
    places = pd.DataFrame({
        "provincial_villages": places["provincial_villages_total"], "municipal_villages": places["weak_villages_total"],
        "villages_exited": places["provincial_villages_exited"] + places["weak_villages_exited"], "weak_towns": places["weak_towns_total"],
    })
    names = pd.Series(area_names(con, "district"), name="district_name")
    table = pd.DataFrame(names).join(places).join(baseline.add_prefix("baseline_")).join(current.rename(columns=lambda c: f"poor_{c}"))
    table = table.fillna(0)
    table = table[(table[list(COUNT_COLUMNS)] > 0).any(axis=1)].sort_index()
    total = table[list(COUNT_COLUMNS)].sum().to_frame(CITY_CODE).T.assign(district_name=CITY_NAME)
    table = pd.concat([table, total]).astype({c: "int64" for c in COUNT_COLUMNS})
    table.index.name = "district_code"
    return table.reset_index()[["district_code", "district_name", *COUNT_COLUMNS]]
