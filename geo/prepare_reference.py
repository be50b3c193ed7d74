"""Build the shipped reference files in ``data/reference/`` from the project's shared material.

Run once by a developer (``python -m geo.prepare_reference --shared ../shared``); its outputs are
committed, so the product never reads ``../shared`` at run time. ``data/reference/PROVENANCE.md``
describes every output.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo.boundaries import DISTRICT_NAMES, REFERENCE_DIR
from geo.village_points import place_points_in_polygons, village_areas

# Visvalingam-Whyatt tolerance (~ sqrt of removed triangle area, degrees): about 200 m, ~1/5 of the vertices.
BROWSER_TOLERANCE_DEG = 0.002
COPIED_FILES = {
    "plan/targets.csv": "plan_targets.csv",
    "plan/measures.csv": "plan_measures.csv",
    "plan/places.csv": "plan_places.csv",
    "plan/roster_fields.csv": "roster_fields.csv",
    "reference/qingdao_towns_2023.csv": "towns_2023.csv",
}


def _districts(shared: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(shared / "reference/districts_osm.geojson")
    gdf["name"] = gdf["district_code"].map(DISTRICT_NAMES)
    return gdf[["district_code", "name", "osm_id", "geometry"]].sort_values("district_code")


def _towns(shared: Path) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(shared / "reference/towns_osm.geojson")
    return gdf[["town_code", "name", "district_code", "osm_id", "geometry"]].sort_values("town_code")


def _simplified(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify a polygon coverage so that neighbours keep identical shared borders."""
    out = gdf.copy()
    out["geometry"] = shapely.coverage_simplify(gdf.geometry.values, BROWSER_TOLERANCE_DEG)
    out["geometry"] = shapely.set_precision(out.geometry.values, 1e-5)
    return out


def _villages(shared: Path, towns: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    villages = pd.read_csv(shared / "reference/qingdao_villages_2023.csv", dtype=str)
    suffix = villages["village_code"].str[9:].astype(int)
    villages["is_village_committee"] = suffix.between(200, 399)
    has_town_polygon = villages["town_code"].isin(towns["town_code"])
    areas = village_areas(villages["town_code"], villages["district_code"], towns, districts)
    lon, lat = place_points_in_polygons(areas, villages["village_code"].tolist())
    villages["lon"], villages["lat"] = lon.round(6), lat.round(6)
    villages["point_method"] = has_town_polygon.map({True: "generated_in_town", False: "generated_in_district"})
    return villages


def prepare(shared: Path, out: Path = REFERENCE_DIR) -> None:
    """Write every reference file the product ships."""
    out.mkdir(parents=True, exist_ok=True)
    districts, towns = _districts(shared), _towns(shared)
    districts.to_file(out / "districts_full.geojson", driver="GeoJSON")
    towns.to_file(out / "towns_full.geojson", driver="GeoJSON")
    _simplified(districts).to_file(out / "districts.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    _simplified(towns).to_file(out / "towns.geojson", driver="GeoJSON", COORDINATE_PRECISION=5)
    _villages(shared, towns, districts).to_csv(out / "villages_2023.csv", index=False)
    for source, target in COPIED_FILES.items():
        shutil.copyfile(shared / source, out / target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, required=True, help="the project's shared/ folder")
    parser.add_argument("--out", type=Path, default=REFERENCE_DIR)
    args = parser.parse_args()
    prepare(args.shared, args.out)


if __name__ == "__main__":
    main()
