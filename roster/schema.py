"""Create the roster schema from ``schema.sql`` and write tables in dependency order."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

SCHEMA_SQL = Path(__file__).with_name("schema.sql")

# Parents before children, so foreign keys resolve while loading.
TABLE_ORDER: tuple[str, ...] = (
    "district",
    "town",
    "village",
    "household",
    "person",
    "status_event",
    "household_change",
    "measure_type",
    "measure",
    "village_indicator",
    "town_indicator",
    "income",
    "poverty_line",
    "monitoring_threshold",
    "warning_rule",
    "near_poor_household",
    "near_poor_person",
    "near_poor_income",
    "warning_clue",
    "plan_target",
    "target_registry",
    "dataset_meta",
    "dataset_fault",
    "snapshot_file",
    "cube_outcome",
    "cube_coverage",
    "cube_profile",
    "cube_person",
    "cube_measure_count",
    "cube_transition",
    "cube_goal",
    "cube_quality",
    "cube_figure",
    "cube_flag",
    "cube_risk",
    "cube_flow",
    "cube_built",
)


@cache
def project_flags(table: str) -> tuple[str, ...]:
    """The ``proj_`` flag columns of ``village_indicator`` (the 八项工程) or ``town_indicator`` (the 六项工程), in
    the order ``schema.sql`` declares them."""
    body = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", SCHEMA_SQL.read_text(encoding="utf-8"), re.S)
    if body is None:
        raise KeyError(table)
    return tuple(re.findall(r"^\s+(proj_\w+)\s+BOOLEAN", body.group(1), re.M))


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table of the roster database."""
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` to ``table``, matching columns by name."""
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    con.register("_frame", frame)
    try:
        con.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM _frame')
    finally:
        con.unregister("_frame")
