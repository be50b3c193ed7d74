"""Sidebar filters (as-of month, district → town → village), mirrored in the URL's query parameters.

On the first run of a session the URL is read (``month=YYYY-MM&district=CODE&town=CODE&village=CODE``)
and checked by ``analytics.scope.resolve_scope``; afterwards the widgets rule and the URL follows them,
so a copied link reproduces the view. The widgets live in the entry script, so they survive page switches.
"""

from __future__ import annotations

import duckdb
import streamlit as st

from analytics import fmt
from analytics.areas import area_codes
from analytics.dataset import DatasetInfo
from analytics.scope import Scope, area_names, resolve_scope
from storage.months import BASELINE, add_months, month_label, months_between, parse_month
from ui.auth import audit_denied
from ui.context import dataset_choices, dataset_label
from ui.drill import apply_pending_drill
from ui.text import plain

ALL = ""  # the “whole area” option of a selectbox


@st.cache_data(show_spinner=False, max_entries=512)
def _all_options(
    _con: duckdb.DuckDBPyConnection, db: tuple[str, float, float], level: str, parent: str | None
) -> list[str]:
    return [ALL, *area_codes(_con, level, parent)]


def _options(
    con: duckdb.DuckDBPyConnection, db: tuple[str, float, float], level: str, parent: str | None, limit: str | None
) -> list[str]:
    """A level's choices inside the user's area: no “whole area” above it, only its own district or town."""
    options = _all_options(con, db, level, parent)
    if limit and len(limit) >= {"district": 6, "town": 9, "village": 12}[level]:
        return [code for code in options if code and limit.startswith(code)]
    return [code for code in options if not code or not limit or code.startswith(limit)]


def _keep_inside(key: str, options: list[str], names: dict[str, str]) -> None:
    """A widget value outside the allowed choices (e.g. set by hand, or a link to another area) is refused and
    audited; the whole-city default of a user who signed in with a smaller area, when no link asked for an
    area, is simply moved to that area."""
    if st.session_state.get(key, options[0]) not in options:
        requested = str(st.session_state[key])
        if requested != ALL or st.session_state.get("area_requested"):
            audit_denied("filter", widget=key, requested=requested)
            st.session_state.setdefault("scope_notices", []).append(
                f"无权查看{names.get(requested, requested)}，已显示该账号的范围。"
            )
        st.session_state[key] = options[0]


@st.cache_data(show_spinner=False, max_entries=64)
def _names(_con: duckdb.DuckDBPyConnection, db: tuple[str, float, float], level: str) -> dict[str, str]:
    return area_names(_con, level)


def _seed_from_url(con: duckdb.DuckDBPyConnection, info: DatasetInfo, limit: str | None) -> None:
    params = st.query_params
    scope, notices = resolve_scope(
        con, info, params.get("month"), params.get("district"), params.get("town"), params.get("village"), limit
    )
    if notices:  # every unusable value is audited: outside the area, a town of another district, a bad month
        audit_denied(
            "url",
            requested={k: params.get(k) for k in ("month", "district", "town", "village")},
            reason="；".join(notices),
        )
    notices = [notice + "，已显示该账号的范围。" if notice.startswith("无权") else notice for notice in notices]
    st.session_state.update(
        f_month=month_label(scope.as_of),
        f_district=scope.district or ALL,
        f_town=scope.town or ALL,
        f_village=scope.village or ALL,
        scope_notices=notices,
        area_requested=any(params.get(k) for k in ("district", "town", "village")),
    )


def _start_at_new_as_of() -> None:
    """After switching datasets the month starts at the new data's as-of month; areas are kept."""
    st.session_state.pop("f_month", None)
    if "month" in st.query_params:
        del st.query_params["month"]


def sidebar_dataset() -> None:
    """The 数据版本 selector: the base database or one of its imported snapshots (newest by default)."""
    choices = dataset_choices()
    if st.session_state.get("f_dataset") not in choices:
        st.session_state.f_dataset = choices[-1]
    if len(choices) > 1:
        st.sidebar.selectbox(
            "数据版本",
            choices,
            key="f_dataset",
            format_func=dataset_label,
            on_change=_start_at_new_as_of,
            help="每次导入名册生成一个快照；可切换查看以前的快照。",
        )


def _clear_below(*keys: str) -> None:
    for key in keys:
        st.session_state[key] = ALL


def sidebar_scope(
    con: duckdb.DuckDBPyConnection, info: DatasetInfo, db: tuple[str, float, float], limit: str | None
) -> Scope:
    """Draw the filters inside the user's area ``limit`` and return the chosen scope (also kept in
    ``st.session_state.scope``); the scope itself refuses anything outside the area."""
    if "f_month" not in st.session_state:
        _seed_from_url(con, info, limit)
    apply_pending_drill()
    sidebar = st.sidebar
    sidebar.header("筛选")
    months = [month_label(m) for m in months_between(add_months(BASELINE, 1), info.as_of)]
    sidebar.select_slider("数据月份", options=months, key="f_month", format_func=lambda m: fmt.month(parse_month(m)))
    district_names, town_names, village_names = (_names(con, db, level) for level in ("district", "town", "village"))
    districts = _options(con, db, "district", None, limit)
    _keep_inside("f_district", districts, district_names)
    sidebar.selectbox(
        "区市",
        districts,
        key="f_district",
        format_func=lambda c: district_names.get(c, "全市"),
        on_change=_clear_below,
        args=("f_town", "f_village"),
    )
    district = st.session_state.f_district or None
    if district:
        towns = _options(con, db, "town", district, limit)
        _keep_inside("f_town", towns, town_names)
        sidebar.selectbox(
            "镇（街道）",
            towns,
            key="f_town",
            format_func=lambda c: town_names.get(c, "全部镇街"),
            on_change=_clear_below,
            args=("f_village",),
        )
    town = (st.session_state.get("f_town") or None) if district else None
    if town:
        villages = _options(con, db, "village", town, limit)
        _keep_inside("f_village", villages, village_names)
        sidebar.selectbox("村（社区）", villages, key="f_village", format_func=lambda c: village_names.get(c, "全部村"))
    village = (st.session_state.get("f_village") or None) if town else None
    scope, _ = resolve_scope(con, info, st.session_state.f_month, district, town, village, limit)
    st.session_state.scope = scope
    _mirror_in_url(
        {"month": month_label(scope.as_of), "district": scope.district, "town": scope.town, "village": scope.village}
    )
    return scope


def _mirror_in_url(values: dict[str, str | None]) -> None:
    """Write the filter values into the URL, leaving a page's own parameters (e.g. ``slide``) alone."""
    for key, value in values.items():
        if value:
            if st.query_params.get(key) != value:
                st.query_params[key] = value
        elif key in st.query_params:
            del st.query_params[key]


def show_url_notices() -> None:
    """Tell the user (once) which URL values were not usable."""
    for notice in st.session_state.pop("scope_notices", []):
        st.warning(plain(notice))
