"""Figures at the as-of month that add up over villages, stored per village in ``cube_figure`` by the cube build:
the gap counts, funds by category, completeness of optional fields, exit-year income bands and helper loads.

Each question has one raw form, ``(con, scope, group) → area_code, key, value`` over the raw tables; the build
stores it per village, and :func:`figure_rows` sums the stored rows over the scope instead of running it. At
another month, with a household slice or in a database without the cube, the raw form runs (``cube_switch``).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from analytics.cube_switch import from_cube
from analytics.scope import CUBE_FILTER_SQL, CUBE_GROUP_SQL, Scope
from analytics.sql import execute

RawFigure = Callable[[duckdb.DuckDBPyConnection, Scope, str | None], pd.DataFrame]

_CUBE_FIGURE = """
SELECT {group} AS area_code, c.key, sum(c.value) AS value
FROM cube_figure c
WHERE {filter} AND c.month = CAST($at AS DATE) AND c.figure = $figure
GROUP BY ALL ORDER BY 1, 2
"""


def figure_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None, figure: str, raw: RawFigure
) -> pd.DataFrame:
    """``area_code, key, value`` of ``figure`` per area of ``group`` (None: the whole scope), from ``cube_figure``
    when it answers, else from ``raw``."""
    if from_cube(con, "cube_figure", scope, scope.as_of, scope.as_of):
        sql = _CUBE_FIGURE.format(group=CUBE_GROUP_SQL[group], filter=CUBE_FILTER_SQL)
        return execute(con, sql, {**scope.sql_params(), "at": scope.as_of, "figure": figure}).df()
    return raw(con, scope, group).sort_values(["area_code", "key"], ignore_index=True)


def long_form(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``area_code, key, value`` from a frame with an ``area_code`` column and one column per key."""
    return frame.melt(id_vars="area_code", value_vars=keys, var_name="key").astype({"value": float})
