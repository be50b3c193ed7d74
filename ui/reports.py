"""Sector reporting on the pages: the store next to the base database, its frames per version, the catalogue, and
the glue of the entry and review forms (messages, audit, history)."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from reporting.registry import Catalogue, goal_text, load_catalogue
from reporting.service import Outcome, Unit, problem_frame
from reporting.store import ReportFrames, ReportStore, reports_path
from reporting.validate import COMMENT_COLUMN, VALUE_COLUMN, Entry, Key
from reporting.workflow import ACTION_LABELS, STATE_LABELS
from roster.validate import ERROR
from storage.db import database_path
from ui.auth import audit
from ui.context import connection, database_key


def report_store() -> ReportStore:
    """The reports store next to the base database (reports outlive roster imports)."""
    return ReportStore(reports_path(database_path()))


def reports_key() -> tuple[str, int]:
    store = report_store()
    return str(store.path), store.version()


@st.cache_data(show_spinner=False, max_entries=16)
def _frames(key: tuple[str, int]) -> ReportFrames:
    return report_store().frames()


def report_frames() -> ReportFrames:
    """Values, states and reporting date, read once per version of the store."""
    return _frames(reports_key())


@st.cache_resource(show_spinner=False, max_entries=16)
def _catalogue(db: tuple[str, float, float]) -> Catalogue:
    return load_catalogue(connection())


def catalogue() -> Catalogue:
    """The target registry and reporting areas of the current database."""
    return _catalogue(database_key())


# --- the entry and review forms ----------------------------------------------------------------------
ENTRY_HEADERS = ["指标", "区域", "单位", "目标值", "上期值", VALUE_COLUMN, COMMENT_COLUMN]
_FLASH = "report_flash"


def entry_frame(
    unit: Unit, history: dict[Key, list[float]], current: dict[Key, float], notes: dict[Key, str]
) -> pd.DataFrame:
    """The unit's fields as the form shows them: the previous period's value and the target beside each."""
    rows = []
    for row in unit.rows:
        key = (row.target.id, row.area_code)
        earlier = history.get(key, [])
        rows.append(
            (
                row.target.indicator,
                row.area_name,
                row.target.entry_unit,
                goal_text(row),
                earlier[-1] if earlier else None,
                current.get(key),
                notes.get(key, ""),
            )
        )
    return pd.DataFrame(rows, columns=ENTRY_HEADERS)


def entries_from(unit: Unit, edited: pd.DataFrame) -> list[Entry]:
    """The form's rows as entries (row numbers as the form shows them, from 1)."""
    return [
        Entry(row.target.id, row.area_code, value, str(note or ""), "填报表单", "本期数据", i)
        for i, (row, value, note) in enumerate(
            zip(unit.rows, edited[VALUE_COLUMN].tolist(), edited[COMMENT_COLUMN].tolist(), strict=True), start=1
        )
    ]


def stored_notes(values: pd.DataFrame, unit: Unit) -> dict[Key, str]:
    period = pd.to_datetime(values["period"]).dt.date == unit.period.start
    return {(r.target_id, r.area_code): str(r.comment) for r in values[period].itertuples()}


def flash(kind: str, text: str) -> None:
    """A message shown once at the top of the page after the rerun that follows a step."""
    st.session_state[_FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(_FLASH, ("", ""))
    if kind == "success":
        st.success(text)
    elif kind == "error":
        st.error(text)


def show_outcome(outcome: Outcome, done: str) -> bool:
    """Say what a save or step did (refusal, errors with their table, warnings); True when it was written."""
    if outcome.refused:
        st.error(f"未执行：{outcome.refused}")
        return False
    errors = [p for p in outcome.problems if p.severity == ERROR]
    if errors:
        st.error(f"未保存：发现 {len(errors)} 处错误，没有写入任何数据。请按下表修改后重试。")
    elif outcome.problems:
        st.warning(f"{done}；有 {len(outcome.problems)} 条警告，请核实。")
    if outcome.problems:
        st.dataframe(problem_frame(outcome.problems), hide_index=True, width="stretch")
    return outcome.written


def audit_step(unit: Unit, action: str, outcome: Outcome) -> None:
    """The access audit log records every step tried (done or refused)."""
    audit(
        "report",
        step=action,
        dataset=unit.dataset.id,
        area=unit.area_code,
        period=unit.period.label,
        done=outcome.written,
        refused=outcome.refused or None,
        saved=outcome.saved or None,
    )


def history_table(steps: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """A unit's steps as read: time, who, what, state change, comment, values changed (before → after)."""

    def changed(changes: str) -> str:
        parts = []
        for change in json.loads(changes):
            before = "—" if change["before"] is None else f"{change['before']:g}"
            parts.append(f"{catalogue.targets[change['target']].indicator}：{before} → {change['after']:g}")
        return "；".join(parts)

    return pd.DataFrame(
        {
            "时间": pd.to_datetime(steps["done_at"]).dt.strftime("%Y年%m月%d日 %H:%M"),
            "操作人": steps["actor"],
            "操作": steps["action"].map(ACTION_LABELS),
            "状态": [
                f"{STATE_LABELS[None if pd.isna(a) else a]} → {STATE_LABELS[b]}"
                for a, b in zip(steps["from_state"], steps["to_state"], strict=True)
            ],
            "说明": steps["comment"],
            "数值变更": steps["changes"].map(changed),
        }
    )
