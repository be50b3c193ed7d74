"""The database connection and dataset facts every page starts from."""

from __future__ import annotations

import duckdb
import streamlit as st

from analytics.dataset import DatasetInfo, dataset_info
from analytics.db import connect, database_path
from analytics.labels import SOURCE_LABELS


@st.cache_resource
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return connect(path)


def open_dataset() -> tuple[duckdb.DuckDBPyConnection, DatasetInfo]:
    """Connect (cached per database path) or stop the page with a clear message."""
    path = database_path()
    if not path.exists():
        st.error(f"找不到数据库文件 {path}。请运行 `make run` 生成示例数据，或用环境变量 DASHBOARD_DB 指向已有数据库。")
        st.stop()
    con = _connection(str(path)).cursor()
    return con, dataset_info(con)


def show_dataset_notice(info: DatasetInfo) -> None:
    """Say plainly what the data are and as of when."""
    scope = f"数据截至 {info.as_of_label} · 基期 {info.baseline:%Y年%m月} · 来源：{SOURCE_LABELS.get(info.source, info.source)}"
    if info.is_synthetic:
        st.warning(f"**示例数据（合成）**：本页所有户、人、措施均为程序生成的虚构数据，仅用于演示，不代表真实情况。{scope}")
    else:
        st.caption(scope)
