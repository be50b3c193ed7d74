"""防返贫预警: the rules of ``warning_rule`` applied to the department clues and the roster at the scope's month.

A rule reads clues of one kind (or last year's income) for the households it applies to — ``exited`` (out of
poverty at the month), ``other`` (registered but not exited, and the 边缘户 not registered by the month) or
``any`` — and triggers on:

- ``event``: any clue of the kind in the last 3 months (the month and the two before);
- ``month``: the amount of one month, any of the last 3, at or above the threshold;
- ``year``: the year-to-date sum at or above the threshold;
- the income kinds: last year's per-capita income below that year's monitoring line (``income_monitoring``)
  or poverty line (``income_poverty``) — last year's, because this year's is known only at its end; only for a
  household already in its status at that year's end (a household that exited this year was poor last year by
  definition, which is no warning).

A household's tier is 红 if a 红 rule triggers, else 黄 if any rule does, else 绿. Only clues up to the month
are read, so the answer for a month never changes when later clues arrive.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.cube_switch import from_cube
from analytics.scope import CUBE_FILTER_SQL, CUBE_GROUP_SQL, GROUP_SQL, PLACE_FILTER_SQL, Scope
from analytics.sql import execute
from storage.db import single
from storage.privacy import masked

WINDOW_MONTHS = 3

_HITS = f"""
WITH watched AS (  -- registered households of the scope at the month, with their status then and since when,
                  -- and the 边缘户 not registered by then (near_poor; household_id holds the 边缘户's id)
    SELECT h.household_id, FALSE AS near_poor, h.village_code, h.head_name, e.event_type = 'exited' AS is_exited,
           e.event_month AS since
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    JOIN status_event e USING (household_id)
    WHERE {PLACE_FILTER_SQL} AND e.person_id IS NULL AND e.event_month <= CAST($at AS DATE)
    QUALIFY row_number() OVER (PARTITION BY h.household_id ORDER BY e.event_month DESC, e.event_id DESC) = 1
        AND e.event_type <> 'removed'
    UNION ALL
    SELECT n.near_poor_id, TRUE, n.village_code, n.head_name, FALSE, NULL
    FROM near_poor_household n JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE {PLACE_FILTER_SQL} AND (n.registered_month IS NULL OR n.registered_month > CAST($at AS DATE))
),
recent AS (  -- clue amounts and counts per household, kind and month: this year and the last months
    SELECT w.household_id, w.near_poor, c.kind, c.month, sum(c.amount_yuan) AS amount, count(*) AS clues,
           c.month > CAST($at AS DATE) - to_months($window) AS in_window
    FROM warning_clue c JOIN watched w
      ON w.household_id = coalesce(c.household_id, c.near_poor_id) AND w.near_poor = (c.near_poor_id IS NOT NULL)
    WHERE c.month <= CAST($at AS DATE)
      AND (c.month > CAST($at AS DATE) - to_months($window) OR year(c.month) = year(CAST($at AS DATE)))
    GROUP BY ALL
),
clue_hits AS (
    SELECT w.household_id, w.near_poor, r.rule_id,
           CASE r.span
               WHEN 'year' THEN sum(m.amount) FILTER (WHERE year(m.month) = year(CAST($at AS DATE)))
               WHEN 'month' THEN max(m.amount) FILTER (WHERE m.in_window)
               ELSE sum(m.clues) FILTER (WHERE m.in_window)
           END AS evidence,
           max(m.month) AS last_month
    FROM watched w JOIN recent m USING (household_id, near_poor) JOIN warning_rule r ON r.kind = m.kind
    WHERE r.applies_to = 'any' OR (r.applies_to = 'exited') = w.is_exited
    GROUP BY w.household_id, w.near_poor, r.rule_id, r.span, r.threshold
    HAVING evidence >= coalesce(r.threshold, 1)
),
incomes AS (  -- last year's income of the roster's households and of the 边缘户
    SELECT household_id, FALSE AS near_poor, year, per_capita_income_yuan FROM income
    WHERE year = year(CAST($at AS DATE)) - 1
    UNION ALL
    SELECT near_poor_id, TRUE, year, per_capita_income_yuan FROM near_poor_income
    WHERE year = year(CAST($at AS DATE)) - 1
),
income_hits AS (  -- (the shipped income rules apply to exited households)
    SELECT w.household_id, w.near_poor, r.rule_id, i.per_capita_income_yuan AS evidence, NULL::DATE AS last_month
    FROM watched w
    JOIN incomes i USING (household_id, near_poor)
    JOIN warning_rule r ON r.kind IN ('income_monitoring', 'income_poverty')
    LEFT JOIN monitoring_threshold mt ON mt.year = i.year
    LEFT JOIN poverty_line pl ON pl.year = i.year
    WHERE (r.applies_to = 'any' OR (r.applies_to = 'exited') = w.is_exited)
      AND coalesce(w.since <= make_date(i.year, 12, 1), TRUE)  -- in that status all through the year's end
      AND i.per_capita_income_yuan < CASE r.kind WHEN 'income_monitoring' THEN mt.income_yuan ELSE pl.yuan END
)
SELECT x.household_id, x.near_poor, w.village_code, w.head_name, x.rule_id, r.tier, r.source_zh, r.label_zh,
       x.evidence, x.last_month
FROM (SELECT * FROM clue_hits UNION ALL SELECT * FROM income_hits) x
JOIN warning_rule r USING (rule_id) JOIN watched w USING (household_id, near_poor)
ORDER BY x.near_poor, x.household_id, r.tier = '红' DESC, x.rule_id
"""


def rule_hits(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """One row per household in scope and rule that triggers at the scope's month: ``household_id`` (a 边缘户's id
    where ``near_poor``), ``near_poor``, ``village_code``, ``head_name`` (not masked: for queries, never shown),
    ``rule_id``, ``tier``, ``source_zh``, ``label_zh``, ``evidence`` (the amount in 元, the clue count, or the
    income) and ``last_month`` (of the latest clue read)."""
    return execute(con, _HITS, _params(scope)).df()


def _params(scope: Scope) -> dict[str, object]:
    return {**scope.sql_params(), "at": scope.as_of, "window": WINDOW_MONTHS}


_FLAGS = f"""
WITH hits AS ({_HITS})
SELECT household_id, near_poor, village_code, head_name, CASE WHEN bool_or(tier = '红') THEN '红' ELSE '黄' END AS tier,
       count(*) AS rules, string_agg(label_zh, '；' ORDER BY tier = '红' DESC, rule_id) AS reasons
FROM hits GROUP BY ALL
"""
_TIERS = f"""
WITH flags AS ({_FLAGS})
SELECT x.household_id, x.near_poor, t.town_code, t.name AS town_name, v.name AS village_name, x.head_name, x.tier,
       x.rules, x.reasons
FROM flags x JOIN village v USING (village_code) JOIN town t USING (town_code)
ORDER BY x.tier = '红' DESC, x.rules DESC, x.near_poor, x.household_id
"""
_STORED_TIERS = f"""
SELECT c.household_id, c.near_poor, c.town_code, t.name AS town_name, v.name AS village_name,
       coalesce(h.head_name, n.head_name) AS head_name, c.tier, c.rules, c.reasons
FROM cube_flag c JOIN village v USING (village_code) JOIN town t ON t.town_code = c.town_code
LEFT JOIN household h ON NOT c.near_poor AND h.household_id = c.household_id
LEFT JOIN near_poor_household n ON c.near_poor AND n.near_poor_id = c.household_id
WHERE {CUBE_FILTER_SQL} AND c.month = CAST($at AS DATE)
ORDER BY c.tier = '红' DESC, c.rules DESC, c.near_poor, c.household_id
"""


def city_flags(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Every flagged household of the city at ``as_of`` (``household_id``, ``near_poor``, ``village_code``,
    ``tier``, ``rules``, ``reasons``): what the cube build stores in ``cube_flag``."""
    return execute(con, _FLAGS, _params(Scope(as_of))).df().drop(columns="head_name")


def flagged_households(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Households in scope with at least one triggered rule, red first: ``household_id``, ``near_poor``, town,
    village, head (masked), ``tier``, number of ``rules`` and the ``reasons`` (labels joined by ；); from
    ``cube_flag`` when it answers."""
    stored = from_cube(con, "cube_flag", scope, scope.as_of, scope.as_of)
    return masked(execute(con, _STORED_TIERS if stored else _TIERS, _params(scope)).df())


_LABELS = f"""
SELECT x.household_id, x.near_poor, t.town_code, t.name AS town_name, v.name AS village_name, x.head_name
FROM (SELECT household_id, FALSE AS near_poor, village_code, head_name FROM household
      WHERE list_contains($households, household_id)
      UNION ALL
      SELECT near_poor_id, TRUE, village_code, head_name FROM near_poor_household
      WHERE list_contains($near_poor, near_poor_id)) x
JOIN village v USING (village_code) JOIN town t USING (town_code)
WHERE {PLACE_FILTER_SQL}
ORDER BY x.near_poor, x.household_id
"""


def household_labels(
    con: duckdb.DuckDBPyConnection, scope: Scope, household_ids: tuple[str, ...], near_poor_ids: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Town, village and head (masked) of the given roster households and 边缘户 that lie in the scope."""
    params = {**scope.sql_params(), "households": list(household_ids), "near_poor": list(near_poor_ids)}
    return masked(execute(con, _LABELS, params).df())


_BY_AREA = """
WITH hits AS ({hits}),
households AS (
    SELECT household_id, near_poor, village_code, bool_or(tier = '红') AS red FROM hits GROUP BY ALL
)
SELECT {group} AS area_code, count(*) AS flagged, count(*) FILTER (WHERE x.red) AS red
FROM households x JOIN village v USING (village_code) JOIN town t USING (town_code)
GROUP BY 1 ORDER BY 1
"""


_STORED_BY_AREA = """
SELECT {group} AS area_code, count(*) AS flagged, count(*) FILTER (WHERE c.tier = '红') AS red
FROM cube_flag c WHERE {filter} AND c.month = CAST($at AS DATE)
GROUP BY 1 ORDER BY 1
"""


def flagged_by_area(con: duckdb.DuckDBPyConnection, scope: Scope, level: str) -> pd.DataFrame:
    """Flagged households per area at ``level`` (district, town or village): ``area_code``, ``flagged`` (红 and
    黄) and ``red``; from ``cube_flag`` when it answers."""
    if from_cube(con, "cube_flag", scope, scope.as_of, scope.as_of):
        sql = _STORED_BY_AREA.format(group=CUBE_GROUP_SQL[level], filter=CUBE_FILTER_SQL)
    else:
        sql = _BY_AREA.format(hits=_HITS, group=GROUP_SQL[level])
    return execute(con, sql, _params(scope)).df().astype({"flagged": "int64", "red": "int64"})


def rule_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many warning rules the database holds."""
    return int(single(con.execute("SELECT count(*) FROM warning_rule")))
