"""Import real town or village boundaries (GeoJSON, zipped Shapefile, GeoPackage), matched by code.

    python -m geo.boundary_import --db PATH --level town|village [--code-field NAME] [--layer NAME] FILE

Features are reprojected to WGS84 (a file without a coordinate system is refused unless its coordinates
are plainly longitude/latitude), repaired, and matched to the 2023 codes by a code column (found by name
or given). Matched areas are written next to the database (``X.snapshots/boundaries/``, atomically) and
replace the shipped approximate town shapes or the generated village points at once; a report lists
every feature and area: matched, code unknown, outside its district, or still without a boundary.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import boundaries
from storage.files import use_private_umask
from storage.values import missing

LEVELS = {"town": 9, "village": 12}
CODE_FIELDS = (
    "code",
    "town_code",
    "village_code",
    "区划代码",
    "统计用区划代码",
    "行政区划代码",
    "XZQDM",
    "XZQHDM",
    "PAC",
    "ADCODE",
    "CODE",
)
NAME_FIELDS = ("name", "名称", "XZQMC", "NAME")
SUFFIXES = (".geojson", ".json", ".zip", ".gpkg")
BROWSER_TOLERANCE_DEG = 0.0008
QINGDAO_BOUNDS = (119.3, 35.3, 121.2, 37.2)


class BoundaryRefused(Exception):
    """The file cannot be used; the message (Chinese) names it and says why."""


@dataclass(frozen=True)
class BoundaryReport:
    level: str
    matched: int
    report: pd.DataFrame  # code, name, status (已匹配 / 代码未知 / 位置不在所属区市 / 仍无边界)
    written: Path | None


def _read(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    if path.suffix.lower() not in SUFFIXES:
        raise BoundaryRefused(f"{path.name}：只支持 GeoJSON、Shapefile（zip 压缩包）和 GeoPackage")
    source = f"zip://{path}" if path.suffix.lower() == ".zip" else str(path)
    try:
        return gpd.read_file(source, layer=layer) if layer else gpd.read_file(source)
    except Exception as err:  # damaged or disguised file: report, never crash
        raise BoundaryRefused(f"{path.name}：无法读取为地理数据（{type(err).__name__}）") from None


def _to_wgs84(frame: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds
        if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
            raise BoundaryRefused(f"{name}：文件没有坐标系信息（缺少 .prj），且坐标不是经纬度，无法换算")
        frame = frame.set_crs("EPSG:4326")
    frame = frame.to_crs("EPSG:4326")
    minx, miny, maxx, maxy = frame.total_bounds
    west, south, east, north = QINGDAO_BOUNDS
    if not (west <= minx and maxx <= east and south <= miny and maxy <= north):
        raise BoundaryRefused(
            f"{name}：换算为经纬度后不在青岛范围内（{minx:.2f}–{maxx:.2f}°E，{miny:.2f}–{maxy:.2f}°N），请检查坐标系"
        )
    return frame


def _codes(frame: gpd.GeoDataFrame, level: str, field: str | None, name: str) -> pd.Series:
    """Codes of the level (9-digit towns accept 12-digit codes ending 000)."""
    candidates = [field] if field else [c for c in CODE_FIELDS if c in frame.columns]
    if not candidates or candidates[0] not in frame.columns:
        raise BoundaryRefused(f"{name}：找不到区划代码列（可用 --code-field 指定；已查找 {'、'.join(CODE_FIELDS)}）")
    raw = frame[candidates[0]].map(
        lambda v: "" if missing(v) else str(int(v)) if isinstance(v, float) else str(v).strip()
    )
    width = LEVELS[level]
    return raw.map(lambda c: c[:width] if len(c) == 12 and level == "town" and c.endswith("000") else c)


def _known(level: str) -> pd.DataFrame:
    """Codes, names and districts of the level's official units."""
    if level == "town":
        return boundaries.town_codes()[["town_code", "name", "district_code"]].rename(columns={"town_code": "code"})
    return boundaries.villages()[["village_code", "name", "district_code"]].rename(columns={"village_code": "code"})


def _in_district(geometry: gpd.GeoSeries, districts: pd.Series) -> pd.Series:
    shapes = boundaries.districts("full").set_index("district_code").geometry
    inside = [
        shapes.get(d) is not None and shapes[d].buffer(0.01).contains(g.representative_point())
        for g, d in zip(geometry, districts, strict=True)
    ]
    return pd.Series(inside, index=geometry.index)


def import_boundaries(
    db: Path, level: str, path: Path, code_field: str | None = None, layer: str | None = None
) -> BoundaryReport:
    """Read, reproject, match and (when anything matched) store the boundaries of one level."""
    frame = _to_wgs84(_read(path, layer), path.name)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty].copy()
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    frame["code"] = _codes(frame, level, code_field, path.name)
    known = _known(level)
    matched = frame.merge(known, on="code", how="inner", suffixes=("_file", ""))
    matched = matched[~matched.duplicated("code")]
    placed = _in_district(matched.geometry, matched["district_code"]) if len(matched) else pd.Series(dtype=bool)
    good = gpd.GeoDataFrame(matched[placed.to_numpy(dtype=bool)], geometry="geometry", crs="EPSG:4326")
    rows = [(c, n, "已匹配") for c, n in zip(good["code"], good["name"], strict=True)]
    rows += [
        (c, n, "位置不在所属区市（请核对代码或坐标系）")
        for c, n in zip(
            matched.loc[~placed.to_numpy(dtype=bool), "code"],
            matched.loc[~placed.to_numpy(dtype=bool), "name"],
            strict=True,
        )
    ]
    file_names = (
        frame[[c for c in NAME_FIELDS if c in frame.columns][0]]
        if any(c in frame.columns for c in NAME_FIELDS)
        else pd.Series("", index=frame.index)
    )
    unknown = ~frame["code"].isin(known["code"])
    rows += [
        (c, str(n), "代码未知（不在2023年统计用区划代码中）")
        for c, n in zip(frame.loc[unknown, "code"], file_names[unknown], strict=True)
    ]
    rows += [
        (c, n, "仍无边界（文件中没有）")
        for c, n in zip(known["code"], known["name"], strict=True)
        if c not in set(matched["code"])
    ]
    report = pd.DataFrame(rows, columns=["code", "name", "status"])
    written = _store(db, level, good) if len(good) else None
    return BoundaryReport(level, len(good), report, written)


def _store(db: Path, level: str, frame: gpd.GeoDataFrame) -> Path:
    """Write the matched boundaries atomically (and, for towns, a simplified copy for the browser)."""
    folder = boundaries.imported_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    key = f"{level}_code"
    frame = frame.rename(columns={"code": key})[[key, "name", "district_code", "geometry"]].sort_values(key)
    outputs = {f"{level}s_full.geojson": frame}
    if level == "town":
        simple = frame.copy()
        simple["geometry"] = shapely.set_precision(
            shapely.coverage_simplify(frame.geometry.values, BROWSER_TOLERANCE_DEG), 1e-5
        )
        outputs["towns.geojson"] = simple
    else:
        points = frame.copy()
        points["geometry"] = frame.geometry.representative_point()
        outputs["villages_points.geojson"] = points
    for name, data in outputs.items():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")
        os.close(handle)
        data.to_file(temporary, driver="GeoJSON")
        os.replace(temporary, folder / name)
    return folder / f"{level}s_full.geojson"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.boundary_import", description="导入镇（街道）或村级边界")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--level", choices=list(LEVELS), required=True)
    parser.add_argument("--code-field", help="区划代码所在的列名")
    parser.add_argument("--layer", help="GeoPackage 图层名")
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    use_private_umask()
    if not args.file.exists():
        print(f"错误：找不到文件 {args.file}", file=sys.stderr)
        return 2
    try:
        result = import_boundaries(args.db, args.level, args.file, args.code_field, args.layer)
    except BoundaryRefused as err:
        print(f"错误：{err}", file=sys.stderr)
        return 1
    for status, count in result.report["status"].value_counts().items():
        print(f"{status}：{count}")
    print(f"已写入 {result.written}" if result.written else "没有可用的边界，未写入")
    return 0 if result.written else 1


if __name__ == "__main__":
    sys.exit(main())
