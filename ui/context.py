"""The database connection, dataset facts and current scope every page starts from.

The dashboard reads one database at a time: the base database (``DASHBOARD_DB`` or the built-in demo)
or one of its imported snapshots, chosen in the sidebar (``f_dataset``); the newest snapshot by default.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import duckdb
import streamlit as st

from analytics import fmt
from analytics.dataset import DatasetInfo, dataset_info, has_households
from analytics.labels import SOURCE_LABELS
from analytics.scope import Scope
from geo.boundaries import boundaries_version
from roster.snapshot import list_snapshots
from storage.db import connect, database_path
from ui.text import plain

LOG = logging.getLogger("dashboard")
BUILD_HINT = "请运行 `make run`（自动生成示例数据），或用环境变量 DASHBOARD_DB 指向符合 roster/schema.sql 的数据库。"


@st.cache_resource
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return connect(path)


def dataset_choices() -> list[str]:
    """The base database and its published snapshots (paths), newest snapshot last."""
    base = database_path()
    return [str(base)] + [str(s.path) for s in list_snapshots(base)]


@st.cache_data(show_spinner=False, max_entries=256)
def _label(path: str, mtime: float) -> str:
    try:
        info = dataset_info(_connection(path).cursor())
    except (duckdb.Error, KeyError):
        return f"{Path(path).name}（无法读取）"
    if info.source == "imported":
        return f"{fmt.month(info.as_of)} 名册 · 第{info.meta.get('snapshot', '')[8:11].lstrip('0')}次导入"
    return (
        f"示例数据（合成）· {fmt.month(info.as_of)}"
        if info.is_synthetic
        else f"{SOURCE_LABELS.get(info.source, info.source)} · {fmt.month(info.as_of)}"
    )


def dataset_label(path: str) -> str:
    """How a database appears in the selector: as-of month and what it is."""
    return _label(path, Path(path).stat().st_mtime) if Path(path).exists() else f"{Path(path).name}（不存在）"


def current_database() -> Path:
    """The database chosen in the sidebar, else the newest snapshot, else the base database."""
    choices = dataset_choices()
    chosen = st.session_state.get("f_dataset")
    return Path(chosen if chosen in choices else choices[-1])


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the shared read-only connection (one per query or page run)."""
    return _connection(str(current_database())).cursor()


def database_key() -> tuple[str, float, float]:
    """Identifies the database file, its version and that of imported boundaries, for cache keys."""
    path = current_database()
    return str(path), path.stat().st_mtime, boundaries_version()


def open_dataset() -> tuple[duckdb.DuckDBPyConnection, DatasetInfo]:
    """Connect and read dataset facts, or stop the page with a message saying what to do."""
    path = current_database()
    if not path.exists():
        st.error(f"找不到数据库文件 {plain(path)}。{BUILD_HINT}")
        st.stop()
    con = connection()
    try:
        info = dataset_info(con)
        empty = not has_households(con)
    except (duckdb.Error, KeyError) as err:
        st.error(f"数据库 {plain(path.name)} 不完整、正被其他程序写入或结构不符，无法读取。{BUILD_HINT}")
        LOG.warning("cannot open %s: %s", path, err)
        st.stop()
    if empty:
        st.error(f"数据库 {plain(path.name)} 中没有建档立卡户数据。{BUILD_HINT}")
        st.stop()
    return con, info


def current_scope() -> Scope:
    """The scope chosen in the sidebar (set by app.py before the page runs)."""
    scope: Scope = st.session_state["scope"]
    return scope


def _made_on(stamp: str) -> str:
    """``（生成于 2026年12月2日）`` from an ISO timestamp; empty when there is none or it does not parse."""
    try:
        return f"（生成于 {fmt.day(dt.date.fromisoformat(stamp[:10]))}）"
    except ValueError:
        return ""


def page_header(title: str, info: DatasetInfo, scope_label: str, scope: Scope) -> None:
    """Title, then as-of month, scope and source; a plain banner when the data are synthetic."""
    st.title(title)
    source = SOURCE_LABELS.get(info.source, info.source)
    made = _made_on(info.meta.get("generated_at") or info.meta.get("imported_at", ""))
    st.caption(f"数据截至 {fmt.month(scope.as_of)} · 范围：{plain(scope_label)} · 来源：{plain(source)}{made}")
    if info.is_synthetic:
        st.warning("**示例数据（合成），非真实名单**：本平台当前载入的户、人、措施均为程序生成的虚构数据，仅用于演示。")
