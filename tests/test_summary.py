"""The dataset summary page's figures, on the tiny roster and on the demo roster."""

from __future__ import annotations

from pathlib import Path

import duckdb

from analytics.dataset import dataset_info
from analytics.scope import CITY_CODE, Scope
from analytics.summary import district_summary
from tests import tiny_roster


def test_district_summary_on_tiny_roster(tmp_path: Path) -> None:
    con = duckdb.connect(str(tiny_roster.build(tmp_path / "tiny.duckdb")), read_only=True)
    table = district_summary(con, Scope(dataset_info(con).as_of)).set_index("area_code")
    columns = [
        "baseline_households",
        "baseline_persons",
        "poor_households",
        "poor_persons",
        "provincial_villages",
        "municipal_villages",
        "villages_exited",
        "weak_towns",
    ]
    assert table.loc[tiny_roster.PINGDU, columns].tolist() == [3, 5, 0, 0, 1, 0, 1, 1]
    assert table.loc[tiny_roster.LAIXI, columns].tolist() == [1, 3, 2, 6, 0, 1, 0, 1]
    assert table.loc[CITY_CODE, columns].tolist() == [4, 8, 2, 6, 1, 1, 1, 2]
    assert table.loc[CITY_CODE, "area_name"] == "全市"


def test_demo_summary_reproduces_plan_totals(demo: duckdb.DuckDBPyConnection) -> None:
    city = district_summary(demo, Scope(dataset_info(demo).as_of)).set_index("area_code").loc[CITY_CODE]
    assert (city.baseline_households, city.baseline_persons) == (28_535, 63_887)
    assert (city.provincial_villages, city.municipal_villages, city.weak_towns) == (200, 310, 10)


def test_summary_follows_the_chosen_area(demo: duckdb.DuckDBPyConnection) -> None:
    """Issue 14 (sessions): 数据概况 used to show the whole city while the sidebar said 平度市 · 蓼兰镇."""
    from analytics.progress import progress_figures

    as_of = dataset_info(demo).as_of
    town = Scope(as_of, "370283", "370283108")
    table = district_summary(demo, town).set_index("area_code")
    figures = progress_figures(demo, town)
    assert all(code.startswith("370283108") for code in table.index)
    assert table.loc["370283108", "baseline_households"] == figures.baseline_households
    assert table.drop(index="370283108")["baseline_households"].sum() == figures.baseline_households
    village = district_summary(demo, Scope(as_of, "370283", "370283108", "370283108201")).set_index("area_code")
    assert "370283108" in village.index  # a village scope summarises its town
