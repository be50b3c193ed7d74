"""What the maps show, per area: the value each area is coloured by and its tooltip text, for the web maps
(``geo.maps``) and the slide maps (``reports.static_map``) alike. Below district level a map shows towns, so its
figures are the town's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import duckdb
import pandas as pd

from analytics import fmt
from analytics.coverage import MEASURE_GROUPS, coverage_by_area
from analytics.distribution import METRICS, area_metrics, village_points
from analytics.exits import FLOW_LABELS, flows_by_area
from analytics.monitoring.rules import flagged_by_area
from analytics.reported import readings, rows_by_target
from analytics.scope import Scope
from geo import boundaries
from reporting.registry import Catalogue, Target


def _text(column: pd.Series, formatter: Callable[[Any], str]) -> pd.Series:
    """The column's values as shown (text, also when the column is empty: an area without households)."""
    return column.map(formatter).astype(object)


def _area_scope(scope: Scope) -> Scope:
    """Below district level the map shows the town, so its figures are the town's."""
    return replace(scope, village=None)


def _tips(label: str, text: pd.Series) -> pd.Series:
    """Tooltip text (plain: the deck's template adds the area name in bold)."""
    return label + "：" + text


def distribution_values(con: duckdb.DuckDBPyConnection, scope: Scope, level: str, metric: str) -> pd.DataFrame:
    table = area_metrics(con, _area_scope(scope), level)
    formatter = {"share_still_poor": fmt.percent, "incidence": lambda v: fmt.number(v, 1)}.get(metric, fmt.count)
    text = _text(table[metric], formatter) + "；现存贫困户 " + _text(table["remaining_households"], fmt.count)
    return pd.DataFrame({"area_code": table["area_code"], "value": table[metric], "tip": _tips(METRICS[metric], text)})


def coverage_values(con: duckdb.DuckDBPyConnection, scope: Scope, level: str, group: str) -> pd.DataFrame:
    table = coverage_by_area(con, _area_scope(scope), level, group)
    text = (
        _text(table["coverage"], fmt.percent)
        + "（"
        + _text(table["covered"], fmt.count)
        + " / "
        + _text(table["households"], fmt.count)
        + " 户）"
    )
    return pd.DataFrame(
        {
            "area_code": table["area_code"],
            "value": table["coverage"],
            "tip": _tips(MEASURE_GROUPS[group][0] + "覆盖率", text),
        }
    )


def flow_values(
    con: duckdb.DuckDBPyConnection, scope: Scope, level: str, flow: str, first: dt.date, last: dt.date
) -> pd.DataFrame:
    table = flows_by_area(con, _area_scope(scope), level, first, last)
    text = _text(table[flow], fmt.count) + f" 户（{fmt.month(first)} 至 {fmt.month(last)}）"
    return pd.DataFrame(
        {"area_code": table["area_code"], "value": table[flow].astype(float), "tip": _tips(FLOW_LABELS[flow], text)}
    )


def flagged_values(con: duckdb.DuckDBPyConnection, scope: Scope, level: str) -> pd.DataFrame:
    """Households with a 红 or 黄 warning per area, with the red ones in the tooltip."""
    table = flagged_by_area(con, _area_scope(scope), level)
    text = _text(table["flagged"], fmt.count) + " 户，其中红色 " + _text(table["red"], fmt.count) + " 户"
    return pd.DataFrame(
        {"area_code": table["area_code"], "value": table["flagged"].astype(float), "tip": _tips("预警户", text)}
    )


def village_values(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The scope's village points (imported positions where there are any) with their tooltip text."""
    points = boundaries.with_imported_points(village_points(con, scope))
    kind = (
        points["designation"]
        .map({"provincial_poor": "省定贫困村", "municipal_weak": "市定经济薄弱村"})
        .fillna("一般村")
    )
    status = points["exited"].map({True: "已摘帽", False: "未摘帽"}).where(points["designation"].notna(), "")
    return points.assign(
        tip=kind + " " + status + "；现存贫困人口 " + _text(points["remaining_persons"], fmt.count) + " 人"
    )


def reported_values(
    catalogue: Catalogue, approved_rows: pd.DataFrame, scope: Scope, level: str, target_id: str
) -> tuple[pd.DataFrame, str]:
    """A reported target's latest approved figure per district (or, for a town-level target, per weak town) of the
    scope, with its tooltip, and the map metric (``analytics.classify.SCALES``) it is classified by."""
    target, target_rows = catalogue.targets[target_id], rows_by_target(approved_rows)[target_id]
    codes = (
        [t for t, (_, d) in catalogue.towns.items() if scope.district in (None, d)]
        if level == "town"
        else [d for d in catalogue.districts if scope.district in (None, d)]
    )
    rows = []
    for code in codes:
        area_scope = replace(scope, district=code[:6], town=code if level == "town" else None)
        found, _ = readings(catalogue, target, target_rows, area_scope)
        if found:
            latest = found[-1]
            share = latest.unit == "%"
            value = latest.value / 100 if share else latest.value
            text = f"{fmt.number(latest.value)}{latest.unit}（目标 {fmt.number(latest.target)}，{latest.period.label}）"
            rows.append((code, value, _tips(target.indicator, pd.Series([text])).iloc[0]))
    frame = pd.DataFrame(rows, columns=["area_code", "value", "tip"]).astype({"value": float, "tip": object})
    return frame, reported_metric(target)


def reported_metric(target: Target) -> str:
    """The map metric (``analytics.classify.SCALES``) a reported target is classified by."""
    if target.downward:
        return "reported_cap"
    return "reported_share" if target.entry_unit == "%" or target.reported_as == "share" else "reported_value"


def mappable_targets(catalogue: Catalogue) -> dict[str, str]:
    """Reported targets that can be drawn on a map (reported per district or per town): id → indicator."""
    return {t.id: t.indicator for t in catalogue.targets.values() if t.kind == "reported" and t.level in ("区市", "镇")}
