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
    table = district_summary(con, Scope(dataset_info(con).as_of)).set_index("district_code")
    columns = ["baseline_households", "baseline_persons", "poor_households", "poor_persons",
               "provincial_villages", "municipal_villages", "villages_exited", "weak_towns"]
    assert table.loc[tiny_roster.PINGDU, columns].tolist() == [3, 5, 0, 0, 1, 0, 1, 1]
    assert table.loc[tiny_roster.LAIXI, columns].tolist() == [1, 3, 2, 6, 0, 1, 0, 1]
    assert table.loc[CITY_CODE, columns].tolist() == [4, 8, 2, 6, 1, 1, 1, 2]
    assert table.loc[CITY_CODE, "district_name"] == "全市"


def test_demo_summary_reproduces_plan_totals(demo: duckdb.DuckDBPyConnection) -> None:
    city = district_summary(demo, Scope(dataset_info(demo).as_of)).set_index("district_code").loc[CITY_CODE]
    assert (city.baseline_households, city.baseline_persons) == (28_535, 63_887)
    assert (city.provincial_villages, city.municipal_villages, city.weak_towns) == (200, 310, 10)
