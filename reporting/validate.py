"""Validation of reported values before anything is written, with the roster import's report format (file ·
sheet · row · column · value · reason): 错误 blocks the save, 警告 (an outlier) is saved and shown.

Rules: a number, not negative; a percentage at most 100, a coefficient at most 1; whole numbers for counts; a
count of villages or towns at most those of the area (parts ≤ whole); a cumulative figure not below the
previous period's unless a comment says why; a target not above the one it is part of (``not_above``, same
area and period); a value far from the unit's own history (modified z-score ``0.6745·(x − median)/MAD`` over
at least ``MIN_HISTORY`` earlier periods, of the increments for a cumulative figure) is a warning above 3.5.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reporting.registry import Row
from roster.validate import ERROR, WARNING, Problem

OUTLIER_Z = 3.5
MIN_HISTORY = 5
VALUE_COLUMN, COMMENT_COLUMN = "本期值", "说明"


@dataclass(frozen=True)
class Entry:
    """One value as entered or uploaded, with where it came from."""

    target_id: str
    area_code: str
    raw: object
    comment: str
    file: str
    sheet: str
    row: int | None


Key = tuple[str, str]  # (target_id, area_code)


def parse_number(raw: object) -> float | None:
    """The number in a cell or field: None when empty; raises ValueError when it is not a number."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip().replace(",", "").replace("，", "").removesuffix("%").strip()
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(raw)
    return value


def modified_z(value: float, history: Sequence[float]) -> float | None:
    """Iglewicz–Hoaglin's modified z-score of ``value`` against ``history``; None when the history is too short or
    does not vary."""
    if len(history) < MIN_HISTORY:
        return None
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    return None if mad == 0 else 0.6745 * (value - median) / mad


def _range_reason(row: Row, value: float) -> str | None:
    target = row.target
    if value < 0:
        return "不能为负数"
    if target.entry_unit == "%" and value > 100:
        return "百分比不能超过 100"
    if target.unit == "系数" and value > 1:
        return "系数不能超过 1"
    if target.whole_numbers and value != int(value):
        return "须为整数"
    if row.denominator is not None and value > row.denominator:
        return f"不能超过本区域的{target.units}数（{row.denominator}）"
    return None


def check_entries(
    rows: Sequence[Row], entries: Sequence[Entry], history: Mapping[Key, Sequence[float]], current: Mapping[Key, float]
) -> tuple[dict[Key, tuple[float, str]], list[Problem]]:
    """The values of ``entries`` (empty fields left out) and the problems found. ``history``: each field's values
    of earlier periods, oldest first; ``current``: the values already stored for this period."""
    by_key = {(r.target.id, r.area_code): r for r in rows}
    values: dict[Key, tuple[float, str]] = {}
    problems: list[Problem] = []
    seen: set[Key] = set()

    def problem(entry: Entry, column: str, reason: str, severity: str = ERROR) -> None:
        value = "" if entry.raw is None else str(entry.raw)
        problems.append(Problem(entry.file, entry.sheet, entry.row, column, value, reason, severity))

    for entry in entries:
        key = (entry.target_id, entry.area_code)
        row = by_key.get(key)
        if row is None:
            problem(entry, "指标", "不是本数据集本区域的指标")
            continue
        if key in seen:
            problem(entry, "指标", "同一指标和区域填了两次")
            continue
        seen.add(key)
        try:
            value = parse_number(entry.raw)
        except ValueError:
            problem(entry, VALUE_COLUMN, "不是数字")
            continue
        if value is None:
            continue
        reason = _range_reason(row, value)
        if reason:
            problem(entry, VALUE_COLUMN, reason)
            continue
        earlier = list(history.get(key, ()))
        if row.target.cumulative and earlier and value < earlier[-1] and not entry.comment.strip():
            problem(entry, VALUE_COLUMN, f"累计数不能小于上期（{earlier[-1]:g}）；如确需调减，请在“说明”中写明原因")
            continue
        series = [b - a for a, b in zip(earlier, earlier[1:], strict=False)] if row.target.cumulative else earlier
        z = modified_z(value - earlier[-1] if row.target.cumulative and earlier else value, series)
        if z is not None and abs(z) > OUTLIER_Z:
            problem(entry, VALUE_COLUMN, f"与本单位历史数据相比异常（修正 z 分数 {z:.1f}），请核实", WARNING)
        values[key] = (value, entry.comment.strip())
    for (target_id, area), (value, _) in values.items():
        whole = by_key[(target_id, area)].target.not_above
        limit = values.get((whole, area), (current.get((whole, area)), ""))[0] if whole else None
        if limit is not None and value > limit:
            entry = next(e for e in entries if (e.target_id, e.area_code) == (target_id, area))
            other = next(r.target.indicator for r in rows if r.target.id == whole)
            problem(entry, VALUE_COLUMN, f"不能超过“{other}”（{limit:g}）")
    return values, problems


def has_errors(problems: Sequence[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)
