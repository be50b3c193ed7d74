"""Status over time, derived from ``status_event`` only.

Definitions (used everywhere in the dashboard):

* A household's status at month M is its last household event (``person_id IS NULL``) with
  ``event_month <= M``, events of one month ordered by ``event_id``. ``identified``, ``new`` and
  ``returned`` mean *poor*; ``exited`` and ``removed`` mean *not poor*.
* A person is a member at M when ``joined_month`` is NULL or <= M and no ``removed`` person event is
  <= M. A person is poor at M when a member of a household that is poor at M.
* Stock (期末 现存贫困) at M: poor households / persons at the end of M. 期初 of M is the stock at M-1.
* Flows in M: 新识别 = ``new`` (and ``identified`` after the baseline) household events, plus for
  persons the members joining a poor household; 返贫 = ``returned``; 脱贫 = ``exited``; 自然减少 =
  ``removed`` of a household that was poor until then, plus for persons members leaving a poor
  household. A household event counts the members of that household at the end of M.
* Identity: 期初 + 新识别 + 返贫 − 脱贫 − 自然减少 = 期末, for every month and area. Events that
  contradict each other (an exit of a household already exited, two status changes in one month
  beside a member change) break it; :func:`stock_flow_breaks` reports where.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

POOR_STATES = ("identified", "new", "returned")
AREA_COLUMNS = {"district": "t.district_code", "town": "v.town_code", "village": "h.village_code"}
FLOW_COLUMNS = ("new", "returned", "exited", "removed")

_BASE_SQL = """
WITH months AS (
    SELECT CAST(unnest(generate_series(CAST($baseline AS DATE), CAST($until AS DATE), INTERVAL 1 MONTH)) AS DATE) AS month
),
area AS (
    SELECT h.household_id, {area} AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
),
ev AS (
    SELECT household_id, event_month, event_type,
           coalesce(lead(event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(event_type) OVER w AS prev_type
    FROM status_event WHERE person_id IS NULL
    WINDOW w AS (PARTITION BY household_id ORDER BY event_month, event_id)
),
poor_household_month AS (
    SELECT m.month, ev.household_id
    FROM months m JOIN ev ON ev.event_month <= m.month AND m.month < ev.next_month
    WHERE ev.event_type IN ('identified', 'new', 'returned')
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p LEFT JOIN status_event e
      ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
),
household_stock AS (
    SELECT month, area_code, count(*) AS households
    FROM poor_household_month JOIN area USING (household_id) GROUP BY ALL
),
person_stock AS (
    SELECT phm.month, a.area_code, count(*) AS persons
    FROM poor_household_month phm
    JOIN members p ON p.household_id = phm.household_id AND p.joined <= phm.month AND phm.month < p.left_month
    JOIN area a ON a.household_id = phm.household_id
    GROUP BY ALL
),
flow_events AS (
    SELECT ev.household_id, ev.event_month AS month,
           CASE WHEN ev.event_type IN ('new', 'identified') THEN 'new'
                WHEN ev.event_type = 'removed' AND ev.prev_type IN ('identified', 'new', 'returned') THEN 'removed'
                WHEN ev.event_type IN ('returned', 'exited') THEN ev.event_type END AS flow,
           (SELECT count(*) FROM members p
             WHERE p.household_id = ev.household_id AND p.joined <= ev.event_month AND ev.event_month < p.left_month) AS persons
    FROM ev WHERE ev.event_month > CAST($baseline AS DATE)
),
member_flows AS (
    SELECT e.household_id, e.event_month AS month, e.event_type AS flow, 1 AS persons
    FROM status_event e
    JOIN poor_household_month phm ON phm.household_id = e.household_id AND phm.month = e.event_month
    WHERE e.person_id IS NOT NULL AND e.event_month > CAST($baseline AS DATE)
),
flows AS (
    SELECT month, area_code, flow, count(*) AS households, sum(persons) AS persons
    FROM flow_events JOIN area USING (household_id) WHERE flow IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT month, area_code, flow, 0 AS households, sum(persons) AS persons
    FROM member_flows JOIN area USING (household_id) GROUP BY ALL
)
"""


def _query(con: duckdb.DuckDBPyConnection, select: str, level: str, baseline: dt.date, until: dt.date) -> pd.DataFrame:
    sql = _BASE_SQL.format(area=AREA_COLUMNS[level]) + select
    return con.execute(sql, {"baseline": baseline, "until": until}).df()


def poor_stock(con: duckdb.DuckDBPyConnection, level: str, baseline: dt.date, until: dt.date) -> pd.DataFrame:
    """Poor households and persons at the end of each month from ``baseline`` to ``until``, by area."""
    frame = _query(
        con,
        "SELECT coalesce(h.month, p.month) AS month, coalesce(h.area_code, p.area_code) AS area_code, "
        "coalesce(h.households, 0) AS households, coalesce(p.persons, 0) AS persons "
        "FROM household_stock h FULL JOIN person_stock p USING (month, area_code) ORDER BY 1, 2",
        level, baseline, until,
    )
    return frame.astype({"households": "int64", "persons": "int64"})


def monthly_flows(con: duckdb.DuckDBPyConnection, level: str, baseline: dt.date, until: dt.date) -> pd.DataFrame:
    """Flows per month and area, one row per (month, area, unit) with columns ``FLOW_COLUMNS``."""
    raw = _query(con, "SELECT * FROM flows WHERE month <= CAST($until AS DATE)", level, baseline, until)
    long = raw.melt(id_vars=["month", "area_code", "flow"], value_vars=["households", "persons"], var_name="unit", value_name="count")
    wide = long.pivot_table(index=["month", "area_code", "unit"], columns="flow", values="count", aggfunc="sum", fill_value=0)
    return wide.reindex(columns=list(FLOW_COLUMNS), fill_value=0).astype("int64").reset_index()


def stock_flow_table(con: duckdb.DuckDBPyConnection, level: str, baseline: dt.date, until: dt.date) -> pd.DataFrame:
    """期初, flows and 期末 per month (after ``baseline``), area and unit (households / persons)."""
    stock = poor_stock(con, level, baseline, until).melt(id_vars=["month", "area_code"], var_name="unit", value_name="closing")
    months = pd.DataFrame({"month": pd.date_range(baseline, until, freq="MS").astype(stock["month"].dtype)})
    areas = stock[["area_code", "unit"]].drop_duplicates()
    grid = months.merge(areas, how="cross")
    table = grid.merge(stock, on=["month", "area_code", "unit"], how="left").fillna({"closing": 0})
    table = table.sort_values(["area_code", "unit", "month"], ignore_index=True)
    table["opening"] = table.groupby(["area_code", "unit"])["closing"].shift(1)
    table = table[table["month"] > pd.Timestamp(baseline)]
    flows = monthly_flows(con, level, baseline, until)
    table = table.merge(flows, on=["month", "area_code", "unit"], how="left").fillna({c: 0 for c in FLOW_COLUMNS})
    columns = ["month", "area_code", "unit", "opening", *FLOW_COLUMNS, "closing"]
    return table[columns].astype({c: "int64" for c in ("opening", *FLOW_COLUMNS, "closing")}).reset_index(drop=True)


def stock_flow_breaks(con: duckdb.DuckDBPyConnection, level: str, baseline: dt.date, until: dt.date) -> pd.DataFrame:
    """Rows of :func:`stock_flow_table` where 期初 + 新识别 + 返贫 − 脱贫 − 自然减少 ≠ 期末."""
    table = stock_flow_table(con, level, baseline, until)
    expected = table["opening"] + table["new"] + table["returned"] - table["exited"] - table["removed"]
    return table.assign(expected=expected)[expected != table["closing"]].reset_index(drop=True)
