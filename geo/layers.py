"""pydeck layers for the three maps: area polygons, weak-town outlines, Chinese labels, village points.

Layers carry only the properties the map needs, with coordinates rounded to ~1 m, and no basemap by
default (``map_provider=None``): nothing is fetched from outside. An optional basemap is a Mapbox-GL
style JSON URL in ``DASHBOARD_BASEMAP_STYLE`` (served by the app or an internal tile server).
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pydeck as pdk
import shapely

from analytics import fmt

AREA_LAYER_ID = "areas"
VILLAGE_LAYER_ID = "villages"
COORDINATE_DECIMALS = 5
MAX_POINTS = 5_000  # village points a map sends as such; beyond, hexagons (aggregate_points)
FINEST_HEXAGONS = 8  # h3 resolution to start binning at (about 0.7 km² a cell), coarser until they fit
LABEL_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif"
DESIGNATION_COLOURS = {"provincial_poor": [178, 24, 43], "municipal_weak": [239, 138, 98], None: [103, 103, 103]}


def hex_to_rgb(colour: str, alpha: int = 255) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _rings(geometry: shapely.Geometry) -> list[list[list[list[float]]]]:
    """Each polygon part as [exterior, holes...] with rounded coordinates."""
    parts = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    out = []
    for polygon in parts:
        rings = [polygon.exterior, *polygon.interiors]
        out.append(
            [[[round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS)] for x, y in ring.coords] for ring in rings]
        )
    return out


def polygon_rows(polygons: gpd.GeoDataFrame, code_column: str, values: pd.DataFrame) -> pd.DataFrame:
    """One row per polygon part: area_code, name, polygon, and the ``values`` columns (by area_code)."""
    rows = []
    for code, name, geometry in zip(polygons[code_column], polygons["name"], polygons.geometry, strict=True):
        for rings in _rings(geometry):
            rows.append({"area_code": code, "name": name, "polygon": rings})
    return as_html_text(pd.DataFrame(rows).merge(values, on="area_code", how="left"))


def as_html_text(frame: pd.DataFrame, columns: Sequence[str] = ("name", "tip")) -> pd.DataFrame:
    """Escape the text columns tooltips insert into HTML, so a name like ``<img onerror=…>`` stays text."""
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(lambda v: html.escape(v) if isinstance(v, str) else v)
    return out


def area_layer(rows: pd.DataFrame) -> pdk.Layer:
    """Filled, pickable area polygons; rows need ``polygon`` and ``fill`` (RGBA)."""
    return pdk.Layer(
        "PolygonLayer",
        rows,
        id=AREA_LAYER_ID,
        get_polygon="polygon",
        get_fill_color="fill",
        get_line_color=[80, 80, 80, 255],
        line_width_min_pixels=1,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
        highlight_color=[30, 144, 255, 120],
    )


def outline_layer(
    rows: pd.DataFrame, layer_id: str, colour: Sequence[int] = (33, 102, 172, 255), width: int = 3
) -> pdk.Layer:
    """Unfilled outlines; pickable on the line, so their ``tip`` shows and a click drills in."""
    return pdk.Layer(
        "PolygonLayer",
        rows,
        id=layer_id,
        get_polygon="polygon",
        filled=False,
        stroked=True,
        get_line_color=list(colour),
        line_width_min_pixels=width,
        pickable=True,
    )


def label_layer(
    labels: pd.DataFrame, layer_id: str, size: int = 14, colour: Sequence[int] = (20, 20, 20, 255)
) -> pdk.Layer:
    """Chinese text labels; ``labels`` has name, lon, lat. The character set is computed from the data."""
    return pdk.Layer(
        "TextLayer",
        labels,
        id=layer_id,
        get_position=["lon", "lat"],
        get_text="name",
        get_size=size,
        get_color=list(colour),
        character_set='"auto"',
        font_family=f'"{LABEL_FONT}"',
        get_text_anchor='"middle"',
        get_alignment_baseline='"center"',
        outline_width=2,
        outline_color=[255, 255, 255, 255],
        font_settings={"sdf": True},
        pickable=False,
    )


def label_points(polygons: gpd.GeoDataFrame, name_column: str = "name") -> pd.DataFrame:
    points = shapely.point_on_surface(polygons.geometry.values)
    return pd.DataFrame(
        {
            "name": polygons[name_column].to_numpy(),
            "lon": shapely.get_x(points).round(5),
            "lat": shapely.get_y(points).round(5),
        }
    )


def village_layer(points: pd.DataFrame) -> pdk.Layer:
    """Village points coloured by designation (faded once exited), sized by remaining poor persons."""
    points = as_html_text(points)
    points["radius"] = 150 + 120 * points["remaining_persons"].clip(lower=0) ** 0.5
    points["colour"] = [
        DESIGNATION_COLOURS[d if isinstance(d, str) else None] + [110 if exited else 235]
        for d, exited in zip(points["designation"], points["exited"], strict=True)
    ]
    return pdk.Layer(
        "ScatterplotLayer",
        points,
        id=VILLAGE_LAYER_ID,
        get_position=["lon", "lat"],
        get_radius="radius",
        radius_min_pixels=2,
        radius_max_pixels=30,
        get_fill_color="colour",
        get_line_color=[255, 255, 255, 255],
        line_width_min_pixels=1,
        stroked=True,
        pickable=True,
    )


def view_for(bounds: Sequence[float], width_px: int = 900, height_px: int = 600) -> pdk.ViewState:
    """A view that fits ``(minx, miny, maxx, maxy)`` in degrees."""
    minx, miny, maxx, maxy = bounds
    span_x = max(maxx - minx, 0.01) * 1.1
    span_y = max(maxy - miny, 0.01) * 1.1
    zoom_x = math.log2(360 * width_px / (256 * span_x))
    zoom_y = math.log2(180 * height_px / (256 * span_y * 1.25))
    return pdk.ViewState(
        longitude=(minx + maxx) / 2, latitude=(miny + maxy) / 2, zoom=round(min(zoom_x, zoom_y), 2), pitch=0, bearing=0
    )


def deck(layers: list[pdk.Layer], view: pdk.ViewState, tooltip_html: str | None) -> pdk.Deck:
    """A deck without a basemap unless one is configured; tooltips in the app's font."""
    style = os.environ.get("DASHBOARD_BASEMAP_STYLE")
    tooltip = {"html": tooltip_html, "style": {"fontFamily": LABEL_FONT, "fontSize": "14px"}} if tooltip_html else False
    if style:
        return pdk.Deck(layers=layers, initial_view_state=view, tooltip=tooltip, map_provider="carto", map_style=style)
    # pydeck's default map_style sentinel with no provider is what tells Streamlit to draw no basemap;
    # map_style=None would make Streamlit fall back to a Carto style fetched from the web.
    return pdk.Deck(layers=layers, initial_view_state=view, tooltip=tooltip, map_provider=None)


def aggregate_points(points: pd.DataFrame) -> pd.DataFrame:
    """``points`` as they are up to ``MAX_POINTS``; beyond, binned into h3 hexagons (the finest resolution from
    ``FINEST_HEXAGONS`` at which at most ``MAX_POINTS`` remain): one point per hexagon at its villages' mean
    position, with their remaining poor summed, coloured by the highest designation among them (faded when all
    of those exited), its tooltip counting them, and a click drilling to their town (or district) when they share
    one."""
    if len(points) <= MAX_POINTS:
        return points
    for resolution in range(FINEST_HEXAGONS, -1, -1):
        cells = np.array(
            [h3.latlng_to_cell(lat, lon, resolution) for lat, lon in zip(points["lat"], points["lon"], strict=True)]
        )
        if len(set(cells)) <= MAX_POINTS:
            break
    rank = points["designation"].map({"provincial_poor": 2, "municipal_weak": 1}).fillna(0)
    binned = points.assign(cell=cells, rank=rank, designated=points["designation"].notna())
    binned = binned.assign(open_designated=binned["designated"] & ~binned["exited"].astype(bool))
    grouped = binned.groupby("cell", sort=True).agg(
        lon=("lon", "mean"),
        lat=("lat", "mean"),
        villages=("lon", "size"),
        rank=("rank", "max"),
        designated=("designated", "sum"),
        open_designated=("open_designated", "sum"),
        remaining_persons=("remaining_persons", "sum"),
        remaining_households=("remaining_households", "sum"),
        towns=("town_code", "nunique"),
        districts=("district_code", "nunique"),
        town_code=("town_code", "first"),
        district_code=("district_code", "first"),
    )
    area = np.where(
        grouped["towns"] == 1, grouped["town_code"], np.where(grouped["districts"] == 1, grouped["district_code"], "")
    )
    return pd.DataFrame(
        {
            "name": grouped["villages"].map(lambda n: f"{n} 个村"),
            "lon": grouped["lon"].to_numpy(),
            "lat": grouped["lat"].to_numpy(),
            "designation": grouped["rank"].map({2: "provincial_poor", 1: "municipal_weak", 0: None}).to_numpy(),
            "exited": (grouped["designated"] > 0).to_numpy() & (grouped["open_designated"] == 0).to_numpy(),
            "remaining_persons": grouped["remaining_persons"].to_numpy(),
            "remaining_households": grouped["remaining_households"].to_numpy(),
            "area_code": area,
            "tip": [
                f"其中贫困村、薄弱村 {fmt.count(d)} 个（未摘帽 {fmt.count(o)} 个）；现存贫困人口 {fmt.count(p)} 人"
                for d, o, p in zip(
                    grouped["designated"], grouped["open_designated"], grouped["remaining_persons"], strict=True
                )
            ],
        }
    )
