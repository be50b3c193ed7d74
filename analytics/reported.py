"""Targets reported by the responsible units: their approved values aggregated over a scope, period by period,
and judged with the same rules as the roster-measured targets (``analytics.goals``).

A period's figure counts only once every area of the scope has an approved value for it (审定); the board
shows the latest such period and says when newer ones are still open. More than one period behind the
latest one due (reported or not yet approved) is 数据不足: 逾期未报.

Aggregation over areas: ``total`` adds up; ``share`` is the villages (towns) meeting the target over all of the
scope's, in percent; ``level`` at district or town level is the worst area (the lowest, or the highest for a
cap), since each area must keep to it; ``percent`` and city-level values are reported for the city only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from analytics import fmt
from analytics.judgement import BEHIND, MET, NO_DATA, Judgement, pace_judgement
from analytics.schedule import (
    COLUMNS as SCHEDULE_COLUMNS,
)
from analytics.schedule import (
    PACE_WINDOW,
    RAG_AMBER,
    RAG_PENDING,
    RAG_RED,
    behind_schedule,
    months_left,
    rag,
)
from analytics.scope import Scope, scope_label
from reporting.periods import Period, period_of
from reporting.registry import CITY_CODE, Catalogue, Target, load_catalogue
from reporting.store import ReportFrames
from storage.months import add_months

NOT_SLICED = "报送数据不按户属性或致贫原因细分"
CITY_ONLY = "由责任单位按全市报送，不分解到区市及以下"
DISTRICT_ONLY = "按区市报送，不分解到镇街及以下"


@dataclass(frozen=True)
class Reading:
    """A reported target's figure at one period over a scope."""

    period: Period
    value: float
    target: float
    unit: str
    note: str = ""


def approved(frames: ReportFrames, catalogue: Catalogue) -> pd.DataFrame:
    """Approved values with their reporting unit's area (the city or the district): target_id, area_code,
    unit_area, period, value."""
    values = frames.values.assign(period=pd.to_datetime(frames.values["period"]).dt.date)
    if values.empty:
        return values.assign(unit_area=pd.Series(dtype=str))
    towns = {code: district for code, (_, district) in catalogue.towns.items()}
    values = values.assign(
        unit_area=values["area_code"].map(lambda a: towns.get(a, a)),
        dataset_id=values["target_id"].map(lambda t: catalogue.targets[t].dataset_id),
    )
    states = frames.states.assign(period=pd.to_datetime(frames.states["period"]).dt.date)
    done = states[states["state"] == "approved"][["dataset_id", "area_code", "period"]]
    return values.merge(
        done.rename(columns={"area_code": "unit_area"}), on=["dataset_id", "unit_area", "period"], how="inner"
    )


def scope_areas(catalogue: Catalogue, target: Target, scope: Scope) -> tuple[list[str], str]:
    """The areas whose rows make up the target's figure at ``scope`` (none, with the reason, when it is not
    reported at that level)."""
    if scope.attribute or scope.main_cause:
        return [], NOT_SLICED
    if target.level == "市":
        return ([CITY_CODE], "") if scope.level == "city" else ([], CITY_ONLY)
    if scope.level in ("town", "village") and target.level == "区市":
        return [], DISTRICT_ONLY
    if target.level == "区市":
        districts = [d for d in catalogue.districts if scope.district in (None, d)]
        return districts, ""
    towns = [t for t, (_, d) in catalogue.towns.items() if scope.district in (None, d) and scope.town in (None, t)]
    if scope.village:
        return [], "按镇报送，不分解到村"
    return (towns, "") if towns else ([], "所选范围内没有经济薄弱镇")


@dataclass(frozen=True)
class Approved:
    """One approved value of a target: the area it was entered for, its period's first day, the value."""

    area_code: str
    period: dt.date
    value: float


def rows_by_target(approved_rows: pd.DataFrame) -> dict[str, list[Approved]]:
    """The approved rows split by target once, for ``readings`` (a target without rows has none)."""
    split: dict[str, list[Approved]] = defaultdict(list)
    columns = ["target_id", "area_code", "period", "value"]
    for target, area, period, value in approved_rows[columns].itertuples(index=False):
        split[target].append(Approved(area, period, float(value)))
    return split


def _aggregate(catalogue: Catalogue, target: Target, rows: list[Approved]) -> tuple[float, float, str, str]:
    """(value, target, unit, note) of one period's rows."""
    values = [r.value for r in rows]
    if target.reported_as == "share":
        within = catalogue.villages_in if target.units == "贫困村" else catalogue.towns_in
        counts = {r.area_code: within[r.area_code] for r in rows}
        whole = sum(counts.values())
        met = sum(values)
        return round(100 * met / whole, 1), target.goal_share, "%", f"{met:,.0f} / {whole:,} {target.entry_unit}"
    if target.reported_as == "percent":
        return values[0], target.goal_share, "%", ""
    if target.reported_as == "total":
        return sum(values), target.target_value, target.unit, ""
    worst = max(values) if target.downward else min(values)
    note = f"{len(rows)} 个区域中最{'高' if target.downward else '低'}的" if len(rows) > 1 else ""
    return worst, target.target_value, target.unit, note


def readings(
    catalogue: Catalogue, target: Target, target_rows: list[Approved], scope: Scope
) -> tuple[list[Reading], str]:
    """The target's figure at every period (oldest first) up to the as-of month in which every area of the scope
    has an approved value (``target_rows``: the target's approved rows, see ``rows_by_target``); or no readings
    and why."""
    areas, reason = scope_areas(catalogue, target, scope)
    if not areas:
        return [], reason
    last, wanted = period_of(scope.as_of, target.period), set(areas)
    by_period: dict[dt.date, list[Approved]] = defaultdict(list)
    for row in target_rows:
        if row.area_code in wanted:
            by_period[row.period].append(row)
    found: list[Reading] = []
    for start in sorted(by_period):
        group, period = by_period[start], Period(start, target.period)
        if period > last or period.end > _month_end(scope.as_of) or len({r.area_code for r in group}) < len(areas):
            continue
        value, goal, unit, note = _aggregate(catalogue, target, group)
        found.append(Reading(period, value, goal, unit, note))
    return found, ""


def latest_due(target: Target, scope: Scope, today: dt.date) -> Period | None:
    """The latest period up to the as-of month whose report was due by the reporting date."""
    period = period_of(min(_month_end(scope.as_of), today), target.period)
    while period.due > today or period.end > _month_end(scope.as_of):
        period = period.previous()
        if period.start.year < 2016:
            return None
    return period


def _month_end(month: dt.date) -> dt.date:
    return Period(month, "月").end


def _met(target: Target, reading: Reading) -> bool:
    return reading.value <= reading.target if target.downward else reading.value >= reading.target


def judge_reported(
    target: Target, found: list[Reading], due: Period | None, deadline: dt.date, as_of: dt.date
) -> tuple[Reading | None, Judgement]:
    """The reading a reported target is judged on and its status (the module docstring and ``analytics.goals``)."""
    if not found:
        return None, Judgement(NO_DATA, "尚无审定的报送数据")
    standing = target.standing
    usable = found if standing else [r for r in found if r.period.start <= deadline] or found[:1]
    latest = usable[-1]
    if due is not None and latest.period < due.previous() and (standing or deadline >= due.end):
        return latest, Judgement(NO_DATA, f"逾期未报或未审定：最近审定为{latest.period.label}，应已报到{due.label}")
    if _met(target, latest):
        return latest, Judgement(MET, "已达到目标值")
    if standing:
        return latest, Judgement(BEHIND, "常态要求，按最近一期判定：未达到")
    left = months_left(as_of, deadline)
    if left <= 0:
        return latest, Judgement(BEHIND, f"截止（{fmt.day(deadline)}）时未达到")
    earlier = [r for r in usable if months_left(r.period.end, latest.period.end) >= PACE_WINDOW]
    if not earlier or not latest.target:
        return latest, Judgement(NO_DATA, f"{latest.period.label}之前没有可比的审定数据，无法判断进度")
    before = earlier[-1]
    window = months_left(before.period.end, latest.period.end)
    if target.downward:
        return latest, Judgement(BEHIND, "未达到目标值")
    return latest, pace_judgement(latest.value / latest.target, before.value / before.target, window, left)


def _schedule_row(target: Target, found: list[Reading], area: str, name: str, as_of: dt.date) -> dict[str, object]:
    """One back-scheduling row of a reported target at one area (``analytics.schedule``'s columns and rules)."""
    assert target.deadline is not None
    latest = found[-1]
    earlier = [r for r in found if months_left(r.period.end, latest.period.end) >= PACE_WINDOW]
    window = months_left(earlier[-1].period.end, latest.period.end) if earlier else 0
    actual = (latest.value - earlier[-1].value) / window if earlier else 0.0
    remaining = max(latest.target - latest.value, 0.0)
    left = months_left(as_of, target.deadline)
    required = remaining / left if left > 0 else math.nan
    projected = add_months(as_of, math.ceil(remaining / actual)) if remaining > 0 and actual > 0 else None
    return {
        "area_code": area,
        "area_name": name,
        "target": target.id,
        "label": f"{target.indicator}（{latest.unit}，{target.owner}报送）",
        "deadline": target.deadline,
        "total": latest.target,
        "done": latest.value,
        "remaining": remaining,
        "months_left": left,
        "required_pace": required,
        "actual_pace": actual,
        "projected_month": projected,
        "rag": rag(remaining, left, required, actual) if earlier else RAG_PENDING,
    }


def reported_schedule(
    catalogue: Catalogue, approved_rows: pd.DataFrame, scope: Scope, group: str, scope_name: str
) -> pd.DataFrame:
    """倒排工期 rows of the reported targets with a deadline, per area of ``group`` where the target is reported at
    that level (the scope as a whole, named ``scope_name``, otherwise), from the approved values."""
    rows, by_target = [], rows_by_target(approved_rows)
    for target in catalogue.targets.values():
        if target.kind != "reported" or target.deadline is None or target.downward:
            continue
        areas = [(scope, scope.area_code, scope_name)]
        if group == "district" and target.level == "区市" and scope.level == "city":
            areas = [(replace(scope, district=code), code, name) for code, name in catalogue.districts.items()]
        for area_scope, code, name in areas:
            found, _ = readings(catalogue, target, by_target[target.id], area_scope)
            if found:
                rows.append(_schedule_row(target, found, code, name, scope.as_of))
    return pd.DataFrame(rows, columns=[*SCHEDULE_COLUMNS, "area_name"])


def behind_with_reports(
    con: duckdb.DuckDBPyConnection, scope: Scope, group: str, reports: ReportFrames | None = None
) -> pd.DataFrame:
    """The red and amber back-scheduling rows of the roster's targets and of the reported ones, red first, then by
    deadline (``analytics.schedule.behind_schedule``)."""
    roster = behind_schedule(con, scope, group)
    if reports is None:
        return roster
    catalogue = load_catalogue(con)
    reported = reported_schedule(catalogue, approved(reports, catalogue), scope, group, scope_label(con, scope))
    reported = reported[reported["rag"].isin([RAG_RED, RAG_AMBER])]
    rows = pd.concat([roster, reported], ignore_index=True) if not reported.empty else roster
    return (
        rows.assign(red=rows["rag"] == RAG_RED)
        .sort_values(["red", "deadline"], ascending=[False, True], kind="stable")
        .drop(columns="red")
        .reset_index(drop=True)
    )
