"""防返贫监测预警 on the pages: the visit list (warnings joined with the risk score and the case state), the one way
a page takes a case step (facts from the roster, the workflow's refusal, the audit), and the stored backtest. (The
cases store and its frames: ``ui.cases``.)"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import streamlit as st

from access.roles import User
from analytics.monitoring.figures import case_household
from analytics.monitoring.records import RECORD_FIELDS, stored_path
from analytics.monitoring.visits import visit_page
from analytics.scope import Scope
from cases.service import Outcome, act
from cases.workflow import ACTION_LABELS, STATE_LABELS, Staff, Step
from storage.db import database_path
from ui.auth import audit
from ui.cache import cached
from ui.cases import case_store
from ui.reports import flash

VISITS_PER_TOWN = 20  # what a township can visit in a month
WATCHED_LABELS = {False: "脱贫户", True: "边缘户"}  # the visit list's ``near_poor``


def visit_rows(scope: Scope, cases: pd.DataFrame, only_top: bool, page: int, size: int) -> pd.DataFrame:
    """Page ``page`` (from 1) of the visit list (``analytics.monitoring.visits``) with the state of each household's
    latest case (``case``)."""
    rows = cached(visit_page, scope, VISITS_PER_TOWN, only_top, (page - 1) * size, size)
    latest = cases.drop_duplicates("household_id")[["household_id", "state"]]
    rows = rows.merge(latest, on="household_id", how="left")
    return rows.assign(case=rows["state"].map(STATE_LABELS).fillna("未立案"))


def staff_of(user: User) -> Staff:
    return Staff(user.name, user.role, user.area)


def take_step(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    user: User,
    step: Step,
    household_id: str,
    town_code: str,
    reason: str = "",
) -> int | None:
    """Take ``step`` on the household's case with the roster's facts; say and audit what happened; the case's id
    when the step was taken."""
    household = case_household(con, scope, household_id, town_code)
    outcome: Outcome = act(case_store(), staff_of(user), step, household, reason)
    audit(
        "monitor",
        step=step.action,
        household=household_id,
        case=outcome.case_id,
        done=not outcome.refused,
        refused=outcome.refused or None,
    )
    if outcome.refused:
        st.error(f"未执行：{outcome.refused}")
        return None
    flash("success", f"{ACTION_LABELS[step.action]}已办理（第{outcome.case_id}号案件）。")
    return outcome.case_id


def backtest_records() -> tuple[list[dict[str, object]], dt.datetime | None]:
    """The stored backtest of the base database (``python -m analytics.monitoring backtest --json``), if run with
    this version (a file of an older version, missing some figures, counts as not run)."""
    path = stored_path(database_path())
    if not path.exists():
        return [], None
    records = json.loads(path.read_text(encoding="utf-8"))
    if not all(record.keys() >= RECORD_FIELDS for record in records):
        return [], None
    return records, dt.datetime.fromtimestamp(path.stat().st_mtime)
