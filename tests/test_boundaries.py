"""Importing real boundaries: reprojected, matched by code, reported, and used by the maps at once."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import geopandas as gpd
import pytest
import shapely

from analytics.scope import Scope
from geo import boundaries
from geo.boundary_import import BoundaryRefused, import_boundaries
from geo.maps import polygons

PINGDU = "370283"


@pytest.fixture
def db(tmp_path: Path, demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = Path(shutil.copy(demo_db, tmp_path / "base.duckdb"))
    monkeypatch.setenv("DASHBOARD_DB", str(path))
    return path


def _shapefile_zip(frame: gpd.GeoDataFrame, folder: Path) -> Path:
    folder.mkdir()
    frame = frame.copy()
    frame.to_file(folder / "towns.shp", encoding="utf-8")
    archive = folder.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as out:
        for part in folder.iterdir():
            out.write(part, part.name)
    return archive


def test_projected_shapefile_of_towns_replaces_the_shipped_shapes(tmp_path: Path, db: Path) -> None:
    shipped = boundaries.towns("full", imported=False)
    pingdu = shipped[shipped["district_code"] == PINGDU].copy()
    left_out = pingdu["town_code"].iloc[0]
    real = pingdu[pingdu["town_code"] != left_out].copy()
    real["geometry"] = real.geometry.to_crs("EPSG:4547").buffer(300).to_crs("EPSG:4326")  # "real" shapes, 300 m larger
    real = real.assign(XZQDM=real["town_code"] + "000", XZQMC=real["name"])[["XZQDM", "XZQMC", "geometry"]]
    stray = real.iloc[[0]].assign(XZQDM="370283999000", XZQMC="不存在的镇")
    projected = gpd.GeoDataFrame(gpd.pd.concat([real, stray]), crs="EPSG:4326").to_crs(
        "EPSG:4547"
    )  # CGCS2000 / 3-degree GK CM 120E
    result = import_boundaries(db, "town", _shapefile_zip(projected, tmp_path / "towns"))

    statuses = result.report.groupby("status")["code"].apply(set)
    assert statuses["已匹配"] == set(real["XZQDM"].str[:9])
    assert statuses["代码未知（不在2023年统计用区划代码中）"] == {"370283999"}
    assert left_out in statuses["仍无边界（文件中没有）"]
    now = boundaries.towns("full").set_index("town_code").geometry
    target = real.set_index(real["XZQDM"].str[:9]).geometry
    for code in target.index:
        assert now[code].symmetric_difference(target[code]).area < 1e-7 * max(
            target[code].area, 1
        )  # reprojection round trip
    assert now[left_out].equals(shipped.set_index("town_code").geometry[left_out])  # kept from the shipped file
    shown = polygons("town", PINGDU).set_index("area_code").geometry  # the maps use them at once
    code = target.index[0]
    assert shown[code].area == pytest.approx(target[code].area, rel=0.02)
    assert boundaries.boundary_sources().startswith(f"镇界：{len(real)} 个为导入边界")


def test_village_polygons_from_geopackage_replace_generated_points(tmp_path: Path, db: Path) -> None:
    from analytics.distribution import village_points

    con = duckdb.connect(str(db), read_only=True)
    points = village_points(con, Scope(__import__("datetime").date(2017, 9, 1), PINGDU)).head(20)
    squares = gpd.GeoDataFrame(
        {"村代码": points["source_village_code"]},
        geometry=gpd.points_from_xy(points["lon"] + 0.01, points["lat"]).buffer(0.002, cap_style="square"),
        crs="EPSG:4326",
    )
    squares.to_file(tmp_path / "villages.gpkg", layer="村界", driver="GPKG")
    result = import_boundaries(db, "village", tmp_path / "villages.gpkg", code_field="村代码", layer="村界")
    assert result.matched == 20
    moved = boundaries.with_imported_points(points)
    assert (moved["lon"] - points["lon"]).round(6).tolist() == [0.01] * 20
    assert (moved["lat"] - points["lat"]).abs().max() < 1e-9
    assert "村点位：20 个取自导入村界" in boundaries.boundary_sources()


def test_unusable_files_are_refused_with_their_name(tmp_path: Path, db: Path) -> None:
    towns = boundaries.towns("full", imported=False).head(3)
    no_crs = towns.to_crs("EPSG:4547").set_crs(None, allow_override=True)
    no_crs.to_file(tmp_path / "no_crs.geojson", driver="GeoJSON")  # GeoJSON readers then assume degrees
    _shapefile_zip(no_crs.rename(columns={"town_code": "code"})[["code", "geometry"]], tmp_path / "no_prj")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "broken.geojson").write_text("{not json")
    towns[["geometry"]].to_file(tmp_path / "no_codes.geojson", driver="GeoJSON")
    cases = {
        "no_crs.geojson": "不在青岛范围内",
        "notes.txt": "只支持 GeoJSON",
        "broken.geojson": "无法读取为地理数据",
        "no_codes.geojson": "找不到区划代码列",
        "no_prj.zip": "没有坐标系信息",
    }
    for name, words in cases.items():
        with pytest.raises(BoundaryRefused, match=words):
            import_boundaries(db, "town", tmp_path / name)
    assert not boundaries.imported_dir(db).exists()


def test_a_code_in_the_wrong_district_is_reported_not_used(tmp_path: Path, db: Path) -> None:
    towns = boundaries.towns("full", imported=False)
    laixi_shape = towns[towns["district_code"] == "370285"].geometry.iloc[0]
    wrong = gpd.GeoDataFrame(
        {"town_code": [towns[towns["district_code"] == PINGDU]["town_code"].iloc[0]]},
        geometry=[laixi_shape],
        crs="EPSG:4326",
    )
    wrong.to_file(tmp_path / "wrong.geojson", driver="GeoJSON")
    result = import_boundaries(db, "town", tmp_path / "wrong.geojson")
    assert result.matched == 0 and result.written is None
    assert "位置不在所属区市" in result.report["status"].iloc[0]
    assert shapely.equals(
        boundaries.towns("full").set_index("town_code").geometry[wrong["town_code"][0]],
        towns.set_index("town_code").geometry[wrong["town_code"][0]],
    )
