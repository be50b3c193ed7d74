"""Who sees what: passwords, lockout, session expiry, scope escapes, injection and XSS attempts.

Every escape attempt must be refused, audited, and return no data from outside the user's area."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from access.roles import User
from access.store import AccessStore, LoginRefused, store_path
from analytics.cubes import build_cubes
from analytics.households import household_card
from analytics.progress import progress_figures
from analytics.scope import Scope, ScopeDenied, home_scope
from geo.layers import as_html_text
from tests.conftest import PROJECT_DIR
from tests.test_app import app, login

AS_OF = dt.date(2017, 9, 1)
PINGDU, LAIXI, DAZESHAN = "370283", "370285", "370283120"
PINGDU_USER, TOWN_USER = ("demo_pingdu", "demo-pingdu-2017"), ("demo_dazeshan", "demo-dazeshan-2017")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 29, 9, 0)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> tuple[AccessStore, Clock]:
    clock = Clock()
    return AccessStore(tmp_path / "a.access.sqlite", clock), clock


def _audit(db: Path, action: str, user: str) -> list[str]:
    log = AccessStore(store_path(db)).audit(user, action)
    return log["details"].tolist()


# --- passwords, lockout, expiry ----------------------------------------------------------------


def test_only_argon2_hashes_are_stored(store) -> None:
    accounts, _ = store
    accounts.add_user("李四", "analyst", "370283", "s3cret-Passw0rd")
    raw = accounts.path.read_bytes()
    assert b"s3cret-Passw0rd" not in raw
    with sqlite3.connect(accounts.path) as con:
        assert con.execute("SELECT password_hash FROM account").fetchone()[0].startswith("$argon2id$")
    assert "s3cret" not in accounts.audit().to_string()


def test_five_failures_lock_the_account_for_fifteen_minutes(store) -> None:
    accounts, clock = store
    accounts.add_user("李四", "analyst", "city", "right-password")
    for _ in range(5):
        with pytest.raises(LoginRefused):
            accounts.authenticate("李四", "wrong-password", demo_allowed=False)
    with pytest.raises(LoginRefused):
        accounts.authenticate("李四", "right-password", demo_allowed=False)  # even the right one, while locked
    clock.now += dt.timedelta(minutes=16)
    assert accounts.authenticate("李四", "right-password", demo_allowed=False).name == "李四"
    actions = accounts.audit("李四")["action"].tolist()
    assert actions.count("login_failed") == 6 and actions.count("locked") == 1 and actions[0] == "login"


def test_disabled_and_demo_accounts(store) -> None:
    accounts, _ = store
    accounts.add_user("王五", "viewer", "city", "password-123")
    accounts.add_user("demo_x", "viewer", "city", "password-123", demo=True)
    accounts.set_disabled("王五", True, by="admin")
    with pytest.raises(LoginRefused):
        accounts.authenticate("王五", "password-123", demo_allowed=True)
    with pytest.raises(LoginRefused):
        accounts.authenticate("demo_x", "password-123", demo_allowed=False)  # demo accounts end with real data
    assert accounts.authenticate("demo_x", "password-123", demo_allowed=True).demo


def test_audit_rows_cannot_be_changed_or_deleted(store) -> None:
    accounts, _ = store
    accounts.record("李四", "export", file="x.csv")
    with sqlite3.connect(accounts.path) as con:
        for statement in ("UPDATE audit SET user = 'x'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.DatabaseError, match="审计日志只能追加"):
                con.execute(statement)
    assert len(accounts.audit()) == 1


def test_session_expires_after_inactivity(monkeypatch, demo_db: Path) -> None:
    from access import session

    clock = Clock()
    monkeypatch.setattr(session, "now", clock)
    at = login(app(monkeypatch, demo_db).run(), "demo_city", "demo-city-2017")
    assert "demo_city" in " ".join(c.value for c in at.sidebar.caption).replace("\\", "")
    clock.now += dt.timedelta(minutes=29)
    at.run()
    assert at.session_state["user"].name == "demo_city"
    clock.now += dt.timedelta(minutes=31)
    at.run()
    assert any("会话已过期" in w.value for w in at.warning)
    assert "user" not in at.session_state and "演示模式" in " ".join(c.value for c in at.sidebar.caption)
    assert "expired" in AccessStore(store_path(demo_db)).audit("demo_city")["action"].tolist()


def test_session_tokens_resume_expire_and_end(store) -> None:
    accounts, clock = store
    accounts.add_user("ana", "analyst", PINGDU, "correct horse battery")
    token = accounts.open_session("ana")
    with sqlite3.connect(accounts.path) as con:
        stored = [row[0] for row in con.execute("SELECT token_hash FROM session")]
    assert stored and token not in stored[0] and len(stored[0]) == 64  # only the digest is kept
    timeout = dt.timedelta(minutes=30)
    clock.now += dt.timedelta(minutes=29)
    assert accounts.resume(token, timeout).name == "ana"  # and touched: the 30 minutes start again
    clock.now += dt.timedelta(minutes=29)
    assert accounts.resume(token, timeout).name == "ana"
    clock.now += dt.timedelta(minutes=31)
    assert accounts.resume(token, timeout) is None  # expired, ended and audited
    assert accounts.audit("ana", "expired")["details"].tolist() == ['{"session": "cookie"}']
    clock.now += dt.timedelta(minutes=1)
    assert accounts.resume(token, timeout) is None  # an expired token stays dead
    second = accounts.open_session("ana")
    accounts.end_session(second, "logout")
    assert accounts.resume(second, timeout) is None
    third = accounts.open_session("ana")
    accounts.set_disabled("ana", True)
    assert accounts.resume(third, timeout) is None
    assert accounts.resume("forged", timeout) is None


# --- scope escapes -----------------------------------------------------------------------------


def test_scope_refuses_areas_outside_the_users_area() -> None:
    for district, town, limit in (
        (LAIXI, None, PINGDU),
        (None, None, PINGDU),
        (PINGDU, None, DAZESHAN),
        (PINGDU, "370283108", DAZESHAN),
    ):
        with pytest.raises(ScopeDenied):
            Scope(AS_OF, district, town, limit=limit)
    home = home_scope(AS_OF, PINGDU)
    with pytest.raises(ScopeDenied):
        dataclasses.replace(home, district=LAIXI)  # derived scopes keep the limit
    assert home_scope(AS_OF, DAZESHAN).area_code == DAZESHAN


def test_direct_analytics_calls_cannot_leave_the_area(demo: duckdb.DuckDBPyConnection) -> None:
    pingdu = home_scope(AS_OF, PINGDU)
    mine = progress_figures(demo, pingdu)
    assert mine.baseline_households == progress_figures(demo, Scope(AS_OF, PINGDU)).baseline_households
    laixi_household = demo.execute(
        "SELECT household_id FROM household WHERE village_code LIKE '370285%' LIMIT 1"
    ).fetchone()[0]
    with pytest.raises(KeyError):
        household_card(demo, pingdu, laixi_household)  # a household id of another district


@pytest.mark.parametrize(
    "user, params, expected",
    [
        (PINGDU_USER, {"district": LAIXI}, "平度市"),
        (PINGDU_USER, {"district": LAIXI, "town": "370285101"}, "平度市"),
        (TOWN_USER, {"district": PINGDU}, "大泽山镇"),
        (TOWN_USER, {"district": PINGDU, "town": "370283108"}, "大泽山镇"),
    ],
)
def test_query_params_outside_the_area_are_refused_and_audited(
    monkeypatch, demo_db: Path, user, params, expected
) -> None:
    at = login(app(monkeypatch, demo_db, **params).run(), *user)  # a link to another area, then signing in
    assert not at.exception
    assert at.session_state["scope"].area_code.startswith(user[0] == "demo_pingdu" and PINGDU or DAZESHAN)
    assert expected in " ".join(c.value for c in at.caption)
    assert any("无权查看" in w.value for w in at.warning)
    assert _audit(demo_db, "denied", user[0])


def test_forged_map_click_outside_the_area_is_refused_and_audited(monkeypatch, demo_db: Path) -> None:
    at = login(app(monkeypatch, demo_db).run(), *PINGDU_USER)
    at.session_state["drill"] = (LAIXI, "", "")  # as if the browser reported a click on 莱西市
    at.run()
    assert not at.exception and at.session_state["scope"].district == PINGDU
    assert at.session_state["f_district"] == PINGDU
    assert any("f_district" in d for d in _audit(demo_db, "denied", "demo_pingdu"))


def test_admin_pages_are_hidden_and_refuse_other_roles_on_their_own(monkeypatch, demo_db: Path) -> None:
    at = login(app(monkeypatch, demo_db).run(), "demo_city", "demo-city-2017")
    assert not any(getattr(p, "label", "") == "账号与审计" for p in at.sidebar)  # hidden from an analyst's menu
    for page, words in (("views/audit.py", "没有“账号与审计管理”权限"), ("views/data_admin.py", "没有“导入数据”权限")):
        direct = AppTest.from_file(str(PROJECT_DIR / page), default_timeout=60)  # run the page script without app.py
        direct.session_state["user"] = User("demo_city", "analyst", "city", demo=True)
        direct.run()
        assert any(words in e.value for e in direct.error) and not direct.dataframe
    assert len(_audit(demo_db, "denied", "demo_city")) >= 2
    admin = login(app(monkeypatch, demo_db).run(), "demo_admin", "demo-admin-2017")
    admin.switch_page("views/audit.py").run()
    assert not admin.exception and "login" in admin.dataframe[1].value["操作"].map({"登录": "login"}).tolist()


def test_viewer_sees_no_household_lists_and_small_counts_are_suppressed(monkeypatch, demo_db: Path) -> None:
    at = login(app(monkeypatch, demo_db, district=PINGDU, town=DAZESHAN, village="370283120241").run(), *TOWN_USER)
    at.switch_page("views/map_distribution.py").run()
    assert not at.exception and at.session_state["scope"].village == "370283120241"
    assert any("不能查看户名单" in c.value for c in at.caption)
    assert not any("本村建档立卡户" in s.value for s in at.subheader)
    from analytics import fmt

    fmt.suppress_small_counts(True)
    try:
        assert [fmt.count(v) for v in (0, 1, 2, 3)] == ["0", "<3", "<3", "3"]
    finally:
        fmt.suppress_small_counts(False)
    assert User("v", "viewer", DAZESHAN).suppresses_small_counts("village") and not User(
        "v", "viewer", DAZESHAN
    ).suppresses_small_counts("town")
    assert not User("a", "analyst", DAZESHAN).suppresses_small_counts("village")


def test_analytics_cli_refuses_and_audits_outside_the_area(demo_db: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "analytics", "progress", "--db", str(demo_db), "--as-of", "2016-12", *args],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            input="demo-pingdu-2017\n",
        )

    refused = run("--district", LAIXI, "--user", "demo_pingdu", "--password-stdin", "--json")
    assert refused.returncode != 0 and "无权查看莱西市" in refused.stderr and refused.stdout == ""
    assert any('"district": "370285"' in d for d in _audit(demo_db, "denied", "demo_pingdu"))
    own = run("--user", "demo_pingdu", "--password-stdin", "--json")
    assert own.returncode == 0 and '"scope": "370283"' in own.stdout


# --- injection and XSS -------------------------------------------------------------------------

PAYLOAD = "'; DROP TABLE household; --"


def test_sql_like_text_is_data(monkeypatch, demo_db: Path, tmp_path: Path) -> None:
    households = duckdb.connect(str(demo_db), read_only=True).execute("SELECT count(*) FROM household").fetchone()[0]
    at = app(monkeypatch, demo_db, district=PAYLOAD, town=PAYLOAD, village=PAYLOAD, month=PAYLOAD).run()
    assert not at.exception and at.session_state["scope"].district is None
    accounts = AccessStore(tmp_path / "x.access.sqlite")
    accounts.add_user(PAYLOAD[:40], "viewer", "city", "password-123")
    assert accounts.users()["name"].tolist() == [PAYLOAD[:40]]
    with pytest.raises(LoginRefused):
        accounts.authenticate("' OR '1'='1", "' OR '1'='1", demo_allowed=True)
    assert (
        duckdb.connect(str(demo_db), read_only=True).execute("SELECT count(*) FROM household").fetchone()[0]
        == households
    )


def test_imported_names_with_sql_and_html_are_stored_and_shown_as_text(tmp_path: Path) -> None:
    from roster.export import export_tables, write_files
    from roster.ingest import import_files
    from tests import small_roster as sr

    db = sr.build(tmp_path / "small.duckdb")
    tables = export_tables(duckdb.connect(str(db), read_only=True), AS_OF)
    script = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    tables["household"].loc[0, "户主姓名"] = PAYLOAD
    tables["household"].loc[1, "户主姓名"] = script
    _, snapshot = import_files(db, write_files(tables, tmp_path / "in", "csv"), AS_OF, PAYLOAD, derive=build_cubes)
    con = duckdb.connect(str(snapshot.path), read_only=True)
    names = {r[0] for r in con.execute("SELECT head_name FROM household").fetchall()}
    assert {PAYLOAD, script} <= names and con.execute("SELECT count(*) FROM household").fetchone()[0] == len(
        tables["household"]
    )
    shown = as_html_text(__import__("pandas").DataFrame({"name": [script], "tip": [script]}))
    assert "<" not in shown.iloc[0]["name"] and "&lt;img" in shown.iloc[0]["tip"]


def test_user_objects_are_not_taken_from_the_browser() -> None:
    """The session's user comes only from a password check; widget keys cannot hold a User."""
    assert User("x", "viewer", "city").can("export") is False
    assert User("x", "viewer", "city", pii=True).can("pii") and not User("x", "analyst", "city").can("pii")
