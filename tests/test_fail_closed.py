"""Issue 13: the product fails closed. One test (at least) per failure found by the attack session:
login that cannot switch itself off, data that stay text, exports without live formulas, validation that
owns every database rule, masked problem reports, bounded uploads, no rerun loops, audited denials,
login without enumeration, an authenticated CLI, private files and no tracebacks."""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from access.store import AccessStore, LoginRefused, store_path
from analytics.cubes import build_cubes
from tests.conftest import PROJECT_DIR
from tests.test_app import app, login

PINGDU, LAIXI = "370283", "370285"


def _real_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo database that says it is real (imported) data, with the demo accounts' file."""
    db = tmp_path / "real.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(store_path(demo_db), store_path(db))
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE dataset_meta SET value = 'imported' WHERE key = 'source'")
    return db


def _login_required(at) -> bool:
    return any("请先登录" in i.value for i in at.info) and not at.metric


# --- 1. login fails closed ---------------------------------------------------------------------

HOLD_LOCK = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('locked', flush=True); time.sleep(120)"


def test_a_write_lock_on_a_real_database_means_login_not_demo(monkeypatch, demo_db: Path, tmp_path: Path) -> None:
    db = _real_copy(demo_db, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        at = app(monkeypatch, db).run()
        assert not at.exception
        assert _login_required(at), "a locked real database must not open in demo mode"
    finally:
        holder.kill()
        holder.wait()
    at.run()  # the lock is gone: still a login, never the demo viewer
    assert _login_required(at)
    login(at, "demo_admin", "demo-admin-2017")  # the published demo account is refused on real data
    assert "user" not in at.session_state and any("用户名或密码错误" in e.value for e in at.error)


def test_a_database_that_does_not_say_synthetic_is_real(tmp_path: Path, demo_db: Path) -> None:
    from access.session import holds_real_data

    db = tmp_path / "x.duckdb"
    shutil.copy(demo_db, db)
    assert not holds_real_data(db)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM dataset_meta WHERE key = 'source'")
    assert holds_real_data(db)
    db.write_bytes(b"not a database")
    assert holds_real_data(db)


# --- 10. login without enumeration -------------------------------------------------------------


def test_unknown_and_existing_names_get_the_same_message_and_cost(tmp_path: Path, monkeypatch) -> None:
    """Every refusal says the same words and verifies exactly one argon2 hash (the same cost whether the
    name exists, is locked or not): counted, not timed, so machine load cannot make it flaky."""
    import access.store

    accounts = AccessStore(tmp_path / "a.access.sqlite")
    accounts.add_user("李四", "analyst", "city", "right-password")
    verified = []
    real_verify = access.store._verified
    monkeypatch.setattr(
        access.store, "_verified", lambda stored, password: verified.append(stored) or real_verify(stored, password)
    )
    messages = {"known": set(), "unknown": set()}
    for attempt in range(6):  # the fifth locks 李四; the sixth is refused as locked
        for kind, name in (("known", "李四"), ("unknown", f"nobody{attempt}")):
            before = len(verified)
            with pytest.raises(LoginRefused) as refused:
                accounts.authenticate(name, "wrong-password", demo_allowed=False)
            assert len(verified) - before == 1, (kind, attempt)  # one hash verified on every path
            messages[kind].add(str(refused.value))
    assert messages["known"] == messages["unknown"] and len(messages["known"]) == 1  # lockout not revealed
    assert "locked" in accounts.audit("李四")["action"].tolist()  # the lockout is still recorded


# --- 11. the CLI authenticates --user --------------------------------------------------------------


def _cli(db: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analytics", "progress", "--db", str(db), "--as-of", "2016-12", "--json", *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        input=password,
    )


def test_cli_user_needs_the_password_and_honours_lockout(demo_db: Path, tmp_path: Path) -> None:
    db = _real_copy(demo_db, tmp_path)
    accounts = AccessStore(store_path(db))
    accounts.add_user("区管理员", "admin", "city", "admin-password")
    accounts.add_user("平度分析员", "analyst", PINGDU, "pingdu-password")
    no_password = _cli(db, "--user", "区管理员", "--password-stdin", password="")
    assert no_password.returncode != 0 and no_password.stdout == "" and "用户名或密码错误" in no_password.stderr
    good = _cli(db, "--user", "平度分析员", "--password-stdin", password="pingdu-password\n")
    assert good.returncode == 0 and '"scope": "370283"' in good.stdout
    for _ in range(5):
        _cli(db, "--user", "平度分析员", "--password-stdin", password="wrong\n")
    locked = _cli(db, "--user", "平度分析员", "--password-stdin", password="pingdu-password\n")
    assert locked.returncode != 0 and locked.stdout == ""
    actions = accounts.audit("平度分析员")["action"].tolist()
    assert "login" in actions and "locked" in actions
    accounts.set_disabled("区管理员", True)
    disabled = _cli(db, "--user", "区管理员", "--password-stdin", password="admin-password\n")
    assert disabled.returncode != 0 and disabled.stdout == ""


# --- 12. private files ---------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_databases_snapshots_and_access_file_are_private(tmp_path: Path) -> None:
    from roster.export import export_tables, write_files
    from roster.ingest import import_files
    from tests import small_roster

    db = small_roster.build(tmp_path / "small.duckdb")
    import datetime as dt

    tables = export_tables(duckdb.connect(str(db), read_only=True), dt.date(2017, 9, 1))
    _, snapshot = import_files(
        db, write_files(tables, tmp_path / "in", "csv"), dt.date(2017, 9, 1), "张三", derive=build_cubes
    )
    access = AccessStore(store_path(db)).path
    assert _mode(snapshot.path) == 0o600 and _mode(snapshot.path.parent) == 0o700
    assert _mode(access) == 0o600
    generated = tmp_path / "gen" / "g.duckdb"
    subprocess.run(
        [sys.executable, "-m", "roster.generate", "--seed", "1", "--scale", "0.02", "--out", str(generated)],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
    )
    assert _mode(generated) == 0o600


# --- 13. no tracebacks to users ------------------------------------------------------------------


def test_briefing_at_village_scope_is_made_with_a_clear_message_for_empty_charts(
    demo: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    import datetime as dt

    from pptx import Presentation

    from analytics.scope import Scope
    from reports.briefing import generate
    from reports.deck import NO_DATA

    village = Scope(dt.date(2017, 9, 1), PINGDU, "370283108", "370283108201")
    files = generate(demo, village, tmp_path, "测试")
    texts = [
        shape.text_frame.text
        for slide in Presentation(str(files.deck)).slides
        for shape in slide.shapes
        if shape.has_text_frame
    ]
    assert any(NO_DATA in t for t in texts)


def test_error_details_are_never_shown_to_users() -> None:
    import tomllib

    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] in ("none", False)


# --- 2. data are text ----------------------------------------------------------------------------

IMAGE = "![t](http://127.0.0.1:8699/leak.png)"
LINK = "[点此核实](http://127.0.0.1:8699/phish)"


def test_plain_escapes_every_markdown_construct() -> None:
    from ui.text import plain

    assert plain("186****4887") == r"186\*\*\*\*4887"
    assert plain("崔*云") == r"崔\*云"
    escaped = plain(IMAGE + " " + LINK + " :red[x] $x$ <b>")
    assert "](" not in escaped and "![" not in escaped and "http://" not in escaped and "<b>" not in escaped
    assert escaped.replace("\\", "").replace("\u2060", "") == IMAGE + " " + LINK + " :red[x] $x$ <b>"


def test_reflected_url_values_are_not_echoed(monkeypatch, demo_db: Path) -> None:
    at = app(
        monkeypatch,
        demo_db,
        district="[登录已过期，请点此重新登录](http://127.0.0.1:8699/phish)",
        month="![x](http://127.0.0.1:8699/beacon.png)",
    ).run()
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    assert "无法识别的值" in shown and "http" not in shown and "](" not in shown


def test_household_card_shows_stored_markdown_and_masks_verbatim(monkeypatch, demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "card.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(store_path(demo_db), store_path(db))
    village = "370283108201"
    with duckdb.connect(str(db)) as con:
        household = con.execute(
            "SELECT household_id FROM household WHERE village_code = ? AND size = 1 ORDER BY 1 LIMIT 1", [village]
        ).fetchone()[0]
        con.execute(
            "UPDATE household SET helper_unit = ?, helper_name = '崔小云', phone = '18612344887' WHERE household_id = "
            "?",
            [IMAGE + LINK, household],
        )
    at = app(monkeypatch, db, district=PINGDU, town="370283108", village=village).run()
    login(at, "demo_city", "demo-city-2017")
    at.switch_page("views/map_distribution.py").run()
    at.selectbox(key="card_household").set_value(household).run()
    assert not at.exception
    caption = next(c for c in at.caption if "证件号码" in c.value)
    shown = caption.value.replace("\\", "").replace(
        "\u2060", ""
    )  # what the browser shows: escapes removed, nothing interpreted
    assert "186****4887" in shown and "崔*云" in shown and IMAGE + LINK in shown
    assert "](" not in caption.value  # no Markdown link or image survives in the source
    assert {m.label: m.value for m in at.metric}["家庭人口"] == "1"


# --- 8. a forged map selection cannot loop the server -----------------------------------------------


def test_a_forged_map_selection_is_refused_once_and_never_reruns(
    monkeypatch, demo_db: Path, demo: duckdb.DuckDBPyConnection
) -> None:
    from streamlit.testing.v1 import AppTest

    laixi_village = demo.execute(
        "SELECT village_code FROM village WHERE village_code LIKE '370285%' ORDER BY 1 LIMIT 1"
    ).fetchone()[0]
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("FORGED_VILLAGE", laixi_village)

    def page() -> None:
        import os

        import streamlit as st

        from access.roles import User
        from ui.drill import follow_map_click

        class Forged:  # what a hand-written websocket message puts into the map's selection state
            selection = {
                "objects": {
                    "villages": [
                        {
                            "district_code": "370283",
                            "town_code": "370283108",
                            "village_code": os.environ["FORGED_VILLAGE"],
                        }
                    ]
                }
            }

        st.session_state.user = User("forger", "analyst", "370283")
        st.session_state.runs = st.session_state.get("runs", 0) + 1
        follow_map_click(Forged())

    accounts = AccessStore(store_path(demo_db))
    before = len(accounts.audit("forger", "denied"))
    at = AppTest.from_function(page, default_timeout=30)
    for _ in range(3):
        at.run()
    assert not at.exception and at.session_state["runs"] == 3  # one script run per browser message, no rerun loop
    assert len(accounts.audit("forger", "denied")) - before == 1


# --- 9. every denial is audited --------------------------------------------------------------------


def test_a_town_of_another_district_in_the_url_is_audited(monkeypatch, demo_db: Path) -> None:
    def denials() -> int:
        return AccessStore(store_path(demo_db)).audit(action="denied")["details"].str.contains("370285001").sum()

    before = denials()
    at = app(monkeypatch, demo_db, district=PINGDU, town="370285001").run()
    assert not at.exception and any("不属于所选区市" in w.value for w in at.warning)
    assert denials() == before + 1


@pytest.mark.parametrize(
    "page, permission", [("views/data_admin.py", "导入数据"), ("views/audit.py", "账号与审计管理")]
)
def test_a_page_outside_the_role_refuses_and_audits(monkeypatch, demo_db: Path, page: str, permission: str) -> None:
    accounts = AccessStore(store_path(demo_db))
    before = len(accounts.audit("demo_city", "denied"))
    at = login(app(monkeypatch, demo_db).run(), "demo_city", "demo-city-2017")
    at.switch_page(page).run()  # opened by URL: the page is registered (hidden from the menu) and refuses
    assert any(permission in e.value for e in at.error) and not at.dataframe
    assert len(accounts.audit("demo_city", "denied")) == before + 1


def test_a_page_error_shows_a_reference_and_no_traceback(monkeypatch, demo_db: Path) -> None:
    import analytics.kpi
    import reports.slides  # noqa: F401  # imported first under the patch, it would keep the broken kpi_cards for good

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("chart data contains no categories")

    monkeypatch.setattr(analytics.kpi, "kpi_cards", broken)
    at = app(monkeypatch, demo_db).run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "编号" in shown and "ValueError" not in shown and "Traceback" not in shown


# --- 3. exports carry no live formulas -------------------------------------------------------------

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://127.0.0.1:8699/x","点此")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]


def _live_cells(path: Path) -> list[str]:
    """Cells of an xlsx that a spreadsheet would evaluate: formulas, or text that starts like one."""
    from openpyxl import load_workbook

    from storage.cells import FORMULA_START

    book = load_workbook(path, data_only=False)
    return [
        f"{sheet.title}!{cell.coordinate}={cell.value!r}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_START))
    ]


def _live_fields(data: bytes, encoding: str) -> list[str]:
    import csv
    import io

    from storage.cells import FORMULA_START

    return [
        field
        for row in csv.reader(io.StringIO(data.decode(encoding), newline=""))
        for field in row
        if field.startswith(FORMULA_START)
    ]


def test_roster_export_neutralises_formulas_and_reimports_the_same_values(tmp_path: Path) -> None:
    import datetime as dt

    from roster.export import export_tables, write_files
    from roster.ingest import import_files
    from tests import small_roster

    db = small_roster.build(tmp_path / "small.duckdb")
    with duckdb.connect(str(db)) as con:
        ids = [
            r[0]
            for r in con.execute("SELECT household_id FROM household ORDER BY 1 LIMIT ?", [len(FORMULAS)]).fetchall()
        ]
        for household, formula in zip(ids, FORMULAS, strict=True):
            con.execute("UPDATE household SET helper_unit = ? WHERE household_id = ?", [formula, household])
    tables = export_tables(duckdb.connect(str(db), read_only=True), dt.date(2017, 9, 1))
    xlsx = write_files(tables, tmp_path / "xlsx", "xlsx")[0]
    assert _live_cells(xlsx) == []
    csvs = write_files(tables, tmp_path / "csv", "csv", encoding="utf-8")
    assert all(_live_fields(p.read_bytes(), "utf-8") == [] for p in csvs)
    _, snapshot = import_files(db, csvs, dt.date(2017, 9, 1), "张三", derive=build_cubes)
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        units = dict(
            con.execute(
                "SELECT household_id, helper_unit FROM household WHERE household_id IN (SELECT unnest(?))", [ids]
            ).fetchall()
        )
    assert [units[h] for h in ids] == [
        f.strip() for f in FORMULAS
    ]  # the quote is taken off on import (cells are stripped)


def test_problem_report_csv_downloads_and_audit_exports_have_no_formulas(tmp_path: Path, demo_db: Path) -> None:
    import pandas as pd

    from roster.ingest import report_xlsx
    from roster.validate import validate
    from storage.privacy import masked
    from ui.exports import csv_bytes

    bad = tmp_path / "户表.csv"
    bad.write_text(
        "户编号,行政村代码,户主姓名,户主证件号码,家庭人口数,贫困户属性,主要致贫原因,识别标准,首次识别时间,危房户\n"
        f"H1,370283108201,=cmd0,370283195001294011,1,{FORMULAS[1]},因病,国家标准,2016-03,否\n",
        encoding="utf-8",
    )
    report = tmp_path / "问题清单.xlsx"
    report.write_bytes(report_xlsx(validate([bad])))
    assert _live_cells(report) == []
    frame = masked(pd.DataFrame({"name": ["=cmd0", "+x", "张三"], "detail": FORMULAS[:3]}))
    assert not frame["name"].str.startswith(("=", "+")).any()  # masking keeps no leading formula character
    assert _live_fields(csv_bytes(frame, "=cmd|' /C calc'!A0"), "utf-8-sig") == []
    db = _real_copy(demo_db, tmp_path)
    with pytest.raises(LoginRefused):
        AccessStore(store_path(db)).authenticate(FORMULAS[0], "x", demo_allowed=False)
    out = tmp_path / "审计.xlsx"
    subprocess.run(
        [sys.executable, "-m", "access", "audit", "--db", str(db), "--out", str(out)],
        cwd=PROJECT_DIR,
        check=True,
        capture_output=True,
    )
    assert _live_cells(out) == []


def test_briefing_workbook_has_no_formulas(demo: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import datetime as dt

    from analytics.scope import Scope
    from reports.briefing import generate

    files = generate(demo, Scope(dt.date(2017, 9, 1), LAIXI), tmp_path, "=cmd|' /C calc'!A0")
    assert _live_cells(files.workbook) == []


# --- 4, 5. validation owns every rule the database enforces; --check and the import agree ----------------

AS_OF_DATE = __import__("datetime").date(2017, 9, 1)


@pytest.fixture(scope="module")
def roster_tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The small roster and its full export (import tables under Chinese headers)."""
    from roster.export import export_tables
    from tests import small_roster

    db = small_roster.build(tmp_path_factory.mktemp("rules") / "small.duckdb")
    return db, export_tables(duckdb.connect(str(db), read_only=True), AS_OF_DATE)


def _import_changed(
    roster_tables, tmp_path: Path, table: str, header: str, value: object, fmt: str = "csv", as_of=AS_OF_DATE
):
    """Import the export with one cell (first data row) changed: (validation, snapshot, --check exit code)."""
    import shutil as sh

    from roster.export import write_files
    from roster.ingest import import_files

    db, tables = roster_tables
    base = tmp_path / "base.duckdb"
    sh.copy(db, base)
    changed = {name: frame.copy() for name, frame in tables.items()}
    changed[table][header] = changed[table][header].astype(object)
    changed[table].loc[0, header] = value
    files = write_files(changed, tmp_path / "in", fmt, encoding="utf-8")
    result, snapshot = import_files(base, files, as_of, "测试", derive=build_cubes)
    check = subprocess.run(
        [
            sys.executable,
            "-m",
            "roster.ingest",
            "--db",
            str(base),
            "--as-of",
            f"{as_of:%Y-%m}",
            "--check",
            *map(str, files),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    return result, snapshot, check


BAD_CELLS = [  # table, header, value, words of the reason
    ("measure", "金额（元）", "NaN", "有限的数字"),
    ("measure", "金额（元）", "inf", "有限的数字"),
    ("measure", "金额（元）", "1e400", "有限的数字"),
    ("measure", "金额（元）", "123456789012.5", "不能大于"),
    ("income", "人均纯收入（元）", "NaN", "有限的数字"),
    ("household", "家庭人口数", "1e20", "不能大于"),
    ("household", "家庭人口数", "-1", "不能小于 0"),
    ("household", "计划脱贫年度", "2035", "不能大于 2020"),
    ("person", "健康状况", "残疾", "必须填写残疾类别"),
    ("person", "残疾类别", "肢体", "只有健康状况为“残疾”时"),
    ("household", "首次识别时间", "2019-03", "晚于名册截至月份 2017-09"),
    ("person", "出生日期", "2030-05-01", "晚于名册截至月份"),
    ("person", "出生日期", "2099-12-31", "晚于名册截至月份"),
    ("household", "首次识别时间", "2013-05", "早于建档立卡开始"),
    ("status_event", "人编号", "P000", "只能是“新增”或“减少”"),
    ("person", "公民身份号码", "37028319500129401", "应为18位"),
    ("person", "性别", "M", "不是允许的取值"),
]


@pytest.mark.parametrize("table, header, value, reason", BAD_CELLS, ids=[f"{h}={v!r}" for _, h, v, _ in BAD_CELLS])
def test_values_the_database_would_refuse_are_errors_naming_file_row_and_column(
    roster_tables, tmp_path: Path, table, header, value, reason
) -> None:
    """Each case once made the import pass validation and then fail in the database write (or stored it silently)."""
    result, snapshot, check = _import_changed(roster_tables, tmp_path, table, header, value)
    report = result.report
    hits = report[(report["级别"] == "错误") & report["问题"].str.contains(reason, regex=False)]
    assert snapshot is None and len(hits) >= 1, report.to_string()
    assert hits.iloc[0]["文件"].endswith(".csv") and hits.iloc[0]["行"] == 2 and hits.iloc[0]["列"]
    assert check.returncode == 1  # --check refuses what the import refuses


def test_a_year_typed_as_a_number_where_a_month_is_expected_is_refused(roster_tables, tmp_path: Path) -> None:
    result, snapshot, _ = _import_changed(roster_tables, tmp_path, "household", "首次识别时间", 2014, fmt="xlsx")
    assert snapshot is None and result.report["问题"].str.contains("只有年份").any()


def test_a_duplicated_header_column_is_refused(roster_tables, tmp_path: Path) -> None:
    from roster.validate import validate

    frame = roster_tables[1]["household"]
    doubled = frame.assign(户码=frame["户编号"].str.replace("H", "X"))  # 户码 is an alias of 户编号
    path = tmp_path / "户表.csv"
    doubled.to_csv(path, index=False)
    report = validate([path]).report
    assert report["问题"].str.contains("表头“户编号”出现不止一次").any()


def test_invisible_and_full_width_characters_are_normalised_with_a_warning(roster_tables, tmp_path: Path) -> None:
    db, tables = roster_tables
    first = tables["household"].loc[0, "户编号"]
    changed = {**tables, "household": tables["household"].copy()}
    changed["household"].loc[0, "户编号"] = first + "\u200b"
    result, snapshot, _ = _import_changed(
        (db, changed),
        tmp_path,
        "person",
        "公民身份号码",
        tables["person"].loc[0, "公民身份号码"].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    )
    report = result.report
    assert snapshot is not None, report[report["级别"] == "错误"].to_string()
    assert (
        report["问题"].str.contains("已删除不可见字符").any()
        and report["问题"].str.contains("全角字符已转为半角").any()
    )
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM household WHERE household_id = ?", [first]).fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM household WHERE household_id LIKE '%\u200b%'").fetchone()[0] == 0
        assert (
            con.execute(
                "SELECT count(*) FROM person WHERE id_number = ?", [tables["person"].loc[0, "公民身份号码"]]
            ).fetchone()[0]
            == 1
        )


def test_a_household_moving_district_is_warned_and_recorded(roster_tables, tmp_path: Path) -> None:
    from roster.export import write_files
    from roster.ingest import import_files

    db, tables = roster_tables
    base = tmp_path / "base.duckdb"
    shutil.copy(db, base)
    with duckdb.connect(str(db), read_only=True) as con:
        district_of = dict(
            con.execute(
                "SELECT v.village_code, t.district_code FROM village v JOIN town t USING (town_code)"
            ).fetchall()
        )
    first, _ = import_files(
        base, write_files(tables, tmp_path / "a", "csv"), dt_month(2017, 8), "测试", derive=build_cubes
    )
    assert first.errors == 0
    households = tables["household"].copy()
    row = households.index[households["行政村代码"].map(district_of) == PINGDU][0]
    laixi = next(code for code, district in district_of.items() if district == LAIXI)
    households.loc[row, "行政村代码"] = laixi
    result, snapshot = import_files(
        base,
        write_files({**tables, "household": households}, tmp_path / "b", "csv"),
        AS_OF_DATE,
        "测试",
        derive=build_cubes,
    )
    assert snapshot is not None and result.report["问题"].str.contains("所在区市由“平度市”变为“莱西市”").any(), (
        result.report.to_string()
    )
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        change = con.execute(
            "SELECT old_value, new_value FROM household_change WHERE field = 'village_code' AND household_id = ?",
            [households.loc[row, "户编号"]],
        ).fetchone()
    assert change == (tables["household"].loc[row, "行政村代码"], laixi)


def dt_month(year: int, month: int):
    import datetime as dt

    return dt.date(year, month, 1)


@pytest.mark.parametrize("month", ["2015-06", "2099-12"])
def test_an_as_of_month_outside_the_plan_and_today_is_refused(roster_tables, tmp_path: Path, month: str) -> None:
    db, _ = roster_tables
    run = subprocess.run(
        [sys.executable, "-m", "roster.ingest", "--db", str(db), "--as-of", month, str(db)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "截至月份" in run.stderr and not (db.parent / "small.snapshots").exists()


def test_every_database_constraint_of_an_imported_table_has_a_validation_rule() -> None:
    """Walk schema.sql: each NOT NULL, CHECK and range of an importable column, and each CHECK across columns,
    is owned by a rule of the importer (the tests above prove the rules work)."""
    import re

    from roster.fields import TABLES, fields_of, table_checks
    from roster.schema import SCHEMA_SQL
    from roster.validate import TABLE_RULES

    auto_filled = {("measure", "measure_id"), ("measure", "category_code"), ("status_event", "event_id")}
    text = SCHEMA_SQL.read_text(encoding="utf-8")
    for table in TABLES:
        fields = {f.column: f for f in fields_of(table)}
        body = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", text, re.S).group(1)
        for column, rest in re.findall(
            r"^\s+(\w+)\s+(?:VARCHAR|INTEGER|BIGINT|DOUBLE|BOOLEAN|DATE|DECIMAL\(\d+, \d+\))(.*)$", body, re.M
        ):
            if (table, column) in auto_filled:
                continue
            f = fields[column]  # every column of an imported table is importable
            if "NOT NULL" in rest or "PRIMARY KEY" in rest:
                assert f.required or column in ("measure_id", "event_id"), (table, column)
            if " IN (" in rest:
                assert f.kind == "enum" and f.allowed(), (table, column)
            if "length(" in rest:
                assert f.kind == "id_number" and f.rule.length == 18, (table, column)
            if "day(" in rest:
                assert f.kind == "month" and f.rule.first_of_month, (table, column)
            if ">=" in rest or "BETWEEN" in rest:
                assert f.rule.minimum is not None, (table, column)
            if f.kind in ("int", "decimal"):
                assert f.rule.minimum is not None and f.rule.maximum is not None, (table, column)  # the type's range
        assert set(table_checks(table)) <= set(TABLE_RULES), (table, table_checks(table))


def test_file_level_messages_are_chinese(tmp_path: Path) -> None:
    from roster.validate import validate

    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    huge = tmp_path / "大.csv"
    huge.write_text("户编号,户主姓名\n" + 'H1,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    for path in (broken, huge):
        reasons = " ".join(validate([path]).report["问题"])
        words = set(re.findall(r"[A-Za-z]{3,}", reasons)) - {"Excel", "xlsx", "csv", "CSV", "UTF", "GBK"}
        assert not words, reasons


# --- 6. problem reports mask every personal value ------------------------------------------------------


def test_problem_reports_never_repeat_a_personal_value(roster_tables, tmp_path: Path) -> None:
    from roster.ingest import report_xlsx

    bad_id = "370283780901011"  # 15 digits
    result, snapshot, check = _import_changed(roster_tables, tmp_path, "person", "公民身份号码", bad_id)
    born = roster_tables[1]["person"].loc[1, "出生日期"]
    report = result.report
    text = report.to_string() + check.stdout + check.stderr
    assert snapshot is None and bad_id not in text and bad_id[6:14] not in text
    workbook = tmp_path / "r.xlsx"
    workbook.write_bytes(report_xlsx(result))
    from openpyxl import load_workbook

    cells = " ".join(str(c.value) for row in load_workbook(workbook).worksheets[0].iter_rows() for c in row)
    assert bad_id not in cells and born not in cells


# --- 7. bounded work for uploads ----------------------------------------------------------------------


def test_rows_are_counted_while_streaming_and_refused_before_the_rest_is_read(monkeypatch, tmp_path: Path) -> None:
    from roster import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 1_000)
    read: list[int] = []

    def rows():
        for i in range(1_000_000):
            read.append(i)
            yield [f"H{i}", "张三"]

    with pytest.raises(reading.InputRefused, match="超过 1,000 行上限"):
        reading._bounded(tmp_path / "x.csv", rows())
    assert len(read) == 1_001  # stopped at the limit, not after a million rows


def test_shared_strings_beyond_the_limit_are_refused_before_parsing(monkeypatch, tmp_path: Path) -> None:
    import zipfile

    from openpyxl import Workbook

    from roster import reading

    path = tmp_path / "strings.xlsx"
    Workbook().save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:  # 2 MB of strings that deflate to a few KB
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>户</t></si>" * 100_000 + "</sst>")
    monkeypatch.setattr(reading, "MAX_SHARED_STRINGS_BYTES", 1_000_000)
    with pytest.raises(reading.InputRefused, match="sharedStrings"):
        list(reading.read_sheets(path))


def test_web_imports_run_in_a_worker_with_a_memory_cap_and_a_time_limit(
    monkeypatch, roster_tables, tmp_path: Path
) -> None:
    from roster.export import write_files
    from roster.validate import Known
    from roster.worker import MEMORY_MB, SECONDS, run_import

    db, tables = roster_tables
    files = write_files(tables, tmp_path / "in", "csv")
    stages: list[str] = []
    monkeypatch.setenv(MEMORY_MB, "4096")
    ok = run_import(
        db, files, AS_OF_DATE, "测试", False, Known(), lambda stage, seconds: stages.append(stage), derive=build_cubes
    )
    assert (
        ok.failure is None and ok.validation.errors == 0 and ok.rows["household"] == len(tables["household"]) and stages
    )
    big = tmp_path / "big" / "户表.csv"  # 300,000 households: far more than 64 MB once parsed
    big.parent.mkdir()
    frame = tables["household"]
    __import__("pandas").concat([frame] * (300_000 // len(frame) + 1), ignore_index=True).to_csv(big, index=False)
    monkeypatch.setenv(MEMORY_MB, "64")
    starved = run_import(db, [big], AS_OF_DATE, "测试", True, Known(), derive=build_cubes)
    assert starved.snapshot is None and "内存" in starved.failure
    monkeypatch.setenv(MEMORY_MB, "4096")
    monkeypatch.setenv(SECONDS, "0.2")
    late = run_import(db, files, AS_OF_DATE, "测试", True, Known(), derive=build_cubes)
    assert late.snapshot is None and "时限" in late.failure
    assert not (db.parent / "small.snapshots").exists() or not list((db.parent / "small.snapshots").glob("*.duckdb"))


def test_administrators_are_warned_when_data_files_are_readable_by_others(
    monkeypatch, demo_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "open.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(store_path(demo_db), store_path(db))
    db.chmod(0o644)
    at = login(app(monkeypatch, db).run(), "demo_admin", "demo-admin-2017")
    assert any("其他系统用户也可读取" in w.value and "open.duckdb" in w.value.replace("\\", "") for w in at.warning)
    db.chmod(0o600)
    store_path(db).chmod(0o600)
    at.run()
    assert not any("其他系统用户也可读取" in w.value for w in at.warning)
