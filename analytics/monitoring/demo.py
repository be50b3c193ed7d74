"""The synthetic monitoring-case history of a synthetic roster (``python -m cases demo``): red flags per month from
the rules, the 风险消除 conditions from the roster, the demo accounts as staff — written by ``cases.demo``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from analytics.dataset import dataset_info
from analytics.monitoring.figures import case_household
from analytics.monitoring.rules import flagged_households
from analytics.scope import Scope
from cases.demo import FIRST_MONTH, Flag, write_demo_cases
from cases.store import CaseStore
from cases.workflow import Household, Staff
from storage.months import add_months, months_between

DEMO_CLOCK_DAYS = 5  # the demo's working day: 5 days after the as-of month ends (as for the sector reports)


def red_flags(con: duckdb.DuckDBPyConnection, first: dt.date, last: dt.date) -> dict[dt.date, list[Flag]]:
    """The red-flagged households of each month."""
    flags = {}
    for month in months_between(first, last):
        red = flagged_households(con, Scope(month)).query("tier == '红'")
        rows = red[["household_id", "town_code", "reasons"]].assign(near_poor=red["near_poor"].astype(bool))
        flags[month] = list(rows.itertuples(index=False, name=None))
    return flags


def household_at(con: duckdb.DuckDBPyConnection, household_id: str, day: dt.date) -> Household:
    """What the 风险消除 conditions read for a household (or a 边缘户) at a day (the roster at that day's month)."""
    town = con.execute(
        """SELECT v.town_code FROM village v
           JOIN (SELECT village_code FROM household WHERE household_id = $h
                 UNION ALL SELECT village_code FROM near_poor_household WHERE near_poor_id = $h)
           USING (village_code)""",
        {"h": household_id},
    ).fetchone()
    month = min(day.replace(day=1), dataset_info(con).as_of)
    return case_household(con, Scope(month), household_id, town[0] if town else "")


def staff_names(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Staff, Staff]]:
    """Each town's monitor and its district's reviewer (the demo accounts where there are some)."""
    rows = con.execute("SELECT t.town_code, t.name, d.name FROM town t JOIN district d USING (district_code)")
    staff = {}
    for town, town_name, district_name in rows.fetchall():
        monitor = "demo_monitor_liaolan" if town == "370283108" else f"{town_name}监测专干"
        reviewer = "demo_review_pingdu" if town.startswith("370283") else f"{district_name}审核员"
        staff[town] = (Staff(monitor, "monitor", town), Staff(reviewer, "reviewer", town[:6]))
    return staff


def demo_cases(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Replace the cases file ``path`` by the synthetic history of the roster ``con``; returns the steps written."""
    info = dataset_info(con)
    path.unlink(missing_ok=True)
    today = add_months(info.as_of, 1) + dt.timedelta(days=DEMO_CLOCK_DAYS - 1)
    staff = staff_names(con)
    return write_demo_cases(
        CaseStore(path),
        red_flags(con, FIRST_MONTH, info.as_of),
        lambda household_id, day: household_at(con, household_id, day),
        staff.__getitem__,
        today,
    )
