"""Status over time, derived from ``status_event`` only (the definitions every page uses).

* A household's status at month M is its last household event (``person_id IS NULL``) with
  ``event_month <= M``, events of one month ordered by ``event_id``. ``identified``, ``new`` and
  ``returned`` mean *poor*; ``exited`` and ``removed`` mean *not poor*.
* A person is a member at M when ``joined_month`` is NULL or <= M and no ``removed`` person event is
  <= M; poor at M when a member of a household that is poor at M.
* Registered at baseline: poor at the end of 2015-12. Registered cumulative: baseline + 新识别 to M.
* Exited (脱贫) at M: the last ``exited``/``returned`` event up to M is ``exited`` (a later natural
  decrease does not undo an exit); its persons are the members in the month of that exit.
* Active at M: registered by M and not removed; covered: active with a measure started by M.
* Remaining poor (现存贫困) at M: poor at M. Returned (返贫), new (新识别) and removed (自然减少, of a
  household poor until then) count events after the baseline up to M.
* Flows in M and the identity 期初 + 新识别 + 返贫 + 自然增加 − 脱贫 − 自然减少 = 期末: new = ``new`` (and
  ``identified`` after the baseline) plus, for persons, members joining a poor household; born (自然增加,
  persons only) = members joining a poor household within ``BORN_WITHIN_MONTHS`` of their birth date (a birth,
  not a 新识别 person); returned = ``returned``; exited = ``exited``; removed = ``removed`` of a poor household
  plus, for persons, members leaving a poor household. A household event counts the members at the end of M.
  Contradictory events (an exit of a household already exited, a member change in the month of a
  status change) break the identity; :func:`stock_flow_breaks` lists where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from analytics.cube_switch import from_cube, months_from_cube
from analytics.scope import (
    CUBE_FILTER_SQL,
    CUBE_GROUP_SQL,
    GROUP_SQL,
    HOUSEHOLD_FILTER_SQL,
    Scope,
)
from analytics.sql import execute
from storage.months import BASELINE

POOR = "('identified', 'new', 'returned')"
OPEN_END = "DATE '9999-12-01'"  # the month a span that has not ended ends
FLOW_COLUMNS = ("new", "returned", "born", "exited", "removed")
INFLOWS, OUTFLOWS = ("new", "returned", "born"), ("exited", "removed")
BORN_WITHIN_MONTHS = 12  # a member who joins this soon after being born is a birth (自然增加)

_PREFIX = """
WITH area AS (
    SELECT h.household_id, {group} AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE {filter}
),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, {open_end}) AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), {open_end}) AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
"""

_MONTHLY = f""",
months AS (
    SELECT CAST(unnest(generate_series(CAST($first AS DATE), CAST($last AS DATE), INTERVAL 1 MONTH)) AS DATE) AS month
),
poor_household_month AS (
    SELECT m.month, ev.household_id
    FROM months m JOIN ev ON ev.event_month <= m.month AND m.month < ev.next_month
    WHERE ev.event_type IN {POOR}
),
household_stock AS (
    SELECT month, area_code, count(*) AS households FROM poor_household_month JOIN area USING (household_id)
        GROUP BY ALL
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
           CASE WHEN ev.event_type IN ('new', 'identified') AND ev.event_month > CAST($baseline AS DATE) THEN 'new'
                WHEN ev.event_type = 'removed' AND ev.prev_type IN {POOR} THEN 'removed'
                WHEN ev.event_type IN ('returned', 'exited') THEN ev.event_type END AS flow,
           (SELECT count(*) FROM members p
             WHERE p.household_id = ev.household_id AND p.joined <= ev.event_month
                 AND ev.event_month < p.left_month) AS persons
    FROM ev WHERE ev.event_month BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
),
member_flows AS (
    SELECT e.household_id, e.event_month AS month,
           CASE WHEN e.event_type = 'new'
                     AND p.birth_date > e.event_month - INTERVAL {BORN_WITHIN_MONTHS} MONTH THEN 'born'
                ELSE e.event_type END AS flow,
           1 AS persons
    FROM status_event e JOIN person p USING (person_id)
    JOIN poor_household_month phm ON phm.household_id = e.household_id AND phm.month = e.event_month
    WHERE e.person_id IS NOT NULL AND e.event_month BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
      AND (e.event_type <> 'new'
          OR e.event_month > CAST($baseline AS DATE))  -- members by the baseline are baseline persons
),
flows AS (
    SELECT month, area_code, flow, count(*) AS households, sum(persons) AS persons
    FROM flow_events JOIN area USING (household_id) WHERE flow IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT month, area_code, flow, 0 AS households, sum(persons) AS persons
    FROM member_flows JOIN area USING (household_id) GROUP BY ALL
)
"""

_STATE = f""",
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN {POOR}
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN {POOR} AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN {POOR} AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)
"""

_OUTCOMES = (
    _STATE
    + """
SELECT area_code,
       count(*) FILTER (is_baseline) AS baseline_households,
       coalesce(sum(persons_baseline) FILTER (is_baseline), 0) AS baseline_persons,
       count(*) FILTER (is_baseline OR new_events > 0) AS registered_households,
       count(*) FILTER (at_month IS NOT NULL) AS recorded_households,
       coalesce(sum(new_events), 0) AS new_households,
       count(*) FILTER (is_exited) AS exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited), 0) AS exited_persons,
       count(*) FILTER (is_exited AND is_baseline) AS baseline_exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited AND is_baseline), 0) AS baseline_exited_persons,
       count(*) FILTER (is_poor) AS remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor), 0) AS remaining_persons,
       count(*) FILTER (is_poor AND is_baseline) AS baseline_remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor AND is_baseline), 0) AS baseline_remaining_persons,
       coalesce(sum(returned_events), 0) AS returned_households,
       coalesce(sum(removed_poor), 0) AS removed_households,
       count(*) FILTER (is_active) AS active_households,
       count(*) FILTER (is_active AND has_measure) AS covered_households
FROM sized GROUP BY area_code ORDER BY area_code
"""
)

OUTCOME_COLUMNS = (
    "baseline_households",
    "baseline_persons",
    "registered_households",
    "recorded_households",
    "new_households",
    "exited_households",
    "exited_persons",
    "baseline_exited_households",
    "baseline_exited_persons",
    "remaining_households",
    "remaining_persons",
    "baseline_remaining_households",
    "baseline_remaining_persons",
    "returned_households",
    "removed_households",
    "active_households",
    "covered_households",
)


def events_sql(group: str | None, body: str) -> str:
    """``body`` after the CTEs ``area`` (household → ``group`` code, scope filter), ``ev`` (household events
    with ``seq``, ``next_month``, ``prev_type``) and ``members`` (membership spans); parameters: the scope's."""
    return _PREFIX.format(group=GROUP_SQL[group], filter=HOUSEHOLD_FILTER_SQL, open_end=OPEN_END) + body


def over_events(
    con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None, body: str, **params: object
) -> pd.DataFrame:
    """Run :func:`events_sql` for ``scope``."""
    return execute(con, events_sql(group, body), {**scope.sql_params(), **params}).df()


def household_states(
    con: duckdb.DuckDBPyConnection, scope: Scope, select: str, group: str | None = None, **params: object
) -> pd.DataFrame:
    """Run ``select`` over the CTE ``sized``: one row per household in scope with its status at
    ``scope.as_of`` (``at_month``, ``is_baseline``, ``is_poor``, ``is_exited``, ``is_active``,
    ``has_measure``, ``exit_month``), member counts (``persons_baseline``, ``persons_now``,
    ``persons_at_exit``) and ``area_code``; the CTE ``members`` gives membership spans."""
    return over_events(con, scope, group, _STATE + select, baseline=BASELINE, at=scope.as_of, **params)


def outcomes_by_month(
    con: duckdb.DuckDBPyConnection, scope: Scope, months: Sequence[dt.date], group: str | None = None
) -> pd.DataFrame:
    """One row per month of ``months`` (``month``, a date) and area (``group`` level; None = the whole scope) with
    ``OUTCOME_COLUMNS`` at that month: one query over the cube for the months it answers, one per month over the
    raw tables for the others; areas are those holding a household with any status event."""
    cubed = months_from_cube(con, "cube_outcome", scope, months)
    frames = [
        over_events(con, scope, group, _OUTCOMES, baseline=BASELINE, at=month).assign(month=month)
        for month in months
        if month not in cubed
    ]
    if cubed:
        sql = _CUBE_OUTCOME.format(group=CUBE_GROUP_SQL[group], filter=CUBE_FILTER_SQL)
        frame = execute(con, sql, {**scope.sql_params(), "months": cubed}).df()
        frames.append(frame.assign(month=frame["month"].dt.date))
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return frame[["month", "area_code", *OUTCOME_COLUMNS]].astype({c: "int64" for c in OUTCOME_COLUMNS})


def household_outcomes(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = None) -> pd.DataFrame:
    """One row per area (``group`` level; None = the whole scope) with ``OUTCOME_COLUMNS`` at ``scope.as_of``;
    areas are those holding a household with any status event."""
    return outcomes_by_month(con, scope, [scope.as_of], group).drop(columns="month")


def scope_outcomes(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.Series:
    """The outcome figures of the whole scope (zeros when it holds no household)."""
    frame = household_outcomes(con, scope)
    if frame.empty:
        return pd.Series(0, index=list(OUTCOME_COLUMNS), dtype="int64")
    return frame.iloc[0][list(OUTCOME_COLUMNS)].astype("int64")


_CUBE_STOCK = """
SELECT c.month, {group} AS area_code, sum(c.remaining_households) AS households, sum(c.remaining_persons) AS persons
FROM cube_outcome c
WHERE {filter} AND c.month BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
GROUP BY ALL HAVING sum(c.remaining_households) > 0 OR sum(c.remaining_persons) > 0 ORDER BY 1, 2
"""
_CUBE_FLOW = """
SELECT c.month, {group} AS area_code, c.unit, sum(c.new) AS new, sum(c.returned) AS returned,
       sum(c.born) AS born, sum(c.exited) AS exited, sum(c.removed) AS removed
FROM cube_flow c
WHERE {filter} AND c.month BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
GROUP BY ALL ORDER BY 1, 2, 3
"""

_CUBE_OUTCOME = (
    """
SELECT c.month, {group} AS area_code, """
    + ", ".join(f"CAST(sum(c.{c}) AS BIGINT) AS {c}" for c in OUTCOME_COLUMNS)
    + """
FROM cube_outcome c
WHERE {filter} AND list_contains(CAST($months AS DATE[]), c.month)
GROUP BY ALL HAVING count(*) > 0 ORDER BY c.month, area_code
"""
)


def _from_cube(
    con: duckdb.DuckDBPyConnection, sql: str, scope: Scope, group: str | None, first: dt.date, last: dt.date
) -> pd.DataFrame:
    frame = execute(
        con,
        sql.format(group=CUBE_GROUP_SQL[group], filter=CUBE_FILTER_SQL),
        {**scope.sql_params(), "first": first, "last": last},
    ).df()
    return frame.astype({"month": "datetime64[us]"})


def poor_stock(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    group: str | None,
    first: dt.date,
    last: dt.date,
) -> pd.DataFrame:
    """Poor households and persons at the end of each month ``first`` .. ``last``, by area (missing = 0)."""
    if from_cube(con, "cube_outcome", scope, first, last):
        frame = _from_cube(con, _CUBE_STOCK, scope, group, first, last)
    else:
        frame = over_events(
            con,
            scope,
            group,
            _MONTHLY + "SELECT coalesce(h.month, p.month) AS month, coalesce(h.area_code, p.area_code) AS area_code, "
            "coalesce(h.households, 0) AS households, coalesce(p.persons, 0) AS persons "
            "FROM household_stock h FULL JOIN person_stock p USING (month, area_code) ORDER BY 1, 2",
            first=first,
            last=last,
            baseline=BASELINE,
        )
    return frame.astype({"households": "int64", "persons": "int64"})


def monthly_flows(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    group: str | None,
    first: dt.date,
    last: dt.date,
) -> pd.DataFrame:
    """Flows per month and area, one row per (month, area, unit) with columns ``FLOW_COLUMNS``."""
    if from_cube(con, "cube_flow", scope, first, last):
        frame = _from_cube(con, _CUBE_FLOW, scope, group, first, last)
        return frame.astype({"unit": "str", **{c: "int64" for c in FLOW_COLUMNS}})
    raw = over_events(con, scope, group, _MONTHLY + "SELECT * FROM flows", first=first, last=last, baseline=BASELINE)
    long = raw.melt(
        id_vars=["month", "area_code", "flow"],
        value_vars=["households", "persons"],
        var_name="unit",
        value_name="count",
    )
    wide = long.pivot_table(
        index=["month", "area_code", "unit"], columns="flow", values="count", aggfunc="sum", fill_value=0
    )
    return (
        wide.reindex(columns=list(FLOW_COLUMNS), fill_value=0).astype("int64").rename_axis(columns=None).reset_index()
    )


def stock_flow_table(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = "district") -> pd.DataFrame:
    """期初, flows, 期末, the 期末 the flows imply (``expected``) and ``difference`` (期末 − expected), for every
    month from 2016-01 to ``scope.as_of``, by area and unit."""
    stock = poor_stock(con, scope, group, BASELINE, scope.as_of).melt(
        id_vars=["month", "area_code"], var_name="unit", value_name="closing"
    )
    months = pd.DataFrame({"month": pd.date_range(BASELINE, scope.as_of, freq="MS").astype(stock["month"].dtype)})
    grid = months.merge(stock[["area_code", "unit"]].drop_duplicates(), how="cross")
    table = grid.merge(stock, on=["month", "area_code", "unit"], how="left").fillna({"closing": 0})
    table = table.sort_values(["area_code", "unit", "month"], ignore_index=True)
    table["opening"] = table.groupby(["area_code", "unit"])["closing"].shift(1)
    table = table[table["month"] > pd.Timestamp(BASELINE)]
    flows = monthly_flows(con, scope, group, BASELINE, scope.as_of)
    flows = flows[flows["month"] > pd.Timestamp(BASELINE)]
    table = table.merge(flows, on=["month", "area_code", "unit"], how="left").fillna({c: 0 for c in FLOW_COLUMNS})
    columns = ["month", "area_code", "unit", "opening", *FLOW_COLUMNS, "closing"]
    table = table[columns].astype({c: "int64" for c in ("opening", *FLOW_COLUMNS, "closing")}).reset_index(drop=True)
    table["expected"] = table["opening"] + net_flow(table)
    table["difference"] = table["closing"] - table["expected"]
    return table


def net_flow(flows: Any) -> Any:
    """新识别 + 返贫 + 自然增加 − 脱贫 − 自然减少 of ``flows`` (a frame, a row or a mapping of the ``FLOW_COLUMNS``)."""
    return sum(flows[c] for c in INFLOWS) - sum(flows[c] for c in OUTFLOWS)


def stock_flow_breaks(con: duckdb.DuckDBPyConnection, scope: Scope, group: str | None = "district") -> pd.DataFrame:
    """Rows of :func:`stock_flow_table` where 期初 + 新识别 + 返贫 + 自然增加 − 脱贫 − 自然减少 ≠ 期末."""
    table = stock_flow_table(con, scope, group)
    return table[table["difference"] != 0].reset_index(drop=True)


STATUS_LABELS = {
    None: "未纳入",
    "identified": "贫困",
    "new": "贫困",
    "returned": "返贫",
    "exited": "已脱贫",
    "removed": "自然减少",
}
_TRANSITIONS = """
SELECT a.status_a, a.status_b, count(*) AS households FROM (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($first AS DATE)) AS status_a,
           arg_max(event_type, seq) FILTER (event_month <= CAST($second AS DATE)) AS status_b
    FROM ev GROUP BY household_id
) a GROUP BY ALL
"""


_CUBE_TRANSITIONS = f"""
SELECT nullif(c.status_from, '') AS status_a, nullif(c.status_to, '') AS status_b, sum(c.households) AS households
FROM cube_transition c
WHERE {CUBE_FILTER_SQL} AND c.month = CAST($second AS DATE)
GROUP BY ALL
"""


def status_transitions(con: duckdb.DuckDBPyConnection, scope: Scope, first: dt.date, second: dt.date) -> pd.DataFrame:
    """Households by status at ``first`` and at ``second`` (labels: 未纳入 贫困 返贫 已脱贫 自然减少); from the
    baseline, ``cube_transition`` answers."""
    if first == BASELINE and from_cube(con, "cube_transition", scope, first, second):
        raw = execute(con, _CUBE_TRANSITIONS, {**scope.sql_params(), "second": second}).df()
    else:
        raw = over_events(con, scope, None, _TRANSITIONS, first=first, second=second)
    raw["from_status"] = raw["status_a"].map(lambda s: STATUS_LABELS[s if isinstance(s, str) else None])
    raw["to_status"] = raw["status_b"].map(lambda s: STATUS_LABELS[s if isinstance(s, str) else None])
    table = raw.groupby(["from_status", "to_status"], as_index=False)["households"].sum()
    return table.astype({"households": "int64"}).sort_values(["from_status", "to_status"], ignore_index=True)
