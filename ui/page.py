"""The scaffold every data page starts with: the dataset opened once per rerun, the scope, the header, the URL
notices, the breadcrumbs. (The list of pages is ``ui.navigation``.)"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import duckdb
import streamlit as st

from analytics.dataset import DatasetInfo
from analytics.scope import Scope, scope_label
from ui.context import current_scope, open_dataset, page_header
from ui.drill import breadcrumbs
from ui.filters import show_url_notices

_OPENED = "page_dataset"  # the (connection, dataset facts) app.py opened for this rerun


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
