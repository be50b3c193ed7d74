"""Designated villages and weak towns: how many there are in a scope and how many have exited by a month."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.scope import GROUP_SQL, PLACE_FILTER_SQL, TOWN_FILTER_SQL, Scope
from analytics.sql import execute

PLACE_COLUMNS = (
    "provincial_villages_total",
    "provincial_villages_exited",
    "weak_villages_total",
    "weak_villages_exited",
    "weak_towns_total",
    "weak_towns_exited",
)

_PLACES_SQL = """
WITH villages AS (
    SELECT {group} AS area_code,
           count(*) FILTER (v.designation = 'provincial_poor') AS provincial_villages_total,
           count(*) FILTER (v.designation = 'provincial_poor'
               AND v.exit_month <= CAST($at AS DATE)) AS provincial_villages_exited,
           count(*) FILTER (v.designation = 'municipal_weak') AS weak_villages_total,
           count(*) FILTER (v.designation = 'municipal_weak'
               AND v.exit_month <= CAST($at AS DATE)) AS weak_villages_exited
    FROM village v JOIN town t USING (town_code)
    WHERE v.designation IS NOT NULL AND {filter}
    GROUP BY ALL
),
-- Weak towns count at town level and above (a village scope or grouping holds none).
towns AS (
    SELECT {town_group} AS area_code,
           count(*) AS weak_towns_total,
           count(*) FILTER (t.exit_month <= CAST($at AS DATE)) AS weak_towns_exited
    FROM town t
    WHERE t.is_weak_town AND CAST($village AS VARCHAR) IS NULL AND {town_filter}
    GROUP BY ALL
)
SELECT area_code, {columns}
FROM villages FULL JOIN towns USING (area_code)
ORDER BY area_code
"""


def place_progress(
    con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = None, at: dt.date | None = None
) -> pd.DataFrame:
    """Totals and exits by ``at`` (default ``scope.as_of``) per area; areas without designated places are absent."""
    params = {"district": scope.district, "town": scope.town, "village": scope.village, "at": at or scope.as_of}
    sql = _PLACES_SQL.format(
        group=GROUP_SQL[group],
        filter=PLACE_FILTER_SQL,
        town_filter=TOWN_FILTER_SQL + (" AND false" if group == "village" else ""),
        town_group="NULL" if group == "village" else GROUP_SQL[group],
        columns=", ".join(f"CAST(coalesce({c}, 0) AS BIGINT) AS {c}" for c in PLACE_COLUMNS),
    )
    return execute(con, sql, params).df()


def scope_places(con: duckdb.DuckDBPyConnection, scope: Scope, at: dt.date | None = None) -> pd.Series:
    """The place figures of the whole scope (zeros when it has none)."""
    frame = place_progress(con, scope, None, at)
    if frame.empty:
        return pd.Series(0, index=list(PLACE_COLUMNS), dtype="int64")
    return frame[list(PLACE_COLUMNS)].sum().astype("int64")


def weak_towns(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The weak towns in scope with their paired strong district and exit status at the month."""
    sql = f"""
    SELECT t.town_code, t.name, t.district_code, p.name AS pairing_district,
           t.exit_month IS NOT NULL AND t.exit_month <= CAST($at AS DATE) AS exited
    FROM town t LEFT JOIN district p ON p.district_code = t.pairing_district_code
    WHERE t.is_weak_town AND {TOWN_FILTER_SQL} ORDER BY t.town_code
    """
    return execute(con, sql, {**scope.sql_params(), "at": scope.as_of}).df()
