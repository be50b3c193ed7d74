"""Load the shipped district and town boundaries (WGS84) and the village point list."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

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


@lru_cache(maxsize=4)
def towns(detail: str = "browser") -> gpd.GeoDataFrame:
    """Town / sub-district polygons; ``detail`` is ``browser`` (simplified) or ``full``."""
    name = "towns.geojson" if detail == "browser" else "towns_full.geojson"
    return gpd.read_file(REFERENCE_DIR / name).set_crs("EPSG:4326", allow_override=True)


def town_codes() -> pd.DataFrame:
    """The 2023 official list of town-level units (141 rows, 135 of them with a polygon)."""
    return pd.read_csv(REFERENCE_DIR / "towns_2023.csv", dtype=str)


def villages() -> pd.DataFrame:
    """The 2,120 official 2023 village-level units with their generated points."""
    return pd.read_csv(
        REFERENCE_DIR / "villages_2023.csv",
        dtype={"village_code": str, "town_code": str, "district_code": str},
    )
