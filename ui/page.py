"""What every page shares: the list of pages (for ``app.py``, the tests and the load test) and the scaffold a
page starts with — the dataset opened once per rerun, the scope, the header, the URL notices, the breadcrumbs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import duckdb
import streamlit as st

from analytics.dataset import DatasetInfo
from analytics.scope import Scope, scope_label
from ui.context import current_scope, open_dataset, page_header
from ui.drill import breadcrumbs
from ui.filters import show_url_notices

_OPENED = "page_dataset"  # the (connection, dataset facts) app.py opened for this rerun


@dataclass(frozen=True)
class PageSpec:
    """A page of the navigation: its script, menu title, URL path, menu group, and the permission it needs."""

    path: str
    title: str
    url_path: str
    group: str
    permission: str | None = None


PAGES = (
    PageSpec("views/overview.py", "总览", "home", "总览"),
    PageSpec("views/map_distribution.py", "图一 贫困人口分布", "distribution", "三张图"),
    PageSpec("views/map_measures.py", "图二 措施到户到人", "measures", "三张图"),
    PageSpec("views/map_dynamics.py", "图三 动态管理", "dynamics", "三张图"),
    PageSpec("views/meeting.py", "调度会（投影）", "meeting", "调度会"),
    PageSpec("views/summary.py", "数据概况", "summary", "数据"),
    PageSpec("views/quality.py", "数据质量", "quality", "数据"),
    PageSpec("views/data_admin.py", "数据管理", "data", "数据", permission="import"),
    PageSpec("views/audit.py", "账号与审计", "audit", "数据", permission="admin"),
)
# The pages every signed-in user has, in menu order (the first is the default, served at "/").
DATA_PAGES = tuple(page.path for page in PAGES if page.permission is None)


class PageContext(NamedTuple):
    con: duckdb.DuckDBPyConnection
    info: DatasetInfo
    scope: Scope


def open_for_run() -> tuple[duckdb.DuckDBPyConnection, DatasetInfo]:
    """Open the dataset for this rerun (``app.py``, before the sidebar filters); pages reuse it."""
    opened = open_dataset()
    st.session_state[_OPENED] = opened
    return opened


AreaLabel = Callable[[duckdb.DuckDBPyConnection, Scope], str]


def start(title: str | None, area_label: AreaLabel = scope_label, crumbs: bool = False) -> PageContext:
    """The page's dataset and scope; with a ``title``, the header (as-of month, the area as ``area_label``
    names it, source) and the notices about ignored URL parameters; with ``crumbs``, the drill-down path."""
    con, info = st.session_state.get(_OPENED) or open_for_run()
    scope = current_scope()
    if title is not None:
        page_header(title, info, area_label(con, scope), scope)
        show_url_notices()
    if crumbs:
        breadcrumbs(con, scope)
    return PageContext(con, info, scope)
