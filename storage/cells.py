"""Cells of exported files are data, never formulas (CSV/Excel injection, OWASP's guidance).

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be evaluated by
Excel or LibreOffice (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``); every CSV and xlsx the product writes
passes :func:`neutralised_frame`, which prefixes such cells with ``'``. The importer takes the prefix
off again (:func:`restored`), so an export re-imports to the same values.
"""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralised(value: object) -> object:
    """A text value that a spreadsheet cannot take for a formula (other values unchanged)."""
    return QUOTE + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def neutralised_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and header neutralised."""
    out = frame.rename(columns=lambda c: neutralised(c) if isinstance(c, str) else c)
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralised).astype(object)
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text without live formulas; RFC 4180 line ends, so a carriage return inside a cell is
    quoted and cannot start a row of its own."""
    return str(neutralised_frame(frame).to_csv(index=False, lineterminator="\r\n"))


def restored(text: str) -> str:
    """An imported text cell with the export's protecting quote removed."""
    return text[1:] if text.startswith(QUOTE) and text[1:].startswith(FORMULA_START) else text
