"""Drill-down: map clicks and breadcrumbs move the global filters (they run as callbacks, before the rerun)."""

from __future__ import annotations

import duckdb
import streamlit as st

from analytics.scope import CITY_NAME, Scope, scope_label


def _set_filters(district: str = "", town: str = "", village: str = "") -> None:
    st.session_state.update(f_district=district, f_town=town, f_village=village)


def on_map_select(key: str) -> None:
    """Callback of a map: a clicked district, town or village becomes the scope."""
    objects = st.session_state[key].selection.get("objects", {})
    for layer_objects in objects.values():
        for obj in layer_objects:
            if "village_code" in obj:
                _set_filters(obj["district_code"], obj["town_code"], obj["village_code"])
                return
            code = str(obj.get("area_code", ""))
            if len(code) == 6:
                _set_filters(code)
                return
            if len(code) == 9:
                _set_filters(code[:6], code)
                return


def breadcrumbs(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """青岛市 › 区市 › 镇街 › 村 — each step a button that moves the scope back up."""
    parts = scope_label(con, Scope(scope.as_of, scope.district, scope.town, scope.village)).split(" · ")
    steps = [("青岛市", {})]
    if scope.district:
        steps.append((parts[0], {"district": scope.district}))
    if scope.town:
        steps.append((parts[1], {"district": scope.district, "town": scope.town}))
    if scope.village:
        steps.append((parts[2], {"district": scope.district, "town": scope.town, "village": scope.village}))
    columns = st.columns([1] * len(steps) + [8 - len(steps)])
    for i, (label, target) in enumerate(steps):
        last = i == len(steps) - 1
        columns[i].button(("" if i == 0 else "› ") + (label if label != CITY_NAME else "青岛市"), key=f"crumb_{i}",
                          disabled=last, on_click=_set_filters, kwargs=target, type="tertiary")
