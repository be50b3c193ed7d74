"""The one write path of monitoring cases: every step goes through ``act``, which refuses with a reason (nothing
written) or writes one step."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from cases.store import CaseStore
from cases.workflow import CLOSED_STATES, Household, Staff, Step, refusal


@dataclass(frozen=True)
class Outcome:
    """What a step did: ``refused`` says why nothing was written; else ``case_id`` is the case it wrote."""

    refused: str = ""
    case_id: int | None = None


def open_case_of(cases: pd.DataFrame, household_id: str) -> pd.Series | None:
    """The household's case that is not closed, if any."""
    own = cases[(cases["household_id"] == household_id) & ~cases["state"].isin(CLOSED_STATES)]
    return None if own.empty else own.iloc[0]


def with_case_facts(household: Household, case: pd.Series | None, measures: pd.DataFrame) -> Household:
    """``household`` with what the case itself knows: since when it is monitored and how many measures it has."""
    if case is None:
        return household
    decided = case["decided"]
    count = int((measures["case_id"] == case["case_id"]).sum())
    return replace(household, monitored_from=None if pd.isna(decided) else pd.Timestamp(decided).date(), measures=count)


def act(store: CaseStore, staff: Staff, step: Step, household: Household, reason: str = "") -> Outcome:
    """Take ``step`` on the household's open case (``open``: start one) if the workflow allows it."""
    case = open_case_of(store.cases(), household.household_id)
    state = None if case is None else str(case["state"])
    facts = with_case_facts(household, case, store.measures())
    why = refusal(step, state, staff, facts, store.today())
    if why:
        return Outcome(refused=why)
    case_id = None if case is None else int(case["case_id"])
    return Outcome(
        case_id=store.record(step, state, staff, case_id, (household.household_id, household.town_code), reason)
    )
