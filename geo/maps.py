"""Whole map specifications (pydeck decks) drawn from the figures of ``analytics.map_values``: rendering only,
no SQL and no Streamlit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import geopandas as gpd
import pandas as pd
import pydeck as pdk

from analytics import fmt
from analytics.classify import SCALES, Classes, classify, fill_missing
from analytics.map_values import (
    coverage_values,
    distribution_values,
    flagged_values,
    flow_values,
    reported_values,
    village_values,
)
from analytics.places import weak_towns
from analytics.reported import approved
from analytics.scope import Scope
from geo import boundaries
from geo.layers import (
    aggregate_points,
    area_layer,
    deck,
    hex_to_rgb,
    label_layer,
    label_points,
    outline_layer,
    polygon_rows,
    view_for,
    village_layer,
)
from reporting.registry import load_catalogue
from reporting.store import STATE_COLUMNS, VALUE_COLUMNS, ReportFrames


@dataclass(frozen=True)
class MapSpec:
    """A map as the browser receives it: the deck's JSON, made once when the map is built and cached with it
    (a string, cheap to unpickle from the cache), and its tooltip, which Streamlit sends beside it."""

    json: str
    tooltip: dict[str, object] | None

    @classmethod
    def of(cls, built: pdk.Deck) -> MapSpec:
        tooltip = getattr(built, "_tooltip", None)  # where Streamlit reads it
        return cls(built.to_json(), tooltip if isinstance(tooltip, dict) else None)

    @property
    def payload_bytes(self) -> int:
        return len(self.json.encode())

    def deck(self) -> pdk.Deck:
        """A deck that hands ``st.pydeck_chart`` this JSON as it is."""
        return _Serialised(self)


class _Serialised(pdk.Deck):  # type: ignore[misc]  # pydeck ships no type hints
    def __init__(self, spec: MapSpec) -> None:
        super().__init__(layers=[], tooltip=spec.tooltip or False, map_provider=None)
        self._json = spec.json

    def to_json(self) -> str:
        return self._json


def polygons(level: str, district: str | None = None, town: str | None = None) -> gpd.GeoDataFrame:
    """Browser-detail polygons of a level, narrowed to a district or a town; code column ``area_code``."""
    if level == "district":
        frame = boundaries.districts().rename(columns={"district_code": "area_code"})
    else:
        frame = boundaries.towns().rename(columns={"town_code": "area_code"})
        if district:
            frame = frame[frame["district_code"] == district]
        if town:
            frame = frame[frame["area_code"] == town]
    if level == "district" and district:
        frame = frame[frame["area_code"] == district]
    return frame.reset_index(drop=True)


def choropleth(
    areas: gpd.GeoDataFrame,
    values: pd.DataFrame,
    classes: Classes,
    weak: pd.DataFrame,
    points: pd.DataFrame | None = None,
    label_areas: bool = True,
) -> MapSpec:
    """Areas coloured by class, weak towns outlined and labelled, optional village points.

    ``values`` has area_code and tip (tooltip text) in the order the classes were computed;
    ``weak`` has town_code, name and pairing_district.
    """
    coloured = values.assign(fill=[hex_to_rgb(classes.colour_of(i), 200) for i in classes.index])
    rows = polygon_rows(areas, "area_code", coloured[["area_code", "fill", "tip"]])
    rows["fill"] = [f if isinstance(f, list) else hex_to_rgb("#d9d9d9", 200) for f in rows["fill"]]
    rows["tip"] = rows["tip"].fillna("无数据")
    layers = [area_layer(rows)]
    weak_polygons = boundaries.towns()[lambda t: t["town_code"].isin(weak["town_code"])].merge(
        weak[["town_code", "pairing_district"]], on="town_code"
    )
    if len(weak_polygons):
        weak_tips = pd.DataFrame(
            {
                "area_code": weak_polygons["town_code"],
                "tip": "经济薄弱镇；结对帮扶强区：" + weak_polygons["pairing_district"].fillna("—"),
            }
        )
        weak_rows = polygon_rows(weak_polygons.rename(columns={"town_code": "area_code"}), "area_code", weak_tips)
        layers.append(outline_layer(weak_rows, "weak_towns"))
        on_weak = rows["area_code"].isin(weak_tips["area_code"])
        rows.loc[on_weak, "tip"] = (
            rows.loc[on_weak, "tip"]
            + "；"
            + rows.loc[on_weak, "area_code"].map(weak_tips.set_index("area_code")["tip"])
        )
    if label_areas:
        labels = label_points(areas)
        layers.append(label_layer(labels[~labels["name"].isin(weak_polygons["name"])], "labels"))
    if len(weak_polygons):
        layers.append(label_layer(label_points(weak_polygons), "weak_town_labels", size=13, colour=(8, 48, 107, 255)))
    if points is not None and len(points):
        layers.append(village_layer(aggregate_points(points)))
    return MapSpec.of(deck(layers, view_for(areas.total_bounds), "<b>{name}</b><br/>{tip}"))


def map_level(scope_level: str, choice: str) -> str:
    """Polygons drawn for a scope: the chosen level at city scope, towns below it."""
    return choice if scope_level == "city" else "town"


def area_classes(
    areas: gpd.GeoDataFrame, values: pd.DataFrame, metric: str, method: str, k: int
) -> tuple[pd.DataFrame, Classes]:
    """``values`` (area_code, value, tip) on every polygon of ``areas`` (counts of areas without a row are 0)
    and their classes: the one classification of the web maps and the slide maps."""
    scale = SCALES[metric]
    values = areas[["area_code"]].merge(values, on="area_code", how="left")
    values["value"] = fill_missing(values["value"].tolist(), scale)
    if scale.whole and "tip" in values:
        values["tip"] = values["tip"].fillna("没有建档立卡贫困对象（计为 0）")
    return values, classify(values["value"].tolist(), method, k, scale)


def build_map(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    level: str,
    values: pd.DataFrame,
    metric: str,
    method: str,
    k: int,
    with_villages: bool,
) -> tuple[MapSpec, Classes]:
    """Classify ``values`` (area_code, value, tip) of ``metric`` and draw them over the scope's polygons."""
    areas = polygons(level, scope.district, scope.town)
    values, classes = area_classes(areas, values, metric, method, k)
    weak = weak_towns(con, scope)
    points = village_values(con, scope) if with_villages else None
    label_areas = level == "district" or len(areas) <= 30
    return choropleth(areas, values, classes, weak, points, label_areas), classes


# The map builders are cached by the pages, so their tooltips take the small-count flag as an argument.
def distribution_map(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    level: str,
    metric: str,
    method: str,
    k: int,
    villages: bool,
    hide_small: bool = False,
) -> tuple[MapSpec, Classes]:
    with fmt.small_counts_hidden(hide_small):
        return build_map(con, scope, level, distribution_values(con, scope, level, metric), metric, method, k, villages)


def coverage_map(
    con: duckdb.DuckDBPyConnection, scope: Scope, level: str, group: str, method: str, k: int, hide_small: bool = False
) -> tuple[MapSpec, Classes]:
    with fmt.small_counts_hidden(hide_small):
        return build_map(
            con,
            scope,
            level,
            coverage_values(con, scope, level, group),
            "coverage",
            method,
            k,
            scope.level in ("town", "village"),
        )


def flow_map(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    level: str,
    flow: str,
    first: dt.date,
    last: dt.date,
    method: str,
    k: int,
    hide_small: bool = False,
) -> tuple[MapSpec, Classes]:
    with fmt.small_counts_hidden(hide_small):
        return build_map(
            con,
            scope,
            level,
            flow_values(con, scope, level, flow, first, last),
            flow,
            method,
            k,
            scope.level in ("town", "village"),
        )


def reported_map(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    target_id: str,
    method: str,
    k: int,
    reports: ReportFrames | None = None,
) -> tuple[MapSpec, Classes]:
    """A reported target's latest approved figure by district (town-level targets: by weak town)."""
    catalogue = load_catalogue(con)
    level = "town" if catalogue.targets[target_id].level == "镇" else "district"
    frames = reports or ReportFrames(
        pd.DataFrame(columns=VALUE_COLUMNS), pd.DataFrame(columns=STATE_COLUMNS), scope.as_of
    )
    values, metric = reported_values(catalogue, approved(frames, catalogue), scope, level, target_id)
    return build_map(con, scope, level, values, metric, method, k, False)


def warning_map(
    con: duckdb.DuckDBPyConnection, scope: Scope, level: str, method: str, k: int, hide_small: bool = False
) -> tuple[MapSpec, Classes]:
    """Households with a 防返贫 warning (红 or 黄) per area."""
    with fmt.small_counts_hidden(hide_small):
        return build_map(con, scope, level, flagged_values(con, scope, level), "flagged", method, k, False)
