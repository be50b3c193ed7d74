"""The administrative areas in the database: codes under a parent, and who a town answers to."""

from __future__ import annotations

import duckdb
import pandas as pd

_CODES_SQL = {
    "district": "SELECT district_code FROM district ORDER BY 1",
    "town": "SELECT town_code FROM town WHERE district_code = ? ORDER BY 1",
    "village": "SELECT village_code FROM village WHERE town_code = ? ORDER BY 1",
}
_TOWNS_SQL = """
SELECT t.town_code, t.name AS town_name, d.name AS district_name
FROM town t JOIN district d USING (district_code)
ORDER BY t.town_code
"""


def area_codes(con: duckdb.DuckDBPyConnection, level: str, parent: str | None = None) -> list[str]:
    """The codes of ``level`` (district, town, village) in code order; towns and villages under ``parent``."""
    return [row[0] for row in con.execute(_CODES_SQL[level], [] if level == "district" else [parent]).fetchall()]


def towns_with_districts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every town's code and name with its district's name."""
    return con.execute(_TOWNS_SQL).df()
