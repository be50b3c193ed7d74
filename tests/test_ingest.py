"""Validation of roster files: clean exports pass, every malformed input is named by file, row and column."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import Workbook

from roster.fields import fields_of
from roster.ingest import validate
from tests import small_roster as sr
from tests.conftest import PROJECT_DIR

CURRENT_MEMBERS = "NOT EXISTS (SELECT 1 FROM status_event e WHERE e.person_id = p.person_id AND e.event_type = 'removed')"


def export(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The roster's households and current members under the template's Chinese headers."""
    frames = {}
    for table, sql in (("household", "SELECT * FROM household"), ("person", f"SELECT * FROM person p WHERE {CURRENT_MEMBERS}")):
        frame = con.execute(sql).df()
        fields = fields_of(table)
        shown = pd.DataFrame({f.header: frame[f.column] for f in fields})
        for f in fields:
            if f.kind == "month":
                shown[f.header] = pd.to_datetime(frame[f.column]).dt.strftime("%Y-%m")
            elif f.kind == "date":
                shown[f.header] = pd.to_datetime(frame[f.column]).dt.strftime("%Y-%m-%d")
            elif f.kind == "bool":
                shown[f.header] = frame[f.column].map({True: "是", False: "否"})
        frames[table] = shown
    return frames


@pytest.fixture(scope="module")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, duckdb.DuckDBPyConnection]:
    folder = tmp_path_factory.mktemp("ingest")
    con = duckdb.connect(str(sr.build(folder / "small.duckdb")), read_only=True)
    frames = export(con)
    with pd.ExcelWriter(folder / "名册.xlsx") as writer:
        frames["household"].to_excel(writer, sheet_name="户表", index=False)
        frames["person"].to_excel(writer, sheet_name="人员表", index=False)
    frames["household"].to_csv(folder / "户表.csv", index=False, encoding="gbk")
    frames["person"].to_csv(folder / "人员表.csv", index=False, encoding="utf-8-sig")
    return folder, con


def test_clean_exports_pass_in_xlsx_and_gbk_csv(small_files) -> None:
    folder, con = small_files
    assert validate([folder / "名册.xlsx"], con).empty
    assert validate([folder / "户表.csv", folder / "人员表.csv"], con).empty


def _problem(report: pd.DataFrame, reason: str) -> pd.Series:
    rows = report[report["问题"].str.contains(reason, regex=False)]
    assert len(rows), f"no problem containing {reason!r} in\n{report}"
    return rows.iloc[0]


def test_the_demo_roster_shows_exactly_its_planted_id_faults(tmp_path: Path, demo: duckdb.DuckDBPyConnection) -> None:
    frames = export(demo)
    frames["household"].to_csv(tmp_path / "户表.csv", index=False, encoding="gb18030")
    frames["person"].to_csv(tmp_path / "人员表.csv", index=False, encoding="gb18030")
    report = validate([tmp_path / "户表.csv", tmp_path / "人员表.csv"], demo)
    bad_ids = report[report["问题"].str.startswith("身份证号校验码错误")]
    planted = {r[0] for r in demo.execute("SELECT p.id_number FROM dataset_fault f JOIN person p ON p.person_id = f.record_id WHERE fault_type = 'invalid_id_check_digit'").fetchall()}
    assert set(bad_ids["值"]) == planted
    twice = report[report["问题"] == "同一身份证号出现在多户"]
    copies = {r[0] for r in demo.execute("SELECT p.id_number FROM dataset_fault f JOIN person p ON p.person_id = f.record_id WHERE fault_type = 'person_in_two_households'").fetchall()}
    assert set(twice["值"]) == copies and len(twice) == 2 * len(copies)


def _write(path: Path, frame: pd.DataFrame, encoding: str = "utf-8") -> Path:
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def test_malformed_inputs_are_named(tmp_path: Path, small_files) -> None:
    folder, con = small_files
    households = pd.read_excel(folder / "名册.xlsx", sheet_name="户表", dtype=str)
    persons = pd.read_excel(folder / "名册.xlsx", sheet_name="人员表", dtype=str)

    broken = households.copy()
    broken.loc[0, "家庭人口数"] = "三"
    broken.loc[1, "首次识别时间"] = "去年"
    broken.loc[2, "贫困户属性"] = "低保户"
    broken.loc[3, "行政村代码"] = "999999999999"
    broken.loc[4, "户编号"] = broken.loc[3, "户编号"]
    report = validate([_write(tmp_path / "户表.csv", broken), folder / "人员表.csv"], con)
    row = _problem(report, "应为整数")
    assert (row["文件"], row["行"], row["列"], row["值"]) == ("户表.csv", 2, "家庭人口数", "三")
    assert _problem(report, "无法识别的月份“去年”")["行"] == 3
    assert _problem(report, "是否为“低保贫困户”")["列"] == "贫困户属性"
    assert _problem(report, "未知的村代码")["值"] == "999999999999"
    assert _problem(report, "重复")["行"] == 6

    people = persons.copy()
    people.loc[0, "公民身份号码"] = people.loc[0, "公民身份号码"][:17] + ("0" if people.loc[0, "公民身份号码"][17] != "0" else "1")
    people.loc[1, "出生日期"] = "1990-05-05"
    report = validate([folder / "户表.csv", _write(tmp_path / "人员表.csv", people, "gbk")], con)
    assert _problem(report, "身份证号校验码错误")["行"] == 2
    assert _problem(report, "出生日期 1990-05-05")["行"] == 3

    missing = households.drop(columns=["户主姓名"])
    report = validate([_write(tmp_path / "缺列.csv", missing.rename(columns={"户编号": "户码"}))], con)
    assert "未找到户表或人员表的表头" in report.iloc[0]["问题"] or _problem(report, "缺少必填列")["列"] == "户主姓名"


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "fake.xlsx").write_bytes(b"not a workbook")
    (tmp_path / "latin.csv").write_bytes("户编号,户主姓名\n".encode("utf-16"))
    (tmp_path / "only_header.csv").write_text("户编号,户主姓名,行政村代码\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    report = validate([tmp_path / n for n in ("empty.csv", "fake.xlsx", "latin.csv", "only_header.csv", "notes.txt")])
    reasons = dict(zip(report["文件"], report["问题"]))
    assert reasons["empty.csv"] == "empty.csv：文件为空"
    assert "无法作为 Excel 文件打开" in reasons["fake.xlsx"]
    assert "无法识别的文字编码" in reasons["latin.csv"] or "未找到" in reasons["latin.csv"]
    assert "只有表头" in report[report["文件"] == "only_header.csv"]["问题"].str.cat()
    assert "只支持 .csv 和 .xlsx" in reasons["notes.txt"]


def test_merged_header_rows_hidden_sheets_and_formulas(tmp_path: Path, small_files) -> None:
    folder, con = small_files
    households = pd.read_excel(folder / "名册.xlsx", sheet_name="户表", dtype=str)
    book = Workbook()
    sheet = book.active
    sheet.title = "户表"
    sheet.append(["建档立卡贫困户信息表（2017年）"])  # a title row above the headers
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(households.columns))
    sheet.append(list(households.columns))
    for values in households.itertuples(index=False):
        sheet.append(list(values))
    sheet.cell(row=3, column=list(households.columns).index("家庭人口数") + 1, value="=1+1")  # never evaluated
    hidden = book.create_sheet("说明")
    hidden.sheet_state = "hidden"
    hidden.append(["内部备注"])
    book.save(tmp_path / "户表.xlsx")
    report = validate([tmp_path / "户表.xlsx", folder / "人员表.csv"], con)
    assert _problem(report, "隐藏的工作表未读取")["级别"] == "警告"
    formula = _problem(report, "没有保存的计算结果")
    assert (formula["行"], formula["列"], formula["值"]) == (3, "家庭人口数", "=1+1")


def test_cli_exit_codes(tmp_path: Path, small_files) -> None:
    folder, _ = small_files
    ok = subprocess.run([sys.executable, "-m", "roster.ingest", str(folder / "名册.xlsx")], cwd=PROJECT_DIR, capture_output=True, text=True)
    assert ok.returncode == 0 and "未发现阻止导入的问题" in ok.stdout
    (tmp_path / "empty.csv").write_bytes(b"")
    bad = subprocess.run([sys.executable, "-m", "roster.ingest", "--report", str(tmp_path / "r.xlsx"), str(tmp_path / "empty.csv")],
                         cwd=PROJECT_DIR, capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and (tmp_path / "r.xlsx").exists()


def test_random_corruption_never_crashes_the_validator(tmp_path_factory: pytest.TempPathFactory, small_files) -> None:
    """Property: whatever bytes or cells are damaged, validation reports problems and never raises."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    folder, con = small_files
    clean = (folder / "户表.csv").read_bytes()
    cells = pd.read_csv(folder / "人员表.csv", dtype=str, keep_default_na=False)
    work = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.integers(0, len(clean) - 1), st.binary(min_size=1, max_size=8),
           st.integers(0, len(cells) - 1), st.integers(0, len(cells.columns) - 1), st.text(max_size=12))
    def check(position: int, noise: bytes, row: int, column: int, text: str) -> None:
        (work / "户表.csv").write_bytes(clean[:position] + noise + clean[position + len(noise):])
        damaged = cells.copy()
        damaged.iat[row, column] = text
        damaged.to_csv(work / "人员表.csv", index=False)
        report = validate([work / "户表.csv", work / "人员表.csv"], con)
        assert list(report.columns) == ["文件", "工作表", "行", "列", "值", "问题", "级别"]

    check()


def test_oversized_files_are_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_files) -> None:
    import roster.ingest as ingest

    folder, _ = small_files
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", (folder / "户表.csv").stat().st_size // 10)
    report = validate([folder / "户表.csv"])
    assert report.iloc[0]["问题"].startswith("户表.csv：文件超过") and report.iloc[0]["级别"] == "错误"
