"""Who is using the app: login form, sessions that survive a reload, inactivity expiry, demo mode,
permissions and the audit trail.

A login opens a server-side session (``AccessStore.open_session``: a random token, only its digest stored);
the token lives in a ``SameSite=Strict`` cookie set by the page, so a reload or a typed URL resumes the
session (audited ``resumed``) until 30 minutes without activity (audited ``expired``) or sign-out, which
ends the token for good. The cookie cannot be HttpOnly (Streamlit serves no response headers to set it).

While the data are synthetic the app opens in demo mode as a city-level viewer (banner), and the demo
accounts can log in from the sidebar. Once real data exist (an imported snapshot, or a non-synthetic
database) every page needs a login, unless ``DASHBOARD_ALLOW_ANONYMOUS=1`` (warned on every page).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from access import session
from access.roles import DEMO_VIEWER, ROLE_LABELS, User
from access.store import AccessStore, LoginRefused, store_path
from analytics.scope import Scope, area_label
from roster.snapshot import list_snapshots, store_dir
from storage.db import database_path
from storage.files import exposed
from ui.context import connection, dataset_choices
from ui.text import plain

DENIALS_PER_CAUSE = 20
SESSION_COOKIE = "dashboard_session"
PERMISSION_LABELS = {
    "admin": "账号与审计管理",
    "import": "导入数据",
    "export": "导出",
    "households": "查看户名单",
    "pii": "查看未脱敏个人信息",
    "report": "指标填报",
    "review": "指标审核",
    "monitor": "监测预警办理",
    "monitor_review": "监测对象审定",
}


@st.cache_resource
def _store(db: str) -> AccessStore:
    return AccessStore(store_path(Path(db)))


@st.cache_data(show_spinner=False, max_entries=64)
def _provably_synthetic(db: str, versions: tuple[object, ...]) -> bool:
    return session.provably_synthetic(Path(db))  # raises when it cannot tell: an error is never cached


def real_data() -> bool:
    """Whether real data exist (login required); read again when the database or its snapshots change.
    Fails closed: if the database cannot be read to prove it synthetic, it counts as real."""
    db = database_path()
    try:
        return not _provably_synthetic(str(db), (db.stat().st_mtime if db.exists() else 0.0, *dataset_choices()))
    except (session.SourceUnreadable, OSError):
        return True


def access_store() -> AccessStore:
    """The accounts and audit store of the base database."""
    return _store(str(database_path()))


def audit(action: str, **details: object) -> None:
    """Record an action of the current user."""
    user = st.session_state.get("user")
    access_store().record(user.name if user else None, action, **details)


def _login_form(demo_allowed: bool, where: Any) -> None:
    with where.form("login", clear_on_submit=True):
        name = st.text_input("用户名", key="login_name", max_chars=40)
        password = st.text_input("密码", type="password", key="login_password")
        if st.form_submit_button("登录"):
            try:
                user = access_store().authenticate(name.strip(), password, demo_allowed)
                st.session_state.update(
                    user=user, last_seen=session.now(), session_token=access_store().open_session(user.name)
                )
                st.session_state.pop("cookie_cleared", None)
                st.rerun()
            except LoginRefused as refused:
                st.error(plain(refused))


def _sign_out(reason: str) -> None:
    """End the session here and on the server; the page then removes the cookie."""
    token = st.session_state.pop("session_token", None)
    if token:
        access_store().end_session(token, reason)
    for key in ("user", "last_seen", "unmasked"):
        st.session_state.pop(key, None)
    st.session_state.cookie_cleared = True


def _cookie_script(token: str | None) -> str:
    """JavaScript that sets (or, without a token, removes) the session cookie of the page."""
    value = f"{token}; Max-Age={int(session.session_timeout().total_seconds())}" if token else "; Max-Age=0"
    return (
        f"<script>const secure = window.parent.location.protocol === 'https:' ? '; Secure' : '';"
        f"window.parent.document.cookie = '{SESSION_COOKIE}={value}; Path=/; SameSite=Strict' + secure;</script>"
    )


def _resumed_user(real: bool) -> User | None:
    """The user of the session cookie this browser sent, if that session is still live."""
    token = st.context.cookies.get(SESSION_COOKIE)
    if not isinstance(token, str) or not token or st.session_state.get("cookie_cleared"):  # (AppTest has no cookies)
        return None
    user = access_store().resume(token, session.session_timeout())
    if user is None or (user.demo and real):
        return None
    st.session_state.update(user=user, last_seen=session.now(), session_token=token)
    audit("resumed")
    return user


def signed_in_user() -> User:
    """The user of this session; draws the login form and stops the page when a login is needed."""
    user, current = st.session_state.get("user"), session.now()
    if user and session.expired(st.session_state.get("last_seen", current), current):
        audit("expired")
        _sign_out("expired")
        st.warning(f"超过 {int(session.session_timeout().total_seconds() // 60)} 分钟未操作，会话已过期，请重新登录。")
        user = None
    real = real_data()
    if user:  # re-read the account: a disabled account or a changed scope takes effect at once
        token = st.session_state.get("session_token")
        user = access_store().resume(token, session.session_timeout()) if token else access_store().user(user.name)
        if user is None or (user.demo and real):  # demo accounts end when real data arrive
            _sign_out("account changed")
            user = None
        else:
            st.session_state.user = user
    elif "user" not in st.session_state:
        user = _resumed_user(real)
    if user:
        st.session_state.last_seen = current
    elif real and not session.anonymous_allowed():
        st.title("精准扶贫“三张图”调度平台")
        st.info("本平台载有建档立卡名册（含个人信息），请先登录。")
        _login_form(False, st)
        st.stop()
    else:
        user = DEMO_VIEWER
    if real and session.anonymous_allowed() and user is DEMO_VIEWER:
        st.warning("已按配置 DASHBOARD_ALLOW_ANONYMOUS=1 关闭登录：任何能打开本页的人都能查看真实数据。")
    return user


def sidebar_account(user: User) -> None:
    """Who is signed in, with logout; in demo mode the banner and a login box for the demo accounts."""
    if st.session_state.get("session_token") or st.session_state.get("cookie_cleared"):
        st.sidebar.iframe(_cookie_script(st.session_state.get("session_token")), height=1)
    box = st.sidebar.container(border=True)
    if user is DEMO_VIEWER:
        box.caption("演示模式：以全市“查看者”身份浏览合成数据（不含户名单和导出）；可用演示账号登录（见 README）。")
        with box.expander("登录"):
            _login_form(not real_data(), st)
        return
    box.caption(f"当前用户：{plain(user.label)} · 范围：{plain(_area_name(user.limit))}")
    if box.button("退出登录", key="logout"):
        audit("logout")
        _sign_out("logout")
        st.rerun()


def _area_name(code: str | None) -> str:
    """A user's area by name (its code if the database cannot be read)."""
    try:
        return area_label(connection(), code)
    except duckdb.Error:
        return code or "全市"


def current_user() -> User:
    """The user set by app.py for this run."""
    return st.session_state.get("user") or DEMO_VIEWER


def audit_denied(cause: str, **details: object) -> None:
    """Audit a refused request once per session, cause and details, and at most
    ``DENIALS_PER_CAUSE`` times per session and cause: a repeated or scripted request cannot flood the log."""
    seen = st.session_state.setdefault("denials_audited", {})
    key = json.dumps([cause, details], ensure_ascii=False, sort_keys=True, default=str)
    count = sum(1 for k in seen if seen[k] == cause)
    if key in seen or count >= DENIALS_PER_CAUSE:
        return
    seen[key] = cause
    audit("denied", cause=cause, **details)


def require(permission: str) -> User:
    """Stop the page with a message (and an audit entry) when the user lacks ``permission``."""
    user = current_user()
    if not user.can(permission):
        audit_denied("page", permission=permission)
        st.error(f"当前账号（{ROLE_LABELS[user.role]}）没有“{PERMISSION_LABELS[permission]}”权限。")
        st.stop()
    return user


def warn_exposed_files(user: User) -> None:
    """Administrators are told when the database, its snapshots or the access file are readable by others."""
    if not user.can("admin"):
        return
    db = database_path()
    files = exposed([db, store_path(db), store_dir(db), *(s.path for s in list_snapshots(db))])
    if files:
        st.warning(
            "以下文件或目录其他系统用户也可读取（含个人信息），请改为仅所有者可读（chmod 600 文件、chmod 700 目录）："
            + "、".join(plain(p.name) for p in files)
        )


def log_page_view(page: str, scope: Scope) -> None:
    """Audit a page view once per page, scope and month."""
    key = (page, scope.area_code, scope.as_of)
    if st.session_state.get("last_view") != key:
        st.session_state.last_view = key
        st.session_state.pop("unmasked", None)  # an unmasked household lasts for that view only
        audit("page_view", page=page, scope=scope.area_code, month=f"{scope.as_of:%Y-%m}")
