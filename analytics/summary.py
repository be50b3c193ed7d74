"""The dataset summary: registered and remaining poor by district, designated villages and weak towns."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.dynamics import poor_stock
from analytics.plan import BASELINE
from analytics.scope import CITY_CODE, CITY_NAME, Scope

_PLACES_SQL = """
SELECT d.district_code, d.name AS district_name,
       count(v.village_code) FILTER (v.designation = 'provincial_poor') AS provincial_villages,
       count(v.village_code) FILTER (v.designation = 'municipal_weak') AS municipal_villages,
       count(v.village_code) FILTER (v.designation IS NOT NULL AND v.exit_month <= $as_of) AS villages_exited,
       (SELECT count(*) FROM town w WHERE w.district_code = d.district_code AND w.is_weak_town) AS weak_towns
FROM district d
LEFT JOIN town t ON t.district_code = d.district_code
LEFT JOIN village v ON v.town_code = t.town_code
GROUP BY ALL
"""

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
    places = con.execute(_PLACES_SQL, {"as_of": scope.as_of}).df().set_index("district_code")
    table = places.join(baseline.add_prefix("baseline_")).join(current.rename(columns=lambda c: f"poor_{c}"))
    table = table.fillna(0)
    table = table[(table[list(COUNT_COLUMNS)] > 0).any(axis=1)].sort_index()
    total = table[list(COUNT_COLUMNS)].sum().to_frame(CITY_CODE).T.assign(district_name=CITY_NAME)
    table = pd.concat([table, total]).astype({c: "int64" for c in COUNT_COLUMNS})
    table.index.name = "district_code"
    return table.reset_index()[["district_code", "district_name", *COUNT_COLUMNS]]
