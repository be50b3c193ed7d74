"""Drill-down: map clicks and breadcrumbs move the global filters.

A map click arrives as the chart's selection during a run, after the sidebar widgets exist, so it is
parked in ``st.session_state.drill`` and the app reruns; ``apply_pending_drill`` (called by the
sidebar before its widgets) then moves the filters. Breadcrumbs do the same from a button callback.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import duckdb
import streamlit as st

from analytics.scope import Scope, scope_label
from ui.auth import audit_denied, current_user

_KEYS = ("f_district", "f_town", "f_village")


def apply_pending_drill() -> None:
    """Move the filters to a requested area (before the filter widgets are drawn)."""
    target = st.session_state.pop("drill", None)
    if target is not None:
        st.session_state.update(dict(zip(_KEYS, target, strict=True)))


def _request(district: str = "", town: str = "", village: str = "") -> None:
    st.session_state.drill = (district, town, village)


def drill_target(selection: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """The (district, town, village) a map selection points at, if any."""
    for layer_objects in selection.get("objects", {}).values():
        for obj in layer_objects:
            if "village_code" in obj:
                return obj["district_code"], obj["town_code"], obj["village_code"]
            code = str(obj.get("area_code", ""))
            if len(code) == 6:
                return code, "", ""
            if len(code) == 9:
                return code[:6], code, ""
    return None


def refusal(target: tuple[str, str, str], limit: str | None) -> str | None:
    """Why a drill target cannot be followed: codes that do not nest (a village of one town sent under
    another's code) or an area outside the user's ``limit``; None when it can."""
    district, town, village = target
    if (town and not town.startswith(district)) or (village and not (town and village.startswith(town))):
        return "地图选择的区划代码不一致"
    area = village or town or district
    if limit and not area.startswith(limit):
        return f"无权查看区域 {area}"
    return None


def follow_map_click(event: Any) -> None:
    """After a map click, drill into what was clicked (also from inside a fragment).

    A selection stays in the chart's state across reruns, so a target that is already the current area is
    left alone, and a refused one (forged codes) is audited once and ignored: it never causes a rerun."""
    target = drill_target(event.selection) if event is not None else None
    if target is None or target == tuple(st.session_state.get(key) or "" for key in _KEYS):
        return
    reason = refusal(target, current_user().limit)
    if reason:
        audit_denied("map_selection", requested="/".join(target), reason=reason)
        return
    _request(*target)
    st.rerun(scope="app")


def breadcrumbs(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    """青岛市 › 区市 › 镇街 › 村 — each step a button that moves the scope back up."""
    parts = scope_label(con, replace(scope, attribute=None, main_cause=None)).split(" · ")
    steps: list[tuple[str, tuple[str | None, ...]]] = [("青岛市", ())]
    if scope.district:
        steps.append((parts[0], (scope.district,)))
    if scope.town:
        steps.append((parts[1], (scope.district, scope.town)))
    if scope.village:
        steps.append((parts[2], (scope.district, scope.town, scope.village)))
    if scope.limit:  # no steps above the user's own area
        steps = [(label, target) for label, target in steps if target and len(target[-1] or "") >= len(scope.limit)]
    columns = st.columns([1] * len(steps) + [8 - len(steps)])
    for i, (label, target) in enumerate(steps):
        columns[i].button(
            ("" if i == 0 else "› ") + label,
            key=f"crumb_{i}",
            disabled=i == len(steps) - 1,
            on_click=_request,
            args=target,
            type="tertiary",
        )
