"""The shipped reference geography: real codes, valid polygons, village points inside their areas."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import boundaries
from roster.synth.config import WEAK_TOWNS

DISTRICT_CODES = {"370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281", "370283", "370285"}


def test_ten_districts_with_gb2260_codes_and_valid_polygons() -> None:
    for detail in ("full", "browser"):
        districts = boundaries.districts(detail)
        assert set(districts["district_code"]) == DISTRICT_CODES
        assert districts.geometry.is_valid.all()
        assert districts.crs.to_epsg() == 4326
    assert set(boundaries.districts()["name"]) == set(boundaries.DISTRICT_NAMES.values())


def test_135_town_polygons_match_the_2023_code_list() -> None:
    codes = boundaries.town_codes()
    towns = boundaries.towns("full", imported=False)
    assert len(codes) == 141 and len(towns) == 135
    assert set(towns["town_code"]) <= set(codes["town_code"])
    merged = towns.merge(codes, on="town_code", suffixes=("", "_list"))
    assert (merged["name"] == merged["name_list"]).all()
    assert (merged["district_code"] == merged["district_code_list"]).all()
    assert towns.geometry.is_valid.all()


def test_weak_towns_all_have_polygons() -> None:
    towns = boundaries.towns("full", imported=False)
    weak = towns[towns["name"].isin(WEAK_TOWNS)]
    assert len(weak) == 10
    assert set(weak["district_code"]) == {"370283", "370285"}


def test_browser_layers_are_small_and_keep_shared_borders() -> None:
    full, simple = boundaries.towns("full", imported=False), boundaries.towns("browser", imported=False)
    assert list(simple["town_code"]) == list(full["town_code"])
    assert simple.geometry.is_valid.all()
    assert (
        shapely.get_num_coordinates(simple.geometry.values).sum()
        < 0.25 * shapely.get_num_coordinates(full.geometry.values).sum()
    )
    # Within each district, neighbouring simplified towns neither overlap nor open gaps along shared borders.
    for _, group in simple.groupby("district_code"):
        geoms = group.geometry.values
        union_area = shapely.union_all(geoms).area
        assert abs(union_area - shapely.area(geoms).sum()) < 1e-9 * max(union_area, 1)
    ratio = shapely.area(simple.geometry.values) / shapely.area(full.geometry.values)
    assert ratio.min() > 0.9 and ratio.max() < 1.1


def test_every_village_point_lies_inside_its_town_and_district() -> None:
    villages = boundaries.villages()
    assert len(villages) == 2120
    points = gpd.GeoSeries(gpd.points_from_xy(villages["lon"], villages["lat"]), crs="EPSG:4326")
    towns = boundaries.towns("full", imported=False).set_index("town_code").geometry
    districts = boundaries.districts("full").set_index("district_code").geometry
    in_district = np.array([districts[d].contains(p) for d, p in zip(villages["district_code"], points, strict=True)])
    assert in_district.all()
    with_town = villages["town_code"].isin(towns.index).to_numpy()
    in_town = np.array(
        [towns[t].contains(p) for t, p in zip(villages.loc[with_town, "town_code"], points[with_town], strict=True)]
    )
    assert in_town.all()
    assert set(villages.loc[~with_town, "point_method"]) == {"generated_in_district"}


def test_plan_catalogue_is_shipped() -> None:
    targets = pd.read_csv(boundaries.REFERENCE_DIR / "plan_targets.csv")
    measures = pd.read_csv(boundaries.REFERENCE_DIR / "plan_measures.csv")
    assert len(targets) == 137 and len(measures) == 225
    assert targets.set_index("id").loc["exit_households_total", "target_value"] == 28535
