"""Fixed facts of the plan (青政发〔2017〕24号) that analytics rely on."""

from __future__ import annotations

import datetime as dt

# Targets without a deadline of their own are judged at the end of the plan period.
DEFAULT_DEADLINE = dt.date(2020, 12, 31)
HOUSEHOLD_STAGE_DEADLINE = dt.date(2016, 12, 31)  # all registered households and persons exit
PLACE_STAGE_DEADLINE = dt.date(2017, 12, 31)  # all villages and weak towns exit
# The plan's 八项工程 of a poor (weak) village, as flags of ``village_indicator`` (due end-2018).
VILLAGE_EIGHT_PROJECTS = (
    "proj_road",
    "proj_drinking_water",
    "proj_electricity",
    "proj_culture_square",
    "proj_lighting",
    "proj_irrigation",
    "proj_office",
    "proj_service",
)


def all_projects_done(alias: str, columns: tuple[str, ...] = VILLAGE_EIGHT_PROJECTS) -> str:
    """SQL: every project flag of the row ``alias`` is true."""
    return " AND ".join(f"{alias}.{c}" for c in columns)
