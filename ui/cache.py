"""Analytics results cached per database version, function and scope."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from analytics.scope import Scope
from ui.context import connection, database_key


@st.cache_data(show_spinner=False, max_entries=1024)
def _call(module: str, name: str, db: tuple[str, float], scope: Scope, args: tuple) -> Any:
    function = getattr(importlib.import_module(module), name)
    return function(connection(), scope, *args)


def cached(function: Callable[..., Any], scope: Scope, *args: Any) -> Any:
    """``function(con, scope, *args)``, computed once per database version and arguments."""
    return _call(function.__module__, function.__name__, database_key(), scope, args)
