"""Importing department warning clues: matched to households by any member's ID number, unmatched ones kept and
listed, malformed files refused with file · row · column · reason and nothing written, repeats not stored twice,
and the template of a department round-trips."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from analytics.cubes import build_monitoring
from analytics.monitoring.figures import HouseholdFacts, household_facts
from analytics.monitoring.rules import rule_hits
from analytics.scope import Scope
from roster.clue_import import current_database, import_clues, main, template_bytes
from roster.generate import static_tables
from roster.idcard import check_digit
from roster.schema import insert_frame
from roster.snapshot import list_snapshots
from tests import small_roster as sr
from tests.test_ingest import store_hash

HEADER = "身份证号,推送部门,线索类型,所属月份,金额（元）,说明\n"
OUTSIDER = "37028319700505" + "123"
OUTSIDER += check_digit(OUTSIDER)


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = sr.build(tmp_path / "small.duckdb")
    with duckdb.connect(str(path)) as con:
        static = static_tables()
        for table in ("poverty_line", "monitoring_threshold", "warning_rule"):
            insert_frame(con, table, static[table])
    return path


def member_id(con: duckdb.DuckDBPyConnection, household: str) -> str:
    row = con.execute("SELECT id_number FROM person WHERE household_id = $h ORDER BY person_id", {"h": household})
    return str(row.fetchone()[0])


def write(path: Path, text: str, encoding: str = "gbk") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_clues_are_matched_by_any_members_id_and_unmatched_ones_are_kept_and_listed(roster: Path, tmp_path: Path):
    with duckdb.connect(str(roster), read_only=True) as con:
        member = member_id(con, "H01")
    clues = write(
        tmp_path / "医保局_2017-08.csv",
        HEADER + f"{member},医保局,住院自付,2017-08,6000,住院\n{OUTSIDER},医保局,住院自付,2017-08,25000,\n",
    )
    result, snapshot = import_clues(roster, [clues], "测试员", derive=build_monitoring)
    assert snapshot is not None and snapshot.path == current_database(roster)
    assert result.errors == 0 and [(p.row, p.column) for p in result.problems] == [(3, "身份证号")]
    assert "名册外线索" in result.problems[0].reason
    assert OUTSIDER not in result.report.to_string()  # the report masks ID numbers
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        stored = con.execute("SELECT household_id, kind, amount_yuan, detail FROM warning_clue ORDER BY 1").fetchall()
        assert [(h, k, float(a)) for h, k, a, _ in stored] == [
            ("H01", "inpatient", 6000.0),
            (None, "inpatient", 25000.0),
        ]
        assert stored[1][3] == "住院自付"  # an empty 说明 reads as the kind
        assert ("H01", "mi_inpatient_exited") in {
            (h, r)
            for h, r in rule_hits(con, Scope(dt.date(2017, 8, 1)))[["household_id", "rule_id"]].itertuples(index=False)
        }

    # the same file once more: reported, not stored twice
    again, second = import_clues(roster, [clues], "测试员", derive=build_monitoring)
    assert second is not None and sum("已导入过" in p.reason for p in again.problems) == 2
    with duckdb.connect(str(second.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM warning_clue").fetchone() == (2,)


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("37028319800101001X,医保局,住院自付,2017-08,6000,", "身份证号", "校验"),
        ("{id},民政局,住院自付,2017-08,6000,", "线索类型", "不是该推送部门的线索类型"),
        ("{id},医保局,住院自付,2017-08,,", "金额（元）", "须填金额"),
        ("{id},医保局,门诊自付,2017-08,-5,", "金额（元）", "不能小于 0"),
        ("{id},应急管理局,受灾,2017-10,,", "所属月份", "晚于名册截至月份 2017-09"),
        ("{id},教育局,疑似辍学,八月,,", "所属月份", ""),
        ("{id},卫健委,住院自付,2017-08,6000,", "推送部门", ""),
    ],
)
def test_a_malformed_clue_is_refused_naming_row_and_column_and_nothing_is_written(
    roster: Path, tmp_path: Path, line: str, column: str, reason: str
) -> None:
    with duckdb.connect(str(roster), read_only=True) as con:
        member = member_id(con, "H00")
    good = f"{member},公安局,意外伤亡,2017-07,,\n"
    path = write(tmp_path / "线索.csv", HEADER + good + line.format(id=member) + "\n")
    before = store_hash(roster)
    result, snapshot = import_clues(roster, [path], "测试员", derive=build_monitoring)
    assert snapshot is None and result.errors >= 1
    errors = [p for p in result.problems if p.severity == "错误"]
    assert (errors[0].file, errors[0].row, errors[0].column) == ("线索.csv", 3, column), errors
    assert reason in errors[0].reason
    assert store_hash(roster) == before and list_snapshots(roster) == []


def test_files_without_a_clue_sheet_or_its_required_columns_are_refused(roster: Path, tmp_path: Path) -> None:
    other = write(tmp_path / "名单.csv", "户编号,户主姓名\nH00,户主\n")
    result, snapshot = import_clues(roster, [other], "测试员", derive=build_monitoring)
    assert snapshot is None and result.errors == 1 and "没有可导入的部门预警线索" in result.problems[-1].reason
    missing = write(tmp_path / "缺列.csv", "身份证号,线索类型,所属月份\n370283198001010011,住院自付,2017-08\n")
    result, snapshot = import_clues(roster, [missing], "测试员", derive=build_monitoring)
    assert snapshot is None and ("推送部门", "缺少必填列") in {(p.column, p.reason) for p in result.problems}


def test_the_template_of_a_department_round_trips(roster: Path, tmp_path: Path) -> None:
    book = load_workbook(io.BytesIO(template_bytes("医保局")))
    sheet = book["部门预警线索"]
    headers = [c.value for c in sheet[1]]
    assert headers == ["身份证号", "姓名", "推送部门", "线索类型", "所属月份", "金额（元）", "说明"]
    assert {v.formula1 for v in sheet.data_validations.dataValidation} == {'"医保局"', '"住院自付,门诊自付"'}
    with duckdb.connect(str(roster), read_only=True) as con:
        member = member_id(con, "H09")
    sheet.append([member, "某某", "医保局", "门诊自付", "2017年9月", 800, "门诊慢特病"])
    path = tmp_path / "医保局.xlsx"
    book.save(path)
    assert main(["--db", str(roster), "--check", str(path)], derive=build_monitoring) == 0
    assert main(["--db", str(roster), str(path)], derive=build_monitoring) == 0
    with duckdb.connect(str(current_database(roster)), read_only=True) as con:
        assert con.execute("SELECT household_id, kind, month FROM warning_clue").fetchall() == [
            ("H09", "outpatient", dt.date(2017, 9, 1))
        ]


def test_an_id_number_on_the_near_poor_list_is_matched_to_its_household(roster: Path, tmp_path: Path) -> None:
    """A 边缘户 member's clue is stored on its 边缘户 (not as a stranger's) and flags it; the case workflow reads
    its facts from the 边缘户 tables."""
    with duckdb.connect(str(roster)) as con:
        insert_frame(
            con,
            "near_poor_household",
            pd.DataFrame(
                {
                    "near_poor_id": ["N1"],
                    "village_code": ["B2"],
                    "size": [1],
                    "head_name": ["边缘甲"],
                    "head_id_number": [OUTSIDER],
                    "household_id": [None],
                    "registered_month": [None],
                }
            ),
        )
        insert_frame(
            con,
            "near_poor_person",
            pd.DataFrame(
                {
                    "near_poor_id": ["N1"],
                    "name": ["边缘甲"],
                    "id_number": [OUTSIDER],
                    "sex": ["男"],
                    "birth_date": [dt.date(1970, 5, 5)],
                    "relation": ["户主"],
                    "health": ["健康"],
                    "labor_ability": ["普通劳动力"],
                    "school_status": ["非在校生"],
                }
            ),
        )
        insert_frame(
            con,
            "near_poor_income",
            pd.DataFrame({"near_poor_id": ["N1"], "year": [2016], "per_capita_income_yuan": [7000.0]}),
        )
    clues = write(tmp_path / "医保局_2017-08.csv", HEADER + f"{OUTSIDER},医保局,住院自付,2017-08,25000,\n")
    result, snapshot = import_clues(roster, [clues], "测试员", derive=build_monitoring)
    assert snapshot is not None and result.problems == []
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        assert con.execute("SELECT household_id, near_poor_id FROM warning_clue").fetchall() == [(None, "N1")]
        hits = rule_hits(con, Scope(dt.date(2017, 8, 1)))
        assert hits[["household_id", "rule_id"]].values.tolist() == [["N1", "mi_inpatient_other"]]
        facts = household_facts(con, Scope(dt.date(2017, 8, 1)), "N1")
        assert facts == HouseholdFacts(income_above_line=True, months_without_warning=0, has_working_age_labour=True)
