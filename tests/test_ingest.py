"""Import of roster files: clean exports round-trip to identical analytics, every malformed input is
refused with a message naming file, row and column, and nothing stored ever changes on refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from analytics import coverage, distribution, dynamics, goals, league, progress, quality
from analytics.cubes import build_cubes
from analytics.exits import attribute_changes
from analytics.scope import Scope
from roster.export import export_tables, write_files
from roster.ingest import import_files, known_in
from roster.snapshot import list_snapshots, store_dir
from roster.validate import validate
from storage.privacy import mask_id
from tests import small_roster as sr
from tests.conftest import PROJECT_DIR

AS_OF = dt.date(2017, 9, 1)


def store_hash(db: Path) -> str:
    """Content hash of a database and every file of its snapshot store."""
    digest = hashlib.sha256()
    for path in [db, *sorted(store_dir(db).glob("*"))]:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def published(db: Path) -> dict[str, str]:
    """SHA-256 of the database and each published snapshot (hidden partial files left out)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in [db, *store_dir(db).glob("*.duckdb")]}


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return sr.build(tmp_path / "small.duckdb")


@pytest.fixture(scope="module")
def small_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A full export of the small roster as xlsx and as GBK CSV files."""
    folder = tmp_path_factory.mktemp("files")
    con = duckdb.connect(str(sr.build(folder / "source.duckdb")), read_only=True)
    tables = export_tables(con, AS_OF)
    write_files(tables, folder, "xlsx")
    write_files(tables, folder, "csv", "gbk")
    return folder


def csv_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("名册_*.csv"))


def _problem(report: pd.DataFrame, reason: str) -> pd.Series:
    rows = report[report["问题"].str.contains(reason, regex=False)]
    assert len(rows), f"no problem containing {reason!r} in\n{report}"
    return rows.iloc[0]


ANALYTICS = {
    "progress": lambda c, s: pd.DataFrame([progress.progress_figures(c, s).__dict__]),
    "goals": goals.goal_progress,
    "league": league.league_table,
    "flows": lambda c, s: dynamics.stock_flow_table(c, s, "district"),
    "coverage": lambda c, s: coverage.coverage_by_area(c, s, "town"),
    "quality": quality.quality_summary,
    "area_metrics": lambda c, s: distribution.area_metrics(c, s, "town"),
}


def assert_same_analytics(a: Path, b: Path, scopes: list[Scope], skip: tuple[str, ...] = ()) -> None:
    left, right = duckdb.connect(str(a), read_only=True), duckdb.connect(str(b), read_only=True)
    for scope in scopes:
        for name, question in ANALYTICS.items():
            if name in skip:
                continue
            try:
                pd.testing.assert_frame_equal(question(left, scope), question(right, scope), check_dtype=False)
            except AssertionError as err:
                raise AssertionError(f"{name} differs for {scope}") from err


# --- clean files -------------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_roster_round_trips_through_gbk_csv_to_identical_analytics(tmp_path: Path, demo_db: Path) -> None:
    base = Path(shutil.copy(demo_db, tmp_path / "base.duckdb"))
    files = write_files(
        export_tables(duckdb.connect(str(demo_db), read_only=True), AS_OF), tmp_path / "out", "csv", "gbk"
    )
    result, snapshot = import_files(base, files, AS_OF, "测试", derive=build_cubes)
    assert result.errors == 0 and snapshot is not None, result.report.head()
    assert_same_analytics(
        demo_db,
        snapshot.path,
        [Scope(AS_OF), Scope(AS_OF, "370285"), Scope(dt.date(2016, 12, 1), "370283", "370283107")],
    )
    meta = dict(duckdb.connect(str(snapshot.path), read_only=True).execute("SELECT * FROM dataset_meta").fetchall())
    assert (meta["source"], meta["as_of_month"], meta["imported_by"], meta["events"]) == (
        "imported",
        "2017-09",
        "测试",
        "file",
    )


@pytest.mark.slow
def test_one_district_round_trips_through_xlsx(tmp_path: Path, demo_db: Path) -> None:
    """An xlsx workbook of 即墨区 (the district's own export) gives the district's analytics exactly."""
    tables = export_tables(duckdb.connect(str(demo_db), read_only=True), AS_OF)
    keep = set(tables["household"].loc[tables["household"]["行政村代码"].str.startswith("370215"), "户编号"])
    district = {
        t: f[f["户编号"].isin(keep)] if "户编号" in f else f[f["行政村代码"].str.startswith("370215")]
        for t, f in tables.items()
    }
    base = Path(shutil.copy(demo_db, tmp_path / "base.duckdb"))
    result, snapshot = import_files(
        base, write_files(district, tmp_path / "out", "xlsx"), AS_OF, "测试", derive=build_cubes
    )
    assert snapshot is not None, result.report.head()
    # The quality checks look for a 身份证 in two households across the whole city, which one district's file cannot
    # show.
    assert_same_analytics(
        demo_db, snapshot.path, [Scope(AS_OF, "370215"), Scope(dt.date(2017, 3, 1), "370215")], skip=("quality",)
    )


@pytest.mark.slow
def test_monthly_plain_exports_rebuild_the_generators_events(tmp_path: Path, demo_db: Path) -> None:
    """Exports without an event log, one per month, diffed snapshot by snapshot, give the same events."""
    source = duckdb.connect(str(demo_db), read_only=True)
    town = "370215008"  # 温泉街道: every kind of event, members joining and leaving
    base = Path(shutil.copy(demo_db, tmp_path / "base.duckdb"))
    for month in pd.date_range("2015-12-01", "2017-09-01", freq="MS").date:
        tables = export_tables(source, month, plain=True)
        keep = set(tables["household"].loc[tables["household"]["行政村代码"].str.startswith(town), "户编号"])
        tables = {t: f[f["户编号"].isin(keep)] for t, f in tables.items()}
        result, snapshot = import_files(
            base, write_files(tables, tmp_path / f"{month:%Y-%m}", "csv"), month, "测试", derive=build_cubes
        )
        assert snapshot is not None, result.report.head()
    query = """SELECT e.household_id, e.person_id, e.event_month, e.event_type FROM status_event e
        JOIN household h USING (household_id)
               WHERE h.village_code LIKE '370215008%' ORDER BY ALL"""
    expected, rebuilt = (
        source.execute(query).df(),
        duckdb.connect(str(snapshot.path), read_only=True).execute(query).df(),
    )
    assert (
        set(expected["event_type"]) == {"identified", "exited", "returned", "new", "removed"}
        and expected["person_id"].notna().any()
    )
    pd.testing.assert_frame_equal(expected, rebuilt)
    assert len(list_snapshots(base)) == 22


def test_snapshot_diff_records_attribute_and_cause_changes(tmp_path: Path, small_db: Path) -> None:
    source = duckdb.connect(str(small_db), read_only=True)
    first = export_tables(source, dt.date(2017, 8, 1), plain=True)
    import_files(small_db, write_files(first, tmp_path / "a", "csv"), dt.date(2017, 8, 1), "测试", derive=build_cubes)
    second = export_tables(source, AS_OF, plain=True)
    household = second["household"].copy()
    row = household.index[household["贫困户属性"] == "一般贫困户"][0]
    household.loc[row, ["贫困户属性", "主要致贫原因"]] = [
        "低保贫困户",
        "缺资金" if household.loc[row, "主要致贫原因"] != "缺资金" else "因病",
    ]
    result, snapshot = import_files(
        small_db,
        write_files({**second, "household": household}, tmp_path / "b", "csv"),
        AS_OF,
        "测试",
        derive=build_cubes,
    )
    con = duckdb.connect(str(snapshot.path), read_only=True)
    changes = con.execute(
        "SELECT household_id, change_month, field, new_value FROM household_change ORDER BY field"
    ).fetchall()
    assert changes == [
        (household.loc[row, "户编号"], AS_OF, "attribute", "低保贫困户"),
        (household.loc[row, "户编号"], AS_OF, "main_cause", household.loc[row, "主要致贫原因"]),
    ]
    shown = attribute_changes(con, Scope(AS_OF))
    assert shown["field"].tolist() == ["贫困户属性", "主要致贫原因"] and shown["old_value"].tolist()[0] == "一般贫困户"
    assert shown["head_name"].iloc[0] != household.loc[row, "户主姓名"] and "*" in shown["head_name"].iloc[0]  # masked


# --- refused files -----------------------------------------------------------------------------


def _rewrite(folder: Path, out: Path, table: str, change) -> list[Path]:
    """The CSV set with one table's frame changed by ``change``."""
    out.mkdir(exist_ok=True)
    paths = []
    for path in csv_files(folder):
        target = out / path.name
        if table in path.name:
            frame = pd.read_csv(path, dtype=str, encoding="gbk", keep_default_na=False)
            change(frame).to_csv(target, index=False, encoding="gbk")
        else:
            shutil.copy(path, target)
        paths.append(target)
    return paths


def _set(column: str, row: int, value: str):
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame

    return change


MALFORMED = {  # case: (table file, change, expected words, column, spreadsheet row)
    "text in a number column": ("户表", _set("家庭人口数", 0, "三"), "应为整数，实际为“三”", "家庭人口数", 2),
    "unreadable month": ("户表", _set("首次识别时间", 1, "去年"), "无法识别的月份“去年”", "首次识别时间", 3),
    "near-miss enumeration": ("户表", _set("贫困户属性", 2, "低保户"), "是否为“低保贫困户”", "贫困户属性", 4),
    "unknown village code": ("户表", _set("行政村代码", 3, "370283999999"), "未知的村代码", "行政村代码", 5),
    "duplicate household": (
        "户表",
        lambda f: pd.concat([f, f.iloc[[0]]], ignore_index=True),
        "重复：与前面的行相同",
        "户编号",
        None,
    ),
    "required value empty": ("户表", _set("户主姓名", 0, ""), "必填项为空", "户主姓名", 2),
    "missing required column": ("户表", lambda f: f.drop(columns=["贫困户属性"]), "缺少必填列", "贫困户属性", 1),
    "malformed 身份证": ("人员表", _set("公民身份号码", 0, "37028319"), "身份证号应为18位", "公民身份号码", 2),
    "negative amount": ("帮扶措施表", _set("金额（元）", 0, "-5"), "不能小于 0", "金额（元）", 2),
    "unknown measure code": ("帮扶措施表", _set("措施代码", 0, "pwj_pots"), "未知的措施代码", "措施代码", 2),
    "exit before identification": ("户表", _set("脱贫时间", 0, "2010-01"), "脱贫时间早于首次识别时间", "脱贫时间", 2),
    "person of no household": ("人员表", _set("户编号", 0, "不存在的户"), "户表中没有这个户编号", "户编号", 2),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_table_is_refused_and_nothing_changes(
    case: str, tmp_path: Path, small_db: Path, small_files: Path
) -> None:
    table, change, words, column, row = MALFORMED[case]
    before = store_hash(small_db)
    result, snapshot = import_files(
        small_db, _rewrite(small_files, tmp_path / "bad", table, change), AS_OF, "测试", derive=build_cubes
    )
    problem = _problem(result.report, words)
    assert (
        snapshot is None
        and problem["级别"] == "错误"
        and problem["列"] == column
        and problem["文件"].endswith(f"{table}.csv")
    )
    assert row is None or problem["行"] == row
    assert store_hash(small_db) == before


def test_id_numbers_disagreeing_with_birth_date_or_sex_are_warnings(
    tmp_path: Path, small_db: Path, small_files: Path
) -> None:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[0, "出生日期"] = "1990-05-05"
        frame.loc[1, "性别"] = "女" if frame.loc[1, "性别"] == "男" else "男"
        return frame

    result, snapshot = import_files(
        small_db, _rewrite(small_files, tmp_path / "w", "人员表", change), AS_OF, "测试", derive=build_cubes
    )
    assert snapshot is not None and result.errors == 0
    assert _problem(result.report, "出生日期与身份证号中的出生日期不符")["行"] == 2  # no dates: both are personal
    assert _problem(result.report, "与身份证号第17位不符")["行"] == 3


def _file_problem(tmp_path: Path, small_db: Path, small_files: Path, files: list[Path]) -> pd.DataFrame:
    before = store_hash(small_db)
    result, snapshot = import_files(small_db, files, AS_OF, "测试", derive=build_cubes)
    assert snapshot is None and store_hash(small_db) == before
    return result.report


def test_unreadable_files_are_refused_by_name(tmp_path: Path, small_db: Path, small_files: Path) -> None:
    households = small_files / "名册_户表.csv"
    text = households.read_text(encoding="gbk")
    cases = {
        "empty.csv": (b"", "empty.csv：文件为空"),
        "utf16.csv": (text.encode("utf-16"), "无法识别的文字编码"),
        "fake.xlsx": (b"not a workbook", "无法作为 Excel 文件打开"),
        "notes.txt": (b"x", "只支持 .csv 和 .xlsx"),
        "macro.xlsm": (b"x", "不接受含宏"),
        "only_header.csv": (text.splitlines()[0].encode("gbk") + b"\n", "只有表头"),
        "wrong_headers.csv": ("编号,名称\n1,2\n".encode("gbk"), "缺少户表和人员表"),
    }
    for name, (data, words) in cases.items():
        (tmp_path / name).write_bytes(data)
        report = _file_problem(tmp_path, small_db, small_files, [tmp_path / name])
        assert report["问题"].str.contains(words, regex=False).any(), (name, report)


def test_oversized_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_db: Path, small_files: Path
) -> None:
    import roster.reading as reading

    households = small_files / "名册_户表.csv"
    big = tmp_path / "big.csv"
    big.write_bytes(households.read_bytes() * 10)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", households.stat().st_size * 5)
    report = _file_problem(tmp_path, small_db, small_files, [big, *csv_files(small_files)[1:]])
    assert report.iloc[0]["问题"].startswith("big.csv：文件超过")


def test_zip_bomb_and_macro_workbooks_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_db: Path, small_files: Path
) -> None:
    import zipfile

    import roster.reading as reading

    monkeypatch.setattr(reading, "MAX_UNZIPPED_BYTES", 10_000_000)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000_000)
    macro = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(small_files / "名册.xlsx") as source, zipfile.ZipFile(macro, "w") as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("xl/vbaProject.bin", b"macro")
    assert "压缩炸弹" in _file_problem(tmp_path, small_db, small_files, [bomb]).iloc[0]["问题"]
    assert "含宏" in _file_problem(tmp_path, small_db, small_files, [macro]).iloc[0]["问题"]


def test_workbook_quirks_merged_titles_serial_dates_hidden_and_extra_sheets_formulas(
    tmp_path: Path, small_db: Path, small_files: Path
) -> None:
    book = load_workbook(small_files / "名册.xlsx")
    sheet = book["户表"]
    sheet.insert_rows(1)
    sheet["A1"] = "建档立卡贫困户信息表（2017年）"  # a merged title row above the headers
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=sheet.max_column)
    headers = [c.value for c in sheet[2]]
    sheet.cell(row=3, column=headers.index("首次识别时间") + 1, value=42339)  # Excel serial date of 2015-12-01
    hidden = book.create_sheet("内部说明")
    hidden.sheet_state = "hidden"
    hidden.append(["内部备注"])
    book.create_sheet("填表说明").append(["请按模板填写"])
    book.save(tmp_path / "quirks.xlsx")
    result, snapshot = import_files(small_db, [tmp_path / "quirks.xlsx"], AS_OF, "测试", derive=build_cubes)
    assert snapshot is not None, result.report
    assert (
        set(result.report["级别"]) == {"警告"} and _problem(result.report, "隐藏的工作表未读取")["工作表"] == "内部说明"
    )
    assert _problem(result.report, "未找到可识别的表头")["工作表"] == "填表说明"
    household = sheet.cell(row=3, column=headers.index("户编号") + 1).value
    month = (
        duckdb.connect(str(snapshot.path), read_only=True)
        .execute("SELECT identified_month FROM household WHERE household_id = ?", [household])
        .fetchone()[0]
    )
    assert month == dt.date(2015, 12, 1)

    sheet.cell(
        row=4, column=headers.index("家庭人口数") + 1, value="=1+1"
    )  # a formula with no saved value: never evaluated
    book.save(tmp_path / "formula.xlsx")
    report = _file_problem(tmp_path, small_db, small_files, [tmp_path / "formula.xlsx"])
    formula = _problem(report, "没有保存的计算结果")
    assert (formula["行"], formula["列"], formula["值"]) == (4, "家庭人口数", "=1+1")


def test_demo_faults_are_importable_warnings(demo_db: Path, tmp_path: Path) -> None:
    """Bad check digits and a person in two households are warnings: stored, then shown on the quality page."""
    demo = duckdb.connect(str(demo_db), read_only=True)
    tables = export_tables(demo, AS_OF)
    result = validate(
        write_files({t: tables[t] for t in ("household", "person", "status_event")}, tmp_path, "csv"),
        known_in(demo_db, AS_OF),
    )
    report = result.report
    assert result.errors == 0
    planted = {
        mask_id(r[0])
        for r in demo.execute(
            "SELECT p.id_number FROM dataset_fault f JOIN person p ON p.person_id = f.record_id WHERE fault_type = "
            "'invalid_id_check_digit'"
        ).fetchall()
    }
    assert set(report.loc[report["问题"].str.startswith("身份证号校验码错误"), "值"]) == planted  # masked in the report
    copies = {
        mask_id(r[0])
        for r in demo.execute(
            "SELECT p.id_number FROM dataset_fault f JOIN person p ON p.person_id = f.record_id WHERE fault_type = "
            "'person_in_two_households'"
        ).fetchall()
    }
    assert set(report.loc[report["问题"] == "同一身份证号出现在多户", "值"]) == copies


def test_random_corruption_never_crashes_or_changes_stored_data(
    tmp_path_factory: pytest.TempPathFactory, small_files: Path
) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    work = tmp_path_factory.mktemp("fuzz")
    db = sr.build(work / "small.duckdb")
    import_files(db, csv_files(small_files), AS_OF, "测试", derive=build_cubes)
    files = csv_files(small_files)
    clean = files[0].read_bytes()
    cells = pd.read_csv(files[1], dtype=str, encoding="gbk", keep_default_na=False)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        st.integers(0, len(clean) - 1),
        st.binary(min_size=1, max_size=8),
        st.integers(0, len(cells) - 1),
        st.integers(0, len(cells.columns) - 1),
        st.text(max_size=12),
    )
    def check(position: int, noise: bytes, row: int, column: int, text: str) -> None:
        before = {p.name: p.read_bytes() for p in [db, *store_dir(db).glob("*")]}
        (work / files[0].name).write_bytes(clean[:position] + noise + clean[position + len(noise) :])
        damaged = cells.copy()
        damaged.iat[row, column] = text
        damaged.to_csv(work / files[1].name, index=False, encoding="gb18030")
        result, snapshot = import_files(
            db, [work / files[0].name, work / files[1].name], dt.date(2017, 10, 1), "测试", derive=build_cubes
        )
        after = {p.name: p.read_bytes() for p in [db, *store_dir(db).glob("*")]}
        assert all(after[name] == data for name, data in before.items())
        assert set(after) - set(before) == ({snapshot.path.name} if snapshot else set())
        if snapshot:
            snapshot.path.unlink()

    check()


@pytest.mark.slow
def test_killed_import_leaves_the_previous_snapshot_intact(tmp_path: Path, demo_db: Path) -> None:
    base = Path(shutil.copy(demo_db, tmp_path / "base.duckdb"))
    source = duckdb.connect(str(demo_db), read_only=True)
    august = write_files(export_tables(source, dt.date(2017, 8, 1)), tmp_path / "august", "csv")
    files = write_files(export_tables(source, AS_OF), tmp_path / "out", "csv")
    first, _ = import_files(base, august, dt.date(2017, 8, 1), "测试", derive=build_cubes)
    assert first.errors == 0
    before = published(base)
    process = subprocess.Popen(
        [sys.executable, "-m", "roster.ingest", "--db", str(base), "--as-of", "2017-09", *map(str, files)],
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not list(store_dir(base).glob(".*.partial")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # well inside the write
    process.kill()
    process.wait()
    assert process.returncode != 0, "the import finished before it could be killed"
    assert [s.path.name for s in list_snapshots(base)] == ["2017-08_001.duckdb"]
    assert published(base) == before  # byte for byte; at most a hidden .partial file was left behind
    _, again = import_files(
        base, files, AS_OF, "测试", derive=build_cubes
    )  # the next import clears what the killed one left
    assert again is not None and again.path.name == "2017-09_001.duckdb"
    assert not list(store_dir(base).glob(".*"))


def test_cli_exit_codes(tmp_path: Path, small_db: Path, small_files: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "roster.ingest", *args], cwd=PROJECT_DIR, capture_output=True, text=True
        )

    files = [str(p) for p in csv_files(small_files)]
    checked = run("--check", str(small_files / "名册.xlsx"))
    assert checked.returncode == 0 and "未发现阻止导入的问题" in checked.stdout
    assert run("--db", str(small_db), *files).returncode == 2  # no --as-of
    written = run("--db", str(small_db), "--as-of", "2017-09", "--user", "张三", *files)
    assert written.returncode == 0 and "已写入快照" in written.stdout and len(list_snapshots(small_db)) == 1
    (tmp_path / "empty.csv").write_bytes(b"")
    refused = run(
        "--db", str(small_db), "--as-of", "2017-10", "--report", str(tmp_path / "r.xlsx"), str(tmp_path / "empty.csv")
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and (tmp_path / "r.xlsx").exists()
    assert len(list_snapshots(small_db)) == 1


@pytest.mark.parametrize(
    "name", ["../户表.csv", "a/户表.csv", "..\\\\户表.csv", ".户表.csv", "户表.exe", "", "户表.csv\x00.xlsx"]
)
def test_path_like_or_foreign_upload_names_are_refused(name: str) -> None:
    from roster.reading import InputRefused, safe_upload_name

    with pytest.raises(InputRefused):
        safe_upload_name(name)
    assert safe_upload_name("户表 2017.csv") == "户表 2017.csv"
