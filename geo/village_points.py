"""Deterministic generated points for villages, which have no public coordinates."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

_BATCH = 64
_BORDER_MARGIN_DEG = 0.002  # about 200 m


def _rng_for(key: str) -> np.random.Generator:
    return np.random.default_rng(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little"))


def _inner_area(area: BaseGeometry) -> BaseGeometry:
    """Keep points off the border where the polygon is large enough for it."""
    inner = area.buffer(-_BORDER_MARGIN_DEG)
    target = inner if inner.area > 0.2 * area.area else area
    shapely.prepare(target)
    return target


def _point_in(target: BaseGeometry, key: str) -> tuple[float, float]:
    minx, miny, maxx, maxy = target.bounds
    rng = _rng_for(key)
    while True:
        xs = rng.uniform(minx, maxx, _BATCH)
        ys = rng.uniform(miny, maxy, _BATCH)
        inside = np.flatnonzero(shapely.contains_xy(target, xs, ys))
        if inside.size:
            return float(xs[inside[0]]), float(ys[inside[0]])


def village_areas(
    town_codes: Sequence[str], district_codes: Sequence[str], towns: pd.DataFrame, districts: pd.DataFrame
) -> list[BaseGeometry]:
    """The area a village's point goes in: its town polygon within its district, else the district."""
    town_geom = towns.set_index("town_code").geometry
    district_geom = districts.set_index("district_code").geometry
    cache: dict[tuple[str, str], BaseGeometry] = {}
    for key in zip(town_codes, district_codes, strict=True):
        if key not in cache:
            town, district = key
            cache[key] = (
                town_geom[town].intersection(district_geom[district])
                if town in town_geom.index
                else district_geom[district]
            )
    return [cache[key] for key in zip(town_codes, district_codes, strict=True)]


def place_points_in_polygons(areas: Sequence[BaseGeometry], keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """One point per (area, key) pair, depending only on that area and key; returns lon, lat arrays."""
    inner_by_area: dict[int, BaseGeometry] = {}
    points = []
    for area, key in zip(areas, keys, strict=True):
        target = inner_by_area.get(id(area))
        if target is None:
            target = inner_by_area[id(area)] = _inner_area(area)
        points.append(_point_in(target, key))
    xy = np.array(points, dtype=float).reshape(-1, 2)
    return xy[:, 0], xy[:, 1]
