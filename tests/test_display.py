"""The display layer on every page: what a person reads is Chinese, formatted by ``fmt``, names not codes.

Every page × three scopes (city, 平度市, a town) × two roles (the demo viewer and a district analyst) is run in
AppTest; every visible text — titles, captions, Markdown, HTML, metrics, table headers and cells, widget labels
and options — is scanned for snake_case identifiers, ISO dates and timestamps, bare area codes and Python
words (None, nan, True …), and every numeric table cell must be a ``fmt`` string.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import PAGES, app, login

SCOPES = {"city": {}, "pingdu": {"district": "370283"}, "town": {"district": "370283", "town": "370283108"}}
ROLES = {"viewer": None, "analyst": ("demo_pingdu", "demo-pingdu-2017")}
FORBIDDEN = {
    "identifier": re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b"),
    "area code": re.compile(r"(?<![\d*])370\d{3}(?:\d{3}){0,2}(?![\d*])"),
    "Python word": re.compile(r"\b(?:None|nan|NaN|NaT|True|False|empty)\b"),
}
# A table cell that holds a number must read like fmt's output: 28,535 / 97.9% / 2.7 / — / <3.
FORMATTED = re.compile(r"^(?:—|<3|-?\d{1,3}(?:,\d{3})*(?:\.\d+)?(?:%|万)?)$")


def visible_texts(at: AppTest) -> list[str]:
    texts = [
        e.value
        for kind in ("title", "header", "subheader", "caption", "markdown", "warning", "info", "success", "error")
        for e in getattr(at, kind)
    ]
    texts += [
        html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", e.proto.body, flags=re.S)) for e in at.get("html")
    ]
    texts += [f"{m.label} {m.value}" for m in at.metric]
    for kind in ("selectbox", "radio", "multiselect", "select_slider"):
        for widget in getattr(at, kind):
            texts += [str(widget.label), *map(str, widget.options)]
    texts += [
        str(e.label)
        for kind in ("button", "toggle", "checkbox", "text_input", "number_input", "expander")
        for e in getattr(at, kind)
    ]
    return texts


def table_frames(at: AppTest) -> list[tuple[pd.DataFrame, set[str]]]:
    """Every table with the columns whose numbers the browser formats (``st.column_config`` with a format)."""
    frames = [(t.value, set()) for t in at.table]
    for element in at.dataframe:
        config = json.loads(element.proto.columns or "{}")
        formatted = {name for name, c in config.items() if c.get("type_config", {}).get("format")}
        frames.append((element.value, formatted))
    return frames


def problems_on(at: AppTest) -> list[str]:
    found = []
    texts = visible_texts(at)
    for frame, formatted in table_frames(at):
        texts += [str(c) for c in frame.columns] + [str(i) for i in frame.index if not isinstance(i, int)]
        texts += [str(name) for name in (frame.index.name, frame.columns.name) if name]
        for column in frame.columns:
            cells = [v for v in frame[column].tolist() if isinstance(v, str) and FORMATTED.match(v)]
            if any(v.endswith("万") for v in cells) and any(v[-1].isdigit() and len(v) > 4 for v in cells):
                found.append(f"column {column} mixes 万 and plain numbers")
            if column in formatted:
                continue
            for value in frame[column].tolist():
                if isinstance(value, bool) or (isinstance(value, int | float) and not pd.isna(value)):
                    found.append(f"unformatted number {value!r} in column {column}")
                elif isinstance(value, str):
                    texts.append(value)
    for text in texts:
        for name, pattern in FORBIDDEN.items():
            found += [f"{name}: {match!r} in {text[:80]!r}" for match in pattern.findall(text)]
    return found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("page", PAGES)
def test_no_identifier_code_or_raw_number_reaches_the_screen(
    monkeypatch, demo_db: Path, page: str, scope: str, role: str
) -> None:
    at = app(monkeypatch, demo_db, **SCOPES[scope]).run()
    if ROLES[role]:
        login(at, *ROLES[role])
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert problems_on(at) == []
