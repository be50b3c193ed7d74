"""Analytics results cached per database version, function and scope."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from analytics.scope import Scope
from reports.slides import Briefing, build_briefing
from ui.cases import case_frames, cases_key
from ui.context import connection, database_key
from ui.reports import report_frames, reports_key


@st.cache_data(show_spinner=False, max_entries=1024)
def _call(module: str, name: str, db: tuple[str, float, float], scope: Scope, args: tuple[Any, ...]) -> Any:
    function = getattr(importlib.import_module(module), name)
    return function(connection(), scope, *args)


@st.cache_data(show_spinner=False, max_entries=128)
def _call_files(module: str, name: str, files: tuple[tuple[str, float], ...], scope: Scope) -> Any:
    function = getattr(importlib.import_module(module), name)
    return function([Path(path) for path, _ in files], scope)


def cached_over_files(function: Callable[[list[Path], Scope], Any], paths: list[Path], scope: Scope) -> Any:
    """``function(paths, scope)`` for questions across several databases, computed once per file versions."""
    return _call_files(function.__module__, function.__name__, tuple((str(p), p.stat().st_mtime) for p in paths), scope)


@st.cache_data(show_spinner=False, max_entries=256)
def _call_reported(
    module: str, name: str, db: tuple[str, float, float], reports: tuple[str, int], scope: Scope, args: tuple[Any, ...]
) -> Any:
    function = getattr(importlib.import_module(module), name)
    return function(connection(), scope, *args, reports=report_frames())


def cached_reported(function: Callable[..., Any], scope: Scope, *args: Any) -> Any:
    """``function(con, scope, *args, reports=…)`` with the sector reports, computed once per database version,
    reports version and arguments."""
    return _call_reported(function.__module__, function.__name__, database_key(), reports_key(), scope, args)


def cached(function: Callable[..., Any], scope: Scope, *args: Any) -> Any:
    """``function(con, scope, *args)``, computed once per database version and arguments."""
    return _call(function.__module__, function.__name__, database_key(), scope, args)


@st.cache_data(show_spinner=False, max_entries=64)
def _briefing(
    db: tuple[str, float, float], reports: tuple[str, int], cases: tuple[str, int], scope: Scope, hide_small: bool
) -> Briefing:
    return build_briefing(
        connection(), scope, hide_small, report_frames(), case_frames(), ask=cached, ask_reported=cached_reported
    )


def cached_briefing(scope: Scope, hide_small: bool) -> Briefing:
    """The meeting's slides with the sector reports and the monitoring cases, built once per version of the
    database, the reports and the cases."""
    return _briefing(database_key(), reports_key(), cases_key(), scope, hide_small)
