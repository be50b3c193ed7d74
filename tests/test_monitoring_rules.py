"""The early-warning rules on hand-made clues over the small roster: each department threshold at its edge,
the windows (this year, one month, the last 3 months), who a rule applies to, income against the lines, and
no clue after the month read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import duckdb
import pandas as pd
import pytest

from analytics.monitoring.rules import flagged_by_area, flagged_households, household_labels, rule_hits
from analytics.scope import Scope
from roster.generate import static_tables
from roster.schema import insert_frame
from storage.db import single
from tests import small_roster as sr

AT = dt.date(2017, 9, 1)
# (household, kind, month, amount): H00, H01, H09, H10, H18, H19, H27, H28 are exited at 2017-09 (templates 0, 1),
# H07 and H16 poor (template 7), H11, H20, H29 exited again after a return (template 2).
CLUES = [
    ("H00", "inpatient", "2017-03", 3000.00),
    ("H00", "inpatient", "2017-08", 1999.99),  # 4,999.99 this year: below 5,000
    ("H01", "inpatient", "2017-03", 3000.00),
    ("H01", "inpatient", "2017-08", 2000.00),  # exactly 5,000: triggers
    ("H09", "inpatient", "2016-12", 10000.00),  # last year's stay does not count this year
    ("H07", "inpatient", "2017-05", 19999.99),  # poor household: 20,000 applies
    ("H16", "inpatient", "2017-05", 20000.00),
    ("H10", "outpatient", "2017-09", 499.99),
    ("H18", "outpatient", "2017-07", 500.00),  # in the window (07, 08, 09)
    ("H27", "outpatient", "2017-06", 800.00),  # before the window
    ("H19", "dropout", "2017-07", None),
    ("H28", "accident", "2017-06", None),  # before the window
    ("H11", "inpatient", "2017-10", 50000.00),  # after the month: not read
]
# 2016 incomes: H18 and H27 exited in 2016-03; H20 exited (again) only in 2017-06, so its 2016 income is no warning.
INCOME_2016 = {"H18": 6899.99, "H27": 4599.00, "H00": 6900.00, "H20": 4599.00}


@pytest.fixture(scope="module")
def warned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = sr.build(tmp_path_factory.mktemp("warning") / "small.duckdb")
    with duckdb.connect(str(path)) as con:
        static = static_tables()
        for table in ("poverty_line", "monitoring_threshold", "warning_rule"):
            insert_frame(con, table, static[table])
        heads = dict(con.execute("SELECT household_id, head_id_number FROM household").fetchall())
        clues = pd.DataFrame(CLUES, columns=["household_id", "kind", "month", "amount_yuan"])
        clues["month"] = pd.to_datetime(clues["month"]).dt.date
        clues["clue_id"] = range(1, len(clues) + 1)
        clues["id_number"] = clues["household_id"].map(heads)
        clues["source_zh"] = clues["kind"].map({"dropout": "教育局", "accident": "公安局"}).fillna("医保局")
        clues["detail"] = "测试线索"
        insert_frame(con, "warning_clue", clues)
        income = pd.DataFrame(
            {"household_id": list(INCOME_2016), "year": 2016, "per_capita_income_yuan": list(INCOME_2016.values())}
        )
        insert_frame(con, "income", income)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def hits(con: duckdb.DuckDBPyConnection, scope: Scope) -> set[tuple[str, str]]:
    return set(rule_hits(con, scope)[["household_id", "rule_id"]].itertuples(index=False, name=None))


def test_each_threshold_triggers_at_its_edge_and_not_below(warned: duckdb.DuckDBPyConnection) -> None:
    assert hits(warned, Scope(AT)) == {
        ("H01", "mi_inpatient_exited"),
        ("H16", "mi_inpatient_other"),
        ("H18", "mi_outpatient"),
        ("H18", "income_below_monitoring"),
        ("H19", "edu_dropout"),
        ("H27", "income_below_monitoring"),
        ("H27", "income_below_line"),
    }


def test_evidence_is_the_amount_the_rule_read(warned: duckdb.DuckDBPyConnection) -> None:
    frame = rule_hits(warned, Scope(AT)).set_index("rule_id")
    assert float(frame.loc["mi_inpatient_exited", "evidence"]) == 5000.00
    assert float(frame.loc["mi_outpatient", "evidence"]) == 500.00
    assert frame.loc["edu_dropout", "evidence"] == 1
    assert frame.loc["mi_inpatient_exited", "last_month"].date() == dt.date(2017, 8, 1)


def test_an_earlier_month_reads_only_the_clues_up_to_it(warned: duckdb.DuckDBPyConnection) -> None:
    # 2017-06: H27's 800 元 and H28's accident are in the window, H18 and H19 not yet; H01 has only 3,000 元.
    june = hits(warned, Scope(dt.date(2017, 6, 1)))
    assert {("H27", "mi_outpatient"), ("H28", "ps_accident")} <= june
    assert not {h for h, _ in june} & {"H01", "H19", "H11"} and ("H18", "mi_outpatient") not in june
    # 2017-10 reads H11's stay of that month.
    assert ("H11", "mi_inpatient_exited") in hits(warned, Scope(dt.date(2017, 10, 1)))


def test_flagged_households_red_first_with_their_reasons_in_scope(warned: duckdb.DuckDBPyConnection) -> None:
    flagged = flagged_households(warned, Scope(AT))
    assert flagged["tier"].tolist() == ["红", "红", "红", "黄", "黄"]
    h27 = flagged.set_index("household_id").loc["H27"]
    assert (h27["tier"], h27["rules"]) == ("红", 2)
    assert h27["reasons"] == "上年人均纯收入低于扶贫标准；上年人均纯收入低于监测线"
    assert set(flagged["head_name"]) == {"户*"}  # masked
    laixi = flagged_households(warned, Scope(AT, sr.LAIXI))
    villages = dict(warned.execute("SELECT household_id, village_code FROM household").fetchall())
    assert set(laixi["household_id"]) == {h for h in flagged["household_id"] if villages[h].startswith("B")}


def test_flagged_households_by_area_count_each_household_once(warned: duckdb.DuckDBPyConnection) -> None:
    """H27 and H18 have two rules each and count once; the count per town is the fixture's flagged households by
    town."""
    by_town = flagged_by_area(warned, Scope(AT), "town").set_index("area_code")
    villages = dict(warned.execute("SELECT household_id, village_code FROM household").fetchall())
    expected_red = {"H01", "H16", "H27"}
    expected = {h for h, _ in hits(warned, Scope(AT))}
    for town in {sr.TOWN_OF_VILLAGE[villages[h]] for h in expected}:
        mine = {h for h in expected if sr.TOWN_OF_VILLAGE[villages[h]] == town}
        assert by_town.loc[town, "flagged"] == len(mine)
        assert by_town.loc[town, "red"] == len(mine & expected_red)
    assert by_town["flagged"].sum() == 5


def test_household_labels_stay_inside_the_scope_and_are_masked(warned: duckdb.DuckDBPyConnection) -> None:
    """The visit list names unflagged high-risk households through ``household_labels``: only those in the scope."""
    labels = household_labels(warned, Scope(AT, sr.LAIXI), ("H00", "H04"))  # H00 lives in 平度市, H04 in 莱西市
    assert labels["household_id"].tolist() == ["H04"] and labels["head_name"].tolist() == ["户*"]


# 边缘户 (near-poor households off the roster): N1 and N2 are watched at 2017-09; N3 was registered in 2017-08 (its
# clues now belong to its roster household) and is no longer watched.
NEAR_POOR = [("N1", "A4", None), ("N2", "B2", None), ("N3", "A3", "2017-08")]
NEAR_POOR_CLUES = [
    ("N1", "inpatient", "2017-04", 19999.99),  # off the roster 20,000 applies, not 5,000
    ("N2", "inpatient", "2017-02", 12000.00),
    ("N2", "inpatient", "2017-07", 8000.00),  # 20,000 this year: triggers
    ("N2", "disaster", "2017-08", None),
    ("N3", "accident", "2017-07", None),
]
NEAR_POOR_INCOME_2016 = {"N1": 4000.00}  # below the line, but the shipped income rules apply to exited households


@pytest.fixture(scope="module")
def near_poor(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = sr.build(tmp_path_factory.mktemp("near_poor") / "small.duckdb")
    with duckdb.connect(str(path)) as con:
        static = static_tables()
        for table in ("poverty_line", "monitoring_threshold", "warning_rule"):
            insert_frame(con, table, static[table])
        ids = {n: f"37028319700101{i:03d}X" for i, (n, _, _) in enumerate(NEAR_POOR)}
        households = pd.DataFrame(NEAR_POOR, columns=["near_poor_id", "village_code", "registered_month"])
        households["registered_month"] = pd.to_datetime(households["registered_month"]).dt.date
        registered_as = single(con.execute("SELECT min(household_id) FROM household WHERE village_code = 'A3'"))
        households = households.assign(
            size=1,
            head_name=["边缘甲", "边缘乙", "边缘丙"],
            head_id_number=households["near_poor_id"].map(ids),
            household_id=[None, None, registered_as],
        )
        insert_frame(con, "near_poor_household", households)
        members = households[["near_poor_id", "head_name", "head_id_number"]].rename(
            columns={"head_name": "name", "head_id_number": "id_number"}
        )
        members = members.assign(
            sex="男",
            birth_date=dt.date(1970, 1, 1),
            relation="户主",
            health="健康",
            labor_ability="普通劳动力",
            school_status="非在校生",
        )
        insert_frame(con, "near_poor_person", members)
        insert_frame(
            con,
            "near_poor_income",
            pd.DataFrame(
                {
                    "near_poor_id": list(NEAR_POOR_INCOME_2016),
                    "year": 2016,
                    "per_capita_income_yuan": list(NEAR_POOR_INCOME_2016.values()),
                }
            ),
        )
        clues = pd.DataFrame(NEAR_POOR_CLUES, columns=["near_poor_id", "kind", "month", "amount_yuan"])
        clues = clues.assign(
            clue_id=range(1, len(clues) + 1),
            household_id=None,
            month=pd.to_datetime(clues["month"]).dt.date,
            id_number=clues["near_poor_id"].map(ids),
            source_zh=clues["kind"].map({"disaster": "应急管理局", "accident": "公安局"}).fillna("医保局"),
            detail="测试线索",
        )
        insert_frame(con, "warning_clue", clues)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def test_near_poor_households_are_watched_until_registered_with_the_other_thresholds(
    near_poor: duckdb.DuckDBPyConnection,
) -> None:
    found = rule_hits(near_poor, Scope(AT))
    assert set(found[["household_id", "rule_id"]].itertuples(index=False, name=None)) == {
        ("N2", "mi_inpatient_other"),
        ("N2", "em_disaster"),
    }
    assert found["near_poor"].all()
    assert float(found.set_index("rule_id").loc["mi_inpatient_other", "evidence"]) == 20000.00
    # Before its registration N3 was watched: its accident of 2017-07 flags it in that month.
    assert ("N3", "ps_accident") in hits(near_poor, Scope(dt.date(2017, 7, 1)))


def test_flagged_near_poor_households_are_counted_and_named_masked(near_poor: duckdb.DuckDBPyConnection) -> None:
    flagged = flagged_households(near_poor, Scope(AT)).set_index("household_id")
    assert flagged.loc["N2", "tier"] == "红" and bool(flagged.loc["N2", "near_poor"])
    assert flagged.loc["N2", "head_name"] == "边*乙"  # masked
    assert flagged_by_area(near_poor, Scope(AT, sr.LAIXI), "town")["flagged"].sum() == 1  # N2 lives in B2
    assert flagged_households(near_poor, Scope(AT, sr.PINGDU)).empty
    labels = household_labels(near_poor, Scope(AT), (), ("N1",))
    assert labels["household_id"].tolist() == ["N1"] and labels["near_poor"].tolist() == [True]
