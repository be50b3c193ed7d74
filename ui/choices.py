"""Controls over coded options: they show the Chinese labels and return the code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analytics.labels import LEVEL_LABELS
from analytics.scope import Scope
from geo.maps import map_level as polygon_level


def pick(where: Any, label: str, options: Mapping[str, str], key: str, index: int = 0) -> str:
    """The code chosen in a select box (in ``where``: a column, the sidebar, ``st``) listing ``options``' labels."""
    codes = list(options)
    chosen = where.selectbox(label, codes, index=index, format_func=options.__getitem__, key=key)
    return str(chosen if chosen is not None else codes[index])


def map_level(where: Any, scope: Scope, key: str) -> str:
    """区划层级 of a map: districts or towns, a choice at city scope only (below it a map shows towns)."""
    choice = where.radio(
        "区划层级",
        ["district", "town"],
        format_func=LEVEL_LABELS.__getitem__,
        horizontal=True,
        disabled=scope.level != "city",
        key=key,
    )
    return polygon_level(scope.level, str(choice))
