"""Designated villages and weak towns: how many there are in a scope and how many have exited by a month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
WITH months AS (SELECT unnest(CAST($months AS DATE[])) AS month),
villages AS (
    SELECT m.month, {group} AS area_code,
           count(*) FILTER (v.designation = 'provincial_poor') AS provincial_villages_total,
           count(*) FILTER (v.designation = 'provincial_poor'
               AND v.exit_month <= m.month) AS provincial_villages_exited,
           count(*) FILTER (v.designation = 'municipal_weak') AS weak_villages_total,
           count(*) FILTER (v.designation = 'municipal_weak'
               AND v.exit_month <= m.month) AS weak_villages_exited
    FROM months m, village v JOIN town t USING (town_code)
    WHERE v.designation IS NOT NULL AND {filter}
    GROUP BY ALL
),
-- Weak towns count at town level and above (a village scope or grouping holds none).
towns AS (
    SELECT m.month, {town_group} AS area_code,
           count(*) AS weak_towns_total,
           count(*) FILTER (t.exit_month <= m.month) AS weak_towns_exited
    FROM months m, town t
    WHERE t.is_weak_town AND CAST($village AS VARCHAR) IS NULL AND {town_filter}
    GROUP BY ALL
)
SELECT month, area_code, {columns}
FROM villages FULL JOIN towns USING (month, area_code)
ORDER BY month, area_code
"""


def places_by_month(
    con: duckdb.DuckDBPyConnection, scope: Scope, months: Sequence[dt.date], group: str | None = None
) -> pd.DataFrame:
    """Totals and exits by each of ``months`` (``month``, a date) per area, in one query; areas without designated
    places are absent."""
    params = {"district": scope.district, "town": scope.town, "village": scope.village, "months": list(months)}
    sql = _PLACES_SQL.format(
        group=GROUP_SQL[group],
        filter=PLACE_FILTER_SQL,
        town_filter=TOWN_FILTER_SQL + (" AND false" if group == "village" else ""),
        town_group="NULL" if group == "village" else GROUP_SQL[group],
        columns=", ".join(f"CAST(coalesce({c}, 0) AS BIGINT) AS {c}" for c in PLACE_COLUMNS),
    )
    frame = execute(con, sql, params).df()
    return frame.assign(month=frame["month"].dt.date)


def place_progress(
    con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = None, at: dt.date | None = None
) -> pd.DataFrame:
    """Totals and exits by ``at`` (default ``scope.as_of``) per area; areas without designated places are absent."""
    return places_by_month(con, scope, [at or scope.as_of], group).drop(columns="month")


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
