"""The data-quality checks find exactly the faults the generator planted (dataset_fault)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from analytics.quality import (
    district_quality_scores,
    exit_income_heaping,
    exits_below_line,
    invalid_ids,
    persons_in_two_households,
    quality_summary,
    size_mismatches,
    villages_exited_unready,
)
from analytics.scope import Scope
from roster.schema import insert_frame
from tests import small_roster as sr

AS_OF = Scope(dt.date(2017, 9, 1))


def _recorded(con: duckdb.DuckDBPyConnection, kind: str) -> set[str]:
    return {r[0] for r in con.execute("SELECT record_id FROM dataset_fault WHERE fault_type = ?", [kind]).fetchall()}


def test_invalid_ids_are_exactly_the_planted_ones(demo: duckdb.DuckDBPyConnection) -> None:
    found = invalid_ids(demo, AS_OF)
    assert set(found["person_id"]) == _recorded(demo, "invalid_id_check_digit")
    assert set(found["problem"]) == {"校验码错误"}
    assert found["id_number"].str.contains(r"\*{8}").all()  # masked


def test_persons_in_two_households_include_every_planted_copy(demo: duckdb.DuckDBPyConnection) -> None:
    found = persons_in_two_households(demo, AS_OF)
    copies = _recorded(demo, "person_in_two_households")
    assert copies <= set(found["person_id"]) and len(found) == 2 * len(copies)
    assert (found["households"] == 2).all()


def test_exits_below_the_line_are_exactly_the_planted_ones(demo: duckdb.DuckDBPyConnection) -> None:
    assert set(exits_below_line(demo, AS_OF)["household_id"]) == _recorded(demo, "exit_income_below_line")
    assert size_mismatches(demo, AS_OF).empty


def test_income_heaping_bands(demo: duckdb.DuckDBPyConnection) -> None:
    bands = exit_income_heaping(demo, AS_OF)
    assert bands.loc[bands["band_start"] == 0.8, "households"].sum() == 3  # the three planted exits at 80 %
    assert bands["band_start"].between(0.8, 2.0).all()


def test_summary_and_scores_on_the_small_roster(tmp_path_factory: pytest.TempPathFactory) -> None:
    con = duckdb.connect(str(sr.build(tmp_path_factory.mktemp("quality") / "small.duckdb")), read_only=True)
    summary = quality_summary(con, Scope(sr.AS_OF)).set_index("check")["count"]
    exited_without = {
        hh.household_id
        for hh in sr.households()
        if hh.status_at(sr.AS_OF) is not None
        and [k for _, k in hh.events if k in ("exited", "returned")][-1:] == ["exited"]
        and not any(start <= sr.AS_OF for _, _, start in hh.measures)
    }
    assert summary["exits_without_measures"] == len(exited_without)
    assert summary["invalid_ids"] == 0 and summary["duplicate_persons"] == 0
    scores = district_quality_scores(con, Scope(sr.AS_OF)).set_index("area_code")
    for district in (sr.PINGDU, sr.LAIXI):
        active = sum(
            sr.active_at(hh, sr.AS_OF) for hh in sr.households() if sr.DISTRICT_OF_VILLAGE[hh.village] == district
        )
        failing = {
            h
            for h in exited_without
            if sr.DISTRICT_OF_VILLAGE[next(x.village for x in sr.households() if x.household_id == h)] == district
        }
        assert scores.loc[district, "score"] == pytest.approx(max(0.0, round(100 - 1000 * len(failing) / active, 1)))


def test_completeness_per_district_against_the_oracle(tmp_path) -> None:
    from analytics.quality import completeness

    db = sr.build(tmp_path / "small.duckdb")
    active = [hh for hh in sr.households() if sr.active_at(hh, AS_OF.as_of)]
    pingdu = [hh for hh in active if sr.in_scope(hh, sr.PINGDU)]
    with duckdb.connect(str(db)) as con:  # one 平度市 household gets a phone number
        con.execute("UPDATE household SET phone = '13800000000' WHERE household_id = ?", [pingdu[0].household_id])
    con = duckdb.connect(str(db), read_only=True)
    table = completeness(con, AS_OF).set_index("area_code")
    expected = {
        d: sum(sr.in_scope(hh, d) for hh in active)
        for d in (sr.PINGDU, sr.LAIXI)
        if any(sr.in_scope(hh, d) for hh in active)
    }
    assert table["households"].to_dict() == expected
    assert table.loc[sr.PINGDU, "phone"] == pytest.approx(1 / len(pingdu)) and table.loc[sr.LAIXI, "phone"] == 0
    helped = {hh.household_id for n, hh in enumerate(sr.households()) if sr.helper_of(n)[0] is not None}
    for district in expected:
        mine = [hh for hh in active if sr.in_scope(hh, district)]
        share = sum(hh.household_id in helped for hh in mine) / len(mine)
        assert table.loc[district, "helper_name"] == pytest.approx(share)
    assert (table["income_last_year"] == 0).all()
    assert table.loc[sr.PINGDU, "area_name"] == "平度市"


def test_exited_villages_are_judged_against_the_plan_deadlines(tmp_path) -> None:
    """Collective income under 15 万元 in the exit year is a fault at once; incomplete 八项工程 only after
    their own deadline (end-2018), judged on the latest indicator year up to the month."""
    path = sr.build(tmp_path / "villages.duckdb")
    con = duckdb.connect(str(path))
    row = {
        "industries": 1,
        **{
            f"proj_{p}": True
            for p in (
                "road",
                "drinking_water",
                "electricity",
                "culture_square",
                "lighting",
                "irrigation",
                "office",
                "service",
            )
        },
    }
    # A1 exited 2016-06 rich but projects open; A2 exited 2017-07 poor; B1 exited 2016-11, fine in 2016, open in 2018
    indicators = [
        {"village_code": "A1", "year": 2016, "collective_income_wan": 20, **row, "proj_lighting": False},
        {"village_code": "A2", "year": 2017, "collective_income_wan": 9, **row},
        {"village_code": "B1", "year": 2016, "collective_income_wan": 18, **row},
        {"village_code": "B1", "year": 2018, "collective_income_wan": 18, **row, "proj_office": False},
    ]
    insert_frame(con, "village_indicator", pd.DataFrame(indicators))
    before = villages_exited_unready(con, AS_OF)
    assert list(before["village_code"]) == ["A2"]  # 2017-09: only the income fault; the 八项工程 have until 2018-12
    after = villages_exited_unready(con, Scope(dt.date(2019, 1, 1)))
    assert list(after["village_code"]) == ["A1", "A2", "B1"]
    assert after.set_index("village_code").loc["B1", "projects_complete"] == False  # noqa: E712 — 2018 row
