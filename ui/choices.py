"""A select box over coded options: shows the Chinese labels, returns the code."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def pick(where: Any, label: str, options: Mapping[str, str], key: str, index: int = 0) -> str:
    """The code chosen in a select box (in ``where``: a column, the sidebar, ``st``) listing ``options``' labels."""
    codes = list(options)
    chosen = where.selectbox(label, codes, index=index, format_func=options.__getitem__, key=key)
    return str(chosen if chosen is not None else codes[index])
