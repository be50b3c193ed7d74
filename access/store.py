"""Accounts and the append-only audit log, in a SQLite file next to the database.

SQLite (not DuckDB) because the dashboard, the CLI and several server processes write to it at once.
Passwords are stored only as argon2id hashes, session tokens only as SHA-256 digests. The audit table refuses
UPDATE and DELETE (triggers), and this module has no code path that changes or removes audit rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import sqlite3
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access.roles import CITY, PERMISSIONS, REPORTING_ROLES, User
from storage.files import make_private

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
REFUSED = f"用户名或密码错误（连续 {MAX_FAILURES} 次错误将锁定账号 {LOCKOUT.seconds // 60} 分钟）"
_HASHER = PasswordHasher()
_ROLES_SQL = ", ".join(f"'{role}'" for role in PERMISSIONS)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS account (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ({_ROLES_SQL})),
    area          TEXT NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    pii           INTEGER NOT NULL DEFAULT 0,
    demo          INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    failures      INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    created_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    user    TEXT,
    action  TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS session (
    token_hash TEXT PRIMARY KEY,  -- SHA-256 of the cookie's token: the file never holds a usable token
    user       TEXT NOT NULL REFERENCES account (name),
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    ended_at   TEXT,
    end_reason TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, '审计日志只能追加'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, '审计日志只能追加'); END;
"""
ACTIONS = {
    "login": "登录",
    "resumed": "恢复会话",
    "login_failed": "登录失败",
    "locked": "账号锁定",
    "logout": "退出",
    "expired": "会话过期",
    "page_view": "查看页面",
    "export": "导出",
    "import": "导入",
    "unmask": "查看未脱敏信息",
    "user_admin": "账号管理",
    "denied": "拒绝访问",
    "report": "指标报送",
    "monitor": "监测预警办理",
}


class LoginRefused(Exception):
    """Wrong name or password, locked or disabled account; the message is safe to show."""


class AccountError(Exception):
    """An account command that cannot be done (unknown user, bad role or area)."""


def store_path(db: Path) -> Path:
    """The accounts and audit file of a database."""
    return db.with_name(db.stem + ".access.sqlite")


def _now() -> dt.datetime:
    return dt.datetime.now()


class AccessStore:
    """Accounts and audit of one database. ``clock`` is injectable for tests."""

    def __init__(self, path: Path, clock: Callable[[], dt.datetime] = _now) -> None:
        self.path, self.clock = path, clock
        with self._connect() as con:
            con.executescript(_SCHEMA)
            _upgrade_account_table(con)
        make_private(path)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.row_factory = sqlite3.Row
        return con

    # --- audit -----------------------------------------------------------------------------------
    def record(self, user: str | None, action: str, **details: object) -> None:
        """Append one audit row (time, user, action, details as JSON)."""
        with self._connect() as con:
            con.execute(
                "INSERT INTO audit (at, user, action, details) VALUES (?, ?, ?, ?)",
                (
                    self.clock().isoformat(timespec="seconds"),
                    user,
                    action,
                    json.dumps(details, ensure_ascii=False, default=str),
                ),
            )

    def audit(
        self, user: str | None = None, action: str | None = None, since: dt.date | None = None, limit: int = 10_000
    ) -> pd.DataFrame:
        """Audit rows, newest first, optionally for one user, one action, or from a day on."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT id, at, user, action, details FROM audit"
                " WHERE (? IS NULL OR user = ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR at >= ?)"
                " ORDER BY id DESC LIMIT ?",
                (user, user, action, action, since and since.isoformat(), since and since.isoformat(), limit),
            ).fetchall()
        return pd.DataFrame([dict(r) for r in rows], columns=["id", "at", "user", "action", "details"])

    # --- accounts --------------------------------------------------------------------------------
    def add_user(
        self,
        name: str,
        role: str,
        area: str,
        password: str,
        pii: bool = False,
        demo: bool = False,
        by: str | None = None,
        unit: str = "",
    ) -> None:
        _check_account(name, role, password)
        _check_reporting(role, area, unit)
        with self._connect() as con:
            try:
                con.execute(
                    "INSERT INTO account (name, role, area, unit, pii, demo, password_hash, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        role,
                        area,
                        unit,
                        int(pii),
                        int(demo),
                        _HASHER.hash(password),
                        self.clock().isoformat(timespec="seconds"),
                    ),
                )
            except sqlite3.IntegrityError:
                raise AccountError(f"账号“{name}”已存在") from None
        self.record(by, "user_admin", change="add", name=name, role=role, area=area, unit=unit, pii=pii)

    def user(self, name: str) -> User | None:
        row = self._row(name)
        return None if row is None or row["disabled"] else _user(row)

    def users(self) -> pd.DataFrame:
        with self._connect() as con:
            rows = con.execute(
                "SELECT name, role, area, unit, pii, demo, disabled, failures, locked_until, created_at"
                " FROM account ORDER BY name"
            ).fetchall()
        return pd.DataFrame(
            [dict(r) for r in rows],
            columns=[
                "name",
                "role",
                "area",
                "unit",
                "pii",
                "demo",
                "disabled",
                "failures",
                "locked_until",
                "created_at",
            ],
        )

    def set_disabled(self, name: str, disabled: bool, by: str | None = None) -> None:
        self._update(name, "disabled = ?", (int(disabled),))
        self.record(by, "user_admin", change="disable" if disabled else "enable", name=name)

    def reset_password(self, name: str, password: str, by: str | None = None) -> None:
        _check_account(name, "viewer", password)
        self._update(name, "password_hash = ?, failures = 0, locked_until = NULL", (_HASHER.hash(password),))
        self.record(by, "user_admin", change="reset_password", name=name)

    def set_area(self, name: str, area: str, by: str | None = None) -> None:
        self._update(name, "area = ?", (area,))
        self.record(by, "user_admin", change="set_scope", name=name, area=area)

    def set_pii(self, name: str, pii: bool, by: str | None = None) -> None:
        self._update(name, "pii = ?", (int(pii),))
        self.record(by, "user_admin", change="grant_pii" if pii else "revoke_pii", name=name)

    def authenticate(self, name: str, password: str, demo_allowed: bool) -> User:
        """The user for a correct name and password; failures are counted, 5 in a row lock for 15 minutes.

        Every refusal says the same words and costs the same time (a hash is verified whether or not the
        account exists, is usable or is locked), so the login form tells nobody which names exist or are
        locked; the audit log records the real reason."""
        row, now = self._row(name), self.clock()
        usable = row is not None and not row["disabled"] and (demo_allowed or not row["demo"])
        correct = _verified(row["password_hash"] if row is not None and usable else _dummy_hash(), password)
        if row is None or not usable:
            self.record(name, "login_failed", reason="unknown, disabled or demo account")
            raise LoginRefused(REFUSED)
        if row["locked_until"] and dt.datetime.fromisoformat(row["locked_until"]) > now:
            self.record(name, "login_failed", reason="locked")
            raise LoginRefused(REFUSED)
        if not correct:
            failures = row["failures"] + 1
            locked = (now + LOCKOUT).isoformat(timespec="seconds") if failures >= MAX_FAILURES else None
            self._update(name, "failures = ?, locked_until = ?", (0 if locked else failures, locked))
            self.record(name, "login_failed", reason="password", failures=failures)
            if locked:
                self.record(name, "locked", until=locked)
            raise LoginRefused(REFUSED)
        self._update(name, "failures = 0, locked_until = NULL", ())
        self.record(name, "login")
        return _user(row)

    # --- sessions that survive a reload ----------------------------------------------------------
    def open_session(self, name: str) -> str:
        """A new random session token for a signed-in user (only its hash is stored)."""
        token, now = secrets.token_urlsafe(32), self.clock().isoformat(timespec="seconds")
        with self._connect() as con:
            con.execute(
                "INSERT INTO session (token_hash, user, created_at, last_seen) VALUES (?, ?, ?, ?)",
                (_digest(token), name, now, now),
            )
        return token

    def resume(self, token: str, timeout: dt.timedelta) -> User | None:
        """The user of a live session token (and the session touched); None for an unknown, ended, expired
        (ended and audited as such) or disabled one."""
        now = self.clock()
        with self._connect() as con:
            row = con.execute(
                "SELECT user, last_seen FROM session WHERE token_hash = ? AND ended_at IS NULL", (_digest(token),)
            ).fetchone()
        if row is None:
            return None
        if now - dt.datetime.fromisoformat(row["last_seen"]) > timeout:
            self.end_session(token, "expired")
            self.record(row["user"], "expired", session="cookie")
            return None
        user = self.user(row["user"])
        if user is None:
            self.end_session(token, "account disabled")
            return None
        with self._connect() as con:
            con.execute(
                "UPDATE session SET last_seen = ? WHERE token_hash = ?",
                (now.isoformat(timespec="seconds"), _digest(token)),
            )
        return user

    def end_session(self, token: str, reason: str) -> None:
        """End a session for good (sign-out, expiry): its token is refused from now on."""
        with self._connect() as con:
            con.execute(
                "UPDATE session SET ended_at = ?, end_reason = ? WHERE token_hash = ? AND ended_at IS NULL",
                (self.clock().isoformat(timespec="seconds"), reason, _digest(token)),
            )

    def _row(self, name: str) -> sqlite3.Row | None:
        with self._connect() as con:
            row: sqlite3.Row | None = con.execute("SELECT * FROM account WHERE name = ?", (name,)).fetchone()
            return row

    def _update(self, name: str, assignments: str, values: tuple[object, ...]) -> None:
        with self._connect() as con:
            if con.execute(f"UPDATE account SET {assignments} WHERE name = ?", (*values, name)).rowcount == 0:
                raise AccountError(f"没有账号“{name}”")


@cache
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dummy_hash() -> str:
    """A hash to verify against when the account cannot log in, so that a refusal takes as long as any."""
    return _HASHER.hash("not-a-password-of-any-account")


def _verified(password_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_account(name: str, role: str, password: str) -> None:
    if not name or len(name) > 40 or any(c in name for c in "\x00\r\n"):
        raise AccountError("账号名须为 1–40 个字符")
    if role not in PERMISSIONS:
        raise AccountError(f"角色须为 {'、'.join(PERMISSIONS)} 之一")
    if len(password) < 8:
        raise AccountError("密码至少 8 个字符")


def _check_reporting(role: str, area: str, unit: str) -> None:
    if role == "reporter" and not unit:
        raise AccountError("填报员须指定所属单位（--unit）")
    if role != "reporter" and unit:
        raise AccountError("只有填报员有所属单位")
    if role in REPORTING_ROLES and len(area) > 6:
        raise AccountError("填报员和审核员的范围须为全市或区市")
    if role == "monitor" and area == CITY:
        raise AccountError("监测专干的范围须为区市或镇街")


def _upgrade_account_table(con: sqlite3.Connection) -> None:
    """Bring an accounts file from an earlier version up to date: every role of ``PERMISSIONS`` allowed (reporter
    and reviewer came with sector reporting, monitor with the monitoring cases) and the ``unit`` column. SQLite
    cannot change a CHECK, so the table is rebuilt with its rows."""
    stored = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'account'").fetchone()["sql"]
    if all(f"'{role}'" in stored for role in PERMISSIONS):
        return
    kept = ", ".join(row["name"] for row in con.execute("PRAGMA table_info(account)"))
    new_table = _SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS account") : _SCHEMA.index(");") + 2]
    con.executescript(
        "BEGIN;"
        + new_table.replace("IF NOT EXISTS account", "account_new")
        + f"INSERT INTO account_new ({kept}) SELECT {kept} FROM account;"
        "DROP TABLE account; ALTER TABLE account_new RENAME TO account; COMMIT;"
    )


def _user(row: sqlite3.Row) -> User:
    return User(row["name"], row["role"], row["area"], bool(row["pii"]), bool(row["demo"]), row["unit"])
