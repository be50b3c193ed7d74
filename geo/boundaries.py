"""Load the district and town boundaries (WGS84) and the village point list.

Town polygons and village points come from the shipped reference files, replaced area by area by real
boundaries imported for the database in use (``geo.boundary_import``), which take effect at once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from storage.db import database_path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
OSM_ATTRIBUTION = "© OpenStreetMap contributors"

# GB/T 2260 codes in force since 2017 (即墨市 370282 became 即墨区 370215).
DISTRICT_NAMES: dict[str, str] = {
    "370202": "市南区",
    "370203": "市北区",
    "370211": "黄岛区",
    "370212": "崂山区",
    "370213": "李沧区",
    "370214": "城阳区",
    "370215": "即墨区",
    "370281": "胶州市",
    "370283": "平度市",
    "370285": "莱西市",
}


@lru_cache(maxsize=4)
def districts(detail: str = "browser") -> gpd.GeoDataFrame:
    """District polygons; ``detail`` is ``browser`` (simplified) or ``full``."""
    name = "districts.geojson" if detail == "browser" else "districts_full.geojson"
    return gpd.read_file(REFERENCE_DIR / name).set_crs("EPSG:4326", allow_override=True)


def imported_dir(db: Path | None = None) -> Path:
    """Where imported boundaries of a database (by default the dashboard's) are kept."""
    db = db or database_path()
    return db.with_name(db.stem + ".snapshots") / "boundaries"


def boundaries_version() -> float:
    """Changes whenever boundaries are imported (for cache keys)."""
    folder = imported_dir()
    return max((_version(p) for p in folder.glob("*.geojson")), default=0.0) if folder.is_dir() else 0.0


def _version(path: Path) -> float:
    return path.stat().st_mtime if path.exists() else 0.0


def towns(detail: str = "browser", imported: bool = True) -> gpd.GeoDataFrame:
    """Town / sub-district polygons; ``detail`` is ``browser`` (simplified) or ``full``; imported ones win
    unless ``imported`` is False (the generator and reference checks use the shipped ones only)."""
    name = "towns.geojson" if detail == "browser" else "towns_full.geojson"
    real = imported_dir() / name
    return _towns(name, str(real), _version(real) if imported else 0.0)


@lru_cache(maxsize=8)
def _towns(name: str, imported: str, version: float) -> gpd.GeoDataFrame:
    shipped = gpd.read_file(REFERENCE_DIR / name).set_crs("EPSG:4326", allow_override=True)
    if not version:
        return shipped
    real = gpd.read_file(imported).set_crs("EPSG:4326", allow_override=True)
    kept = shipped[~shipped["town_code"].isin(real["town_code"])]
    merged = pd.concat([kept, real[["town_code", "name", "district_code", "geometry"]]], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs="EPSG:4326").sort_values("town_code", ignore_index=True)


def imported_village_points() -> pd.DataFrame:
    """village_code, lon, lat of villages with an imported boundary (its representative point)."""
    path = imported_dir() / "villages_points.geojson"
    return _village_points(str(path), _version(path))


@lru_cache(maxsize=4)
def _village_points(path: str, version: float) -> pd.DataFrame:
    if not version:
        return pd.DataFrame(columns=["village_code", "lon", "lat"])
    points = gpd.read_file(path)
    return pd.DataFrame({"village_code": points["village_code"], "lon": points.geometry.x, "lat": points.geometry.y})


def with_imported_points(villages: pd.DataFrame) -> pd.DataFrame:
    """Village rows (``source_village_code``, lon, lat) with imported boundary points replacing generated ones."""
    real = imported_village_points().set_index("village_code")
    if real.empty:
        return villages
    found = villages["source_village_code"].isin(real.index)
    out = villages.copy()
    out.loc[found, "lon"] = villages.loc[found, "source_village_code"].map(real["lon"])
    out.loc[found, "lat"] = villages.loc[found, "source_village_code"].map(real["lat"])
    return out


def town_codes() -> pd.DataFrame:
    """The 2023 official list of town-level units (141 rows, 135 of them with a polygon)."""
    return pd.read_csv(REFERENCE_DIR / "towns_2023.csv", dtype=str)


def villages() -> pd.DataFrame:
    """The 2,120 official 2023 village-level units with their generated points."""
    return pd.read_csv(
        REFERENCE_DIR / "villages_2023.csv",
        dtype={"village_code": str, "town_code": str, "district_code": str},
    )


@lru_cache(maxsize=4)
def _feature_count(path: str, version: float) -> int:
    return len(gpd.read_file(path)) if version else 0


def boundary_sources() -> str:
    """Where the drawn town shapes and village points come from, for the map caption."""
    real = imported_dir() / "towns_full.geojson"
    imported_towns = _feature_count(str(real), _version(real))
    towns_text = (
        f"镇界：{imported_towns} 个为导入边界，其余 OpenStreetMap（ODbL）"
        if imported_towns
        else "边界：OpenStreetMap（ODbL）"
    )
    points = len(imported_village_points())
    villages_text = (
        f"村点位：{points:,} 个取自导入村界，其余为生成位置（仅示意）" if points else "村点位为生成位置，仅示意"
    )
    return f"{towns_text} · {villages_text}"
