"""The one write path of sector reporting: entry form and upload both save through ``save``; every workflow
step goes through ``act``. Each refuses with a reason (nothing written) or writes one audited step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from reporting.periods import Period
from reporting.registry import Catalogue, Dataset, Row
from reporting.store import ReportStore, UnitKey
from reporting.validate import Entry, Key, check_entries, has_errors
from reporting.workflow import Actor, refusal
from roster.validate import ERROR, REPORT_COLUMNS, Problem


@dataclass(frozen=True)
class Unit:
    """A reporting unit with its data set, area, period and fields."""

    dataset: Dataset
    area_code: str
    period: Period
    rows: tuple[Row, ...]

    @property
    def key(self) -> UnitKey:
        return UnitKey(self.dataset.id, self.area_code, self.period.start)


def unit_of(catalogue: Catalogue, dataset_id: str, area_code: str, period: Period) -> Unit:
    dataset = catalogue.datasets[dataset_id]
    return Unit(dataset, area_code, period, tuple(catalogue.rows(dataset, area_code)))


@dataclass
class Outcome:
    """What a save or step did: refused (``refused`` says why, or ``problems`` hold errors) or written."""

    refused: str = ""
    problems: list[Problem] = field(default_factory=list)
    saved: int = 0

    @property
    def written(self) -> bool:
        return not self.refused and not has_errors(self.problems)


def _unit_row(states: pd.DataFrame, unit: UnitKey) -> pd.DataFrame:
    return states[
        (states["dataset_id"] == unit.dataset_id)
        & (states["area_code"] == unit.area_code)
        & (pd.to_datetime(states["period"]).dt.date == unit.period)
    ]


def unit_state(states: pd.DataFrame, unit: UnitKey) -> str | None:
    """The unit's workflow state; None before anything was saved."""
    match = _unit_row(states, unit)
    return None if match.empty else str(match["state"].iloc[0])


def unit_comment(states: pd.DataFrame, unit: UnitKey) -> str:
    """The comment of the unit's latest step (a return's reason)."""
    match = _unit_row(states, unit)
    return "" if match.empty else str(match["comment"].iloc[0])


def field_values(values: pd.DataFrame, unit: Unit) -> tuple[dict[Key, list[float]], dict[Key, float]]:
    """Each field's stored values before the unit's period (oldest first) and in it."""
    keys = {(r.target.id, r.area_code) for r in unit.rows}
    mine = pd.Series([k in keys for k in zip(values["target_id"], values["area_code"], strict=True)], dtype=bool)
    frame = values[mine.to_numpy()]
    periods = pd.to_datetime(frame["period"]).dt.date
    history: dict[Key, list[float]] = {}
    for row in frame[periods < unit.period.start].sort_values("period").itertuples():
        history.setdefault((row.target_id, row.area_code), []).append(float(row.value))
    current = {(r.target_id, r.area_code): float(r.value) for r in frame[periods == unit.period.start].itertuples()}
    return history, current


def save(store: ReportStore, unit: Unit, actor: Actor, entries: Sequence[Entry]) -> Outcome:
    """Validate ``entries`` and, if nothing is wrong, write them as one ``save`` step."""
    states, values = store.states(), store.values()
    reason = refusal(
        "save",
        unit_state(states, unit.key),
        actor,
        unit.dataset.owner_code,
        unit.area_code,
        unit.period.end,
        store.today(),
    )
    if reason:
        return Outcome(refused=reason)
    history, current = field_values(values, unit)
    parsed, problems = check_entries(unit.rows, entries, history, current)
    if has_errors(problems) or not parsed:
        return Outcome(problems=problems)
    store.record_step(unit.key, "save", unit_state(states, unit.key), actor.name, values=parsed)
    return Outcome(problems=problems, saved=len(parsed))


def act(store: ReportStore, unit: Unit, actor: Actor, action: str, comment: str = "") -> Outcome:
    """Submit, review, approve or return a unit; refused with a reason when the step is not allowed now."""
    state = unit_state(store.states(), unit.key)
    reason = refusal(action, state, actor, unit.dataset.owner_code, unit.area_code, unit.period.end, store.today())
    if not reason and action == "return" and not comment.strip():
        reason = "退回时须写明退回原因"
    if not reason and action == "submit":
        _, current = field_values(store.values(), unit)
        missing = [r for r in unit.rows if (r.target.id, r.area_code) not in current]
        if missing:
            reason = f"还有 {len(missing)} 项未填写（{missing[0].target.indicator} 等），填写完整后才能提交"
    if reason:
        return Outcome(refused=reason)
    store.record_step(unit.key, action, state, actor.name, comment.strip())
    return Outcome()


def problem_frame(problems: Sequence[Problem]) -> pd.DataFrame:
    """Problems as the roster import reports them (文件 · 工作表 · 行 · 列 · 值 · 问题 · 级别), errors first."""
    rows = sorted(problems, key=lambda p: (p.severity != ERROR, p.row or 0))
    return pd.DataFrame(
        [(p.file, p.sheet, p.row, p.column, p.value, p.reason, p.severity) for p in rows], columns=REPORT_COLUMNS
    ).astype({"行": "Int64"})
