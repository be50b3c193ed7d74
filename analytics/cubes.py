"""Pre-aggregated monthly cubes at village grain: poor stock and flows per village and month.

``build_cubes`` fills ``cube_stock`` and ``cube_flow`` from the raw definitions in
:mod:`analytics.dynamics` (whole city, village level, baseline to the as-of month); the generator and the
snapshot writer call it in the same write as the roster. Stock and flow questions without household
slices are then sums over the cube, joined to villages and towns for the area filter (see
``dynamics.poor_stock`` and ``dynamics.monthly_flows``); a test checks both paths give identical results.
"""

from __future__ import annotations

import duckdb

from analytics import dynamics
from analytics.dataset import dataset_info
from analytics.plan import BASELINE
from analytics.scope import Scope


def build_cubes(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build both cubes of the roster in ``con``."""
    city = Scope(dataset_info(con).as_of)
    stock = dynamics.poor_stock(con, city, "village", BASELINE, city.as_of, use_cube=False)
    flows = dynamics.monthly_flows(con, city, "village", BASELINE, city.as_of, use_cube=False)
    con.execute("DELETE FROM cube_stock")
    con.execute("DELETE FROM cube_flow")
    con.register("_stock", stock.rename(columns={"area_code": "village_code"}))
    con.register("_flow", flows.rename(columns={"area_code": "village_code"}))
    try:
        con.execute("INSERT INTO cube_stock SELECT village_code, CAST(month AS DATE), households, persons FROM _stock")
        con.execute("INSERT INTO cube_flow SELECT village_code, CAST(month AS DATE), unit, new, returned, exited, removed FROM _flow")
    finally:
        con.unregister("_stock")
        con.unregister("_flow")
