"""Issue 13: the product fails closed. One test (at least) per failure found by the attack session:
login that cannot switch itself off, data that stay text, exports without live formulas, validation that
owns every database rule, masked problem reports, bounded uploads, no rerun loops, audited denials,
login without enumeration, an authenticated CLI, private files and no tracebacks."""

from __future__ import annotations

import shutil
import stat
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from access.store import AccessStore, LoginRefused, store_path
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

def test_unknown_and_existing_names_get_the_same_message_and_time(tmp_path: Path) -> None:
    accounts = AccessStore(tmp_path / "a.access.sqlite")
    accounts.add_user("李四", "analyst", "city", "right-password")
    messages, times = {"known": set(), "unknown": set()}, {"known": [], "unknown": []}
    for attempt in range(6):  # interleaved, so machine load hits both alike; the fifth locks 李四
        for kind, name in (("known", "李四"), ("unknown", f"nobody{attempt}")):
            start = time.perf_counter()
            with pytest.raises(LoginRefused) as refused:
                accounts.authenticate(name, "wrong-password", demo_allowed=False)
            times[kind].append(time.perf_counter() - start)
            messages[kind].add(str(refused.value))
    assert messages["known"] == messages["unknown"] and len(messages["known"]) == 1  # lockout not revealed
    known, unknown = statistics.median(times["known"]), statistics.median(times["unknown"])
    assert abs(known - unknown) < 0.5 * max(known, unknown), (known, unknown)
    assert "locked" in accounts.audit("李四")["action"].tolist()  # the lockout is still recorded


# --- 11. the CLI authenticates --user --------------------------------------------------------------

def _cli(db: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "progress", "--db", str(db), "--as-of", "2016-12", "--json", *args],
                          cwd=PROJECT_DIR, capture_output=True, text=True, input=password)


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
    _, snapshot = import_files(db, write_files(tables, tmp_path / "in", "csv"), dt.date(2017, 9, 1), "张三")
    access = AccessStore(store_path(db)).path
    assert _mode(snapshot.path) == 0o600 and _mode(snapshot.path.parent) == 0o700
    assert _mode(access) == 0o600
    generated = tmp_path / "gen" / "g.duckdb"
    subprocess.run([sys.executable, "-m", "roster.generate", "--seed", "1", "--scale", "0.02", "--out", str(generated)],
                   cwd=PROJECT_DIR, check=True, capture_output=True)
    assert _mode(generated) == 0o600


# --- 13. no tracebacks to users ------------------------------------------------------------------

def test_briefing_at_village_scope_is_made_with_a_clear_message_for_empty_charts(demo: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    import datetime as dt

    from pptx import Presentation

    from analytics.scope import Scope
    from reports.briefing import generate
    from reports.deck import NO_DATA

    village = Scope(dt.date(2017, 9, 1), PINGDU, "370283108", "370283108201")
    files = generate(demo, village, tmp_path, "测试")
    texts = [shape.text_frame.text for slide in Presentation(str(files.deck)).slides for shape in slide.shapes if shape.has_text_frame]
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
    assert escaped.replace("\\", "") == IMAGE + " " + LINK + " :red[x] $x$ <b>"


def test_reflected_url_values_are_not_echoed(monkeypatch, demo_db: Path) -> None:
    at = app(monkeypatch, demo_db, district="[登录已过期，请点此重新登录](http://127.0.0.1:8699/phish)",
             month="![x](http://127.0.0.1:8699/beacon.png)").run()
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    assert "无法识别的值" in shown and "http" not in shown and "](" not in shown


def test_household_card_shows_stored_markdown_and_masks_verbatim(monkeypatch, demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "card.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(store_path(demo_db), store_path(db))
    village = "370283108201"
    with duckdb.connect(str(db)) as con:
        household = con.execute("SELECT household_id FROM household WHERE village_code = ? AND size = 1 ORDER BY 1 LIMIT 1", [village]).fetchone()[0]
        con.execute("UPDATE household SET helper_unit = ?, helper_name = '崔小云', phone = '18612344887' WHERE household_id = ?", [IMAGE + LINK, household])
    at = app(monkeypatch, db, district=PINGDU, town="370283108", village=village).run()
    login(at, "demo_city", "demo-city-2017")
    at.switch_page("views/map_distribution.py").run()
    at.selectbox(key="card_household").set_value(household).run()
    assert not at.exception
    caption = next(c for c in at.caption if "证件号码" in c.value)
    shown = caption.value.replace("\\", "")  # what the browser shows: escapes removed, nothing interpreted
    assert "186****4887" in shown and "崔*云" in shown and IMAGE + LINK in shown
    assert "](" not in caption.value  # no Markdown link or image survives in the source
    assert {m.label: m.value for m in at.metric}["家庭人口"] == "1"


# --- 8. a forged map selection cannot loop the server -----------------------------------------------

def test_a_forged_map_selection_is_refused_once_and_never_reruns(monkeypatch, demo_db: Path, demo: duckdb.DuckDBPyConnection) -> None:
    from streamlit.testing.v1 import AppTest

    laixi_village = demo.execute("SELECT village_code FROM village WHERE village_code LIKE '370285%' ORDER BY 1 LIMIT 1").fetchone()[0]
    monkeypatch.setenv("DASHBOARD_DB", str(demo_db))
    monkeypatch.setenv("FORGED_VILLAGE", laixi_village)

    def page() -> None:
        import os

        import streamlit as st

        from access.roles import User
        from ui.drill import follow_map_click

        class Forged:  # what a hand-written websocket message puts into the map's selection state
            selection = {"objects": {"villages": [{"district_code": "370283", "town_code": "370283108", "village_code": os.environ["FORGED_VILLAGE"]}]}}

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


@pytest.mark.parametrize("page, permission", [("views/data_admin.py", "导入数据"), ("views/audit.py", "账号与审计管理")])
def test_a_page_outside_the_role_refuses_and_audits(monkeypatch, demo_db: Path, page: str, permission: str) -> None:
    accounts = AccessStore(store_path(demo_db))
    before = len(accounts.audit("demo_city", "denied"))
    at = login(app(monkeypatch, demo_db).run(), "demo_city", "demo-city-2017")
    at.switch_page(page).run()  # opened by URL: the page is registered (hidden from the menu) and refuses
    assert any(permission in e.value for e in at.error) and not at.dataframe
    assert len(accounts.audit("demo_city", "denied")) == before + 1


def test_a_page_error_shows_a_reference_and_no_traceback(monkeypatch, demo_db: Path) -> None:
    import analytics.kpi

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("chart data contains no categories")

    monkeypatch.setattr(analytics.kpi, "kpi_cards", broken)
    at = app(monkeypatch, demo_db).run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert "编号" in shown and "ValueError" not in shown and "Traceback" not in shown
