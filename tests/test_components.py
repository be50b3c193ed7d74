"""The Streamlit glue on its own (AppTest of small scripts): the sidebar filters, the breadcrumbs and the page
scaffold — what they show and what they set."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_DIR
from tests.test_app import DEMO_CITY, app, login
from ui.navigation import DATA_PAGES


def _filters_script() -> None:
    import streamlit as st

    from ui.context import database_key
    from ui.filters import sidebar_scope
    from ui.page import open_for_run

    con, info = open_for_run()
    limit = st.session_state.get("test_limit")
    scope = sidebar_scope(con, info, database_key(), limit)
    st.text(f"{scope.district}|{scope.town}|{scope.village}|{scope.as_of:%Y-%m}")


def _component(monkeypatch: pytest.MonkeyPatch, db: Path, script, **params: str) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.chdir(PROJECT_DIR)
    at = AppTest.from_function(script, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def test_sidebar_filters_narrow_step_by_step_and_mirror_the_url(monkeypatch, demo_db: Path) -> None:
    at = _component(monkeypatch, demo_db, _filters_script).run()
    assert not at.exception and at.text[0].value == "None|None|None|2017-09"
    district = at.sidebar.selectbox(key="f_district")
    assert district.options[:2] == ["全市", "市南区"] and "平度市" in district.options
    district.select("370283").run()
    towns = at.sidebar.selectbox(key="f_town")
    assert towns.options[0] == "全部镇街" and "蓼兰镇" in towns.options and "李哥庄镇" not in towns.options
    towns.select("370283108").run()
    assert at.text[0].value == "370283|370283108|None|2017-09"
    assert at.query_params["district"] == "370283" and at.query_params["town"] == "370283108"
    at.sidebar.selectbox(key="f_district").select("370285").run()  # another district clears the town below
    assert at.text[0].value == "370285|None|None|2017-09" and "town" not in at.query_params


def test_sidebar_filters_stay_inside_the_users_area(monkeypatch, demo_db: Path) -> None:
    at = _component(monkeypatch, demo_db, _filters_script, district="370211")
    at.session_state["test_limit"] = "370283"
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox(key="f_district").options == ["平度市"]
    assert at.text[0].value.startswith("370283|")


def _crumbs_script() -> None:
    import datetime as dt

    import streamlit as st

    from analytics.scope import Scope
    from ui.context import connection
    from ui.drill import breadcrumbs

    limit = st.session_state.get("test_limit")
    scope = Scope(dt.date(2017, 9, 1), "370283", "370283108", "370283108201", limit=limit)
    breadcrumbs(connection(), scope)
    st.text(repr(st.session_state.get("drill")))


def test_breadcrumbs_name_each_step_and_move_back_up(monkeypatch, demo_db: Path) -> None:
    at = _component(monkeypatch, demo_db, _crumbs_script).run()
    assert not at.exception
    labels = [b.label for b in at.button]
    assert labels[:3] == ["青岛市", "› 平度市", "› 蓼兰镇"] and len(labels) == 4
    at.button[1].click().run()
    assert at.text[0].value == "('370283', '', '')"


def test_breadcrumbs_start_at_the_users_own_area(monkeypatch, demo_db: Path) -> None:
    at = _component(monkeypatch, demo_db, _crumbs_script)
    at.session_state["test_limit"] = "370283108"
    at.run()
    assert [b.label for b in at.button][0] == "蓼兰镇"


@pytest.mark.parametrize("page", DATA_PAGES)
def test_each_page_opens_the_dataset_once_per_rerun(monkeypatch, demo_db: Path, page: str) -> None:
    import ui.page

    calls: list[str] = []
    opened = ui.page.open_dataset

    def counted() -> object:
        calls.append(page)
        return opened()

    monkeypatch.setattr(ui.page, "open_dataset", counted)
    at = login(app(monkeypatch, demo_db).run(), *DEMO_CITY)
    at.switch_page(page).run()
    calls.clear()
    at.run()
    assert not at.exception and calls == [page]
