"""Map pages' shared parts: cached map specs, the legend, the attribution, and the drawing call."""

from __future__ import annotations

import html
from collections.abc import Callable

import streamlit as st

from analytics.classify import Classes
from geo.boundaries import OSM_ATTRIBUTION, boundary_sources
from geo.maps import MapSpec
from ui.drill import follow_map_click


def show_map(spec: MapSpec, key: str, height: int = 560) -> None:
    """Draw the deck; a click on an area or village drills down (the filters change, the URL follows)."""
    event = st.pydeck_chart(spec.deck(), height=height, key=key, on_select="rerun", selection_mode="single-object")
    follow_map_click(event)
    st.caption(f"{OSM_ATTRIBUTION} · {boundary_sources()} · 点击区域或村可下钻")


def legend(classes: Classes, title: str, fmt: Callable[[float | None, int], str]) -> None:
    """Class colours, limits and counts, plus the no-data class."""
    items = "".join(
        f'<div style="display:flex;align-items:center;gap:8px;margin:2px 0">'
        f'<span style="display:inline-block;width:22px;height:14px;background:{colour};border:1px solid #999"></span>'
        f"<span>{html.escape(label)}（{count}）</span></div>"
        for colour, label, count in classes.legend(fmt)
    )
    st.markdown(f"**{html.escape(title)}**<div style='font-size:0.95rem'>{items}</div>", unsafe_allow_html=True)
