"""Household drill-down: the household table of an area and one household's card (personal data masked)."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.dynamics import STATUS_LABELS, household_states
from analytics.scope import Scope
from analytics.sql import execute
from storage.privacy import masked

_TABLE_SQL = """
SELECT h.household_id, v.name AS village_name, h.head_name, h.head_id_number, h.size, h.attribute, h.main_cause,
       s.at_month AS status, h.identified_month, h.helper_name, h.helper_unit,
       (SELECT count(*) FROM measure m WHERE m.household_id = h.household_id
           AND m.start_month <= CAST($at AS DATE)) AS measures
FROM sized s JOIN household h USING (household_id) JOIN village v USING (village_code)
WHERE s.at_month IS NOT NULL
ORDER BY h.household_id
"""


def household_table(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Every household registered by the month in scope, with its status then (masked)."""
    frame = household_states(con, scope, _TABLE_SQL)
    frame["status"] = frame["status"].map(STATUS_LABELS)
    return masked(frame)


def household_card(
    con: duckdb.DuckDBPyConnection, scope: Scope, household_id: str, unmasked: bool = False
) -> dict[str, pd.DataFrame | pd.Series]:
    """One household as of the scope's month: facts, members, measures, status history (masked unless
    ``unmasked``, which the UI allows only to users with the ``pii`` permission, with a reason, audited).

    Raises KeyError when the household is not in the scope (so a URL cannot reach outside it).
    """
    in_scope = household_states(
        con, scope, "SELECT household_id FROM sized WHERE household_id = $household", household=household_id
    )
    if in_scope.empty:
        raise KeyError(f"户 {household_id} 不在所选范围内")
    params = {"household": household_id, "at": scope.as_of}
    facts = execute(
        con,
        """
        SELECT h.household_id, h.head_name, h.head_id_number, h.phone, h.size, h.attribute, h.main_cause,
            h.identification_standard,
               h.identified_month, h.planned_exit_year, h.dilapidated_house, h.helper_name, h.helper_unit,
               v.name AS village_name, t.name AS town_name, d.name AS district_name
        FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
            JOIN district d USING (district_code)
        WHERE h.household_id = $household""",
        params,
    ).df()
    members = execute(
        con,
        """
        SELECT p.person_id, p.name, p.id_number, p.sex, p.birth_date, p.relation, p.health, p.labor_ability,
            p.education,
               p.school_status, p.disability, p.joined_month,
               (SELECT min(e.event_month) FROM status_event e WHERE e.person_id = p.person_id
                   AND e.event_type = 'removed') AS left_month
        FROM person p WHERE p.household_id = $household AND (p.joined_month IS NULL
            OR p.joined_month <= CAST($at AS DATE))
        ORDER BY p.person_id""",
        params,
    ).df()
    measures = execute(
        con,
        """
        SELECT m.start_month, m.end_month, mt.category_zh, mt.measure_zh, p.name, m.amount_yuan, m.funding_source
        FROM measure m JOIN measure_type mt USING (measure_code) LEFT JOIN person p USING (person_id)
        WHERE m.household_id = $household AND m.start_month <= CAST($at AS DATE)
        ORDER BY m.start_month, mt.category_zh""",
        params,
    ).df()
    history = execute(
        con,
        """
        SELECT e.event_month, e.event_type, p.name
        FROM status_event e LEFT JOIN person p USING (person_id)
        WHERE e.household_id = $household AND e.event_month <= CAST($at AS DATE)
        ORDER BY e.event_month, e.event_id""",
        params,
    ).df()
    if not unmasked:
        facts, members, measures, history = (masked(f) for f in (facts, members, measures, history))
    return {"facts": facts.iloc[0], "members": members, "measures": measures, "history": history}
