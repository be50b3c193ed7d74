"""Figures of the monitoring cases (the frame of ``cases.store.CaseStore.cases``), for a scope's area at a day:
households under monitoring by object type and state, cases opened and closed per month, median days from clue
to decision, overdue cases and the share of monitored households with an assistance measure.

Also the facts the 风险消除 conditions read from the roster and the clues (``household_facts``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics.monitoring.rules import rule_hits
from analytics.scope import Scope
from analytics.sql import execute
from cases.workflow import OBJECT_TYPES, OPEN_STATES, STABLE_MONTHS, STATE_LABELS, Household
from storage.months import add_months

LOOKBACK_MONTHS = STABLE_MONTHS


@dataclass(frozen=True)
class CaseFigures:
    """The headline figures of the cases in an area at a day."""

    open_cases: int  # not yet decided
    overdue: int  # of those, past their decision day
    monitored: int  # households under monitoring (纳入监测, not yet eliminated)
    with_measure: int  # of those, with at least one assigned measure
    eliminated: int
    rejected: int
    median_days_to_decision: float | None  # clue taken up → 区市审定, decided cases

    @property
    def measure_share(self) -> float | None:
        return self.with_measure / self.monitored if self.monitored else None


def in_area(cases: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The cases of households in the scope's area (by the town the case was opened in)."""
    code = scope.town or scope.district
    return cases if code is None else cases[cases["town_code"].str.startswith(code)]


def case_figures(cases: pd.DataFrame, measures: pd.DataFrame, scope: Scope, today: dt.date) -> CaseFigures:
    """Headline figures of the cases in ``scope``'s area as of ``today``."""
    own = in_area(cases, scope)
    pending = own[own["state"].isin(OPEN_STATES)]
    monitored = own[own["state"] == "monitored"]
    decided = own.dropna(subset=["decided"])
    days = (pd.to_datetime(decided["decided"]) - pd.to_datetime(decided["opened"])).dt.days
    return CaseFigures(
        open_cases=len(pending),
        overdue=int((pd.to_datetime(pending["deadline"]) < pd.Timestamp(today)).sum()),
        monitored=len(monitored),
        with_measure=int(monitored["case_id"].isin(measures["case_id"]).sum()),
        eliminated=int((own["state"] == "eliminated").sum()),
        rejected=int((own["state"] == "rejected").sum()),
        median_days_to_decision=float(days.median()) if len(days) else None,
    )


def monitored_by_type_and_state(cases: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Cases per object type (rows, in the workflow's order; 未定 before the decision) and state (columns, in the
    workflow's order)."""
    own = in_area(cases, scope)
    table = pd.crosstab(own["object_type"].fillna("未定"), own["state"]).rename_axis(index=None, columns=None)
    rows = [t for t in (*OBJECT_TYPES, "未定") if t in table.index]
    return table.loc[rows, [s for s in STATE_LABELS if s in table.columns]]


def cases_by_urgency(cases: pd.DataFrame, scope: Scope, today: dt.date) -> pd.DataFrame:
    """The area's cases for a worklist: overdue first (most days late first), then the other undecided ones by
    their decision day, then those under monitoring, then the closed ones, newest first; with ``days_overdue``."""
    own = in_area(cases, scope)
    deadline = pd.to_datetime(own["deadline"])
    pending = own["state"].isin(OPEN_STATES)
    late = pending & (deadline < pd.Timestamp(today))
    rank = np.select([late, pending, own["state"] == "monitored"], [0, 1, 2], 3)
    ordered = own.assign(
        days_overdue=np.where(late, (pd.Timestamp(today) - deadline).dt.days, 0),
        _rank=rank,
        _deadline=np.where(pending, deadline.astype("int64"), -own["case_id"]),
    )
    return ordered.sort_values(["_rank", "days_overdue", "_deadline"], ascending=[True, False, True]).drop(
        columns=["_rank", "_deadline"]
    )


def opened_and_closed_by_month(cases: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Cases opened and closed per month (month's first day)."""
    own = in_area(cases, scope)
    opened = pd.to_datetime(own["opened"]).dt.to_period("M").value_counts()
    closed = pd.to_datetime(own["closed"].dropna()).dt.to_period("M").value_counts()
    frame = pd.DataFrame({"opened": opened, "closed": closed}).fillna(0).astype("int64").sort_index()
    frame.index = frame.index.to_timestamp()
    return frame.rename_axis("month").reset_index()


def overdue_cases(cases: pd.DataFrame, scope: Scope, today: dt.date) -> pd.DataFrame:
    """Undecided cases past their decision day, most overdue first, with ``days_overdue``."""
    own = in_area(cases, scope)
    late = own[own["state"].isin(OPEN_STATES) & (pd.to_datetime(own["deadline"]) < pd.Timestamp(today))]
    late = late.assign(days_overdue=(pd.Timestamp(today) - pd.to_datetime(late["deadline"])).dt.days)
    return late.sort_values(["days_overdue", "case_id"], ascending=[False, True])


_FACTS = """
WITH watched AS (
    SELECT household_id, village_code, FALSE AS near_poor FROM household WHERE household_id = $household
    UNION ALL
    SELECT near_poor_id, village_code, TRUE FROM near_poor_household WHERE near_poor_id = $household
),
incomes AS (
    SELECT household_id, year, per_capita_income_yuan FROM income WHERE household_id = $household
    UNION ALL
    SELECT near_poor_id, year, per_capita_income_yuan FROM near_poor_income WHERE near_poor_id = $household
),
members AS (
    SELECT household_id, labor_ability, birth_date FROM person WHERE household_id = $household
    UNION ALL
    SELECT near_poor_id, labor_ability, birth_date FROM near_poor_person WHERE near_poor_id = $household
)
SELECT t.district_code, v.town_code, w.village_code,
       coalesce((SELECT i.per_capita_income_yuan >= mt.income_yuan
                 FROM incomes i JOIN monitoring_threshold mt ON mt.year = i.year
                 WHERE i.year = year(CAST($at AS DATE)) - 1), FALSE) AS income_above_line,
       EXISTS (SELECT 1 FROM members p
               WHERE p.labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力')
                 AND p.birth_date > CAST($at AS DATE) - INTERVAL 60 YEAR
                 AND p.birth_date <= CAST($at AS DATE) - INTERVAL 16 YEAR) AS has_working_age_labour
FROM watched w JOIN village v ON v.village_code = w.village_code JOIN town t ON t.town_code = v.town_code
"""


@dataclass(frozen=True)
class HouseholdFacts:
    income_above_line: bool
    months_without_warning: int  # up to LOOKBACK_MONTHS
    has_working_age_labour: bool


def household_facts(con: duckdb.DuckDBPyConnection, scope: Scope, household_id: str) -> HouseholdFacts | None:
    """What the roster (or the 边缘户 list, for a near-poor id) and the clues say about a household at the scope's
    month (None: on neither)."""
    row = execute(con, _FACTS, {"at": scope.as_of, "household": household_id}).fetchone()
    if row is None:
        return None
    district, town, village, income_ok, labour = row
    quiet = 0
    village_scope = Scope(scope.as_of, district, town, village, limit=scope.limit)
    while quiet < LOOKBACK_MONTHS:
        month = add_months(scope.as_of, -quiet)
        if (rule_hits(con, village_scope.at(month))["household_id"] == household_id).any():
            break
        quiet += 1
    return HouseholdFacts(bool(income_ok), quiet, bool(labour))


def case_household(con: duckdb.DuckDBPyConnection, scope: Scope, household_id: str, town_code: str) -> Household:
    """A household as the case workflow's conditions read it at the scope's month (no facts: none hold)."""
    facts = household_facts(con, scope, household_id)
    return Household(
        household_id,
        town_code,
        income_above_line=bool(facts and facts.income_above_line),
        months_without_warning=facts.months_without_warning if facts else 0,
        has_working_age_labour=bool(facts and facts.has_working_age_labour),
    )


def measure_choices(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every assistance measure of the plan catalogue a case can be given: code → 类别：措施."""
    rows = con.execute("SELECT measure_code, category_zh, measure_zh FROM measure_type ORDER BY ALL").fetchall()
    return {code: f"{category}：{measure}" for code, category, measure in rows}
