"""调度会: the monthly dispatch meeting on a 1920×1080 projector, one slide at a time."""

import tempfile
from html import escape
from pathlib import Path

import streamlit as st

from analytics import fmt
from reports.briefing import generate
from reports.slides import Chart
from reports.static_chart import render_chart
from reports.static_map import render_map
from ui import tables
from ui.auth import audit, current_user
from ui.cache import cached, cached_briefing
from ui.cases import case_frames
from ui.context import connection
from ui.meeting import KEYBOARD_JS, inline_png, slide_css
from ui.page import start
from ui.reports import report_frames
from ui.status import CARD_CSS, chip
from ui.text import plain

con, info, scope = start(None)
briefing = cached_briefing(scope, fmt.suppressing())
slides = briefing.slides

requested = st.query_params.get("slide", "1")
index = min(max(int(requested) - 1, 0), len(slides) - 1) if requested.isdigit() else 0
st.session_state.setdefault("meeting_slide", index)
if "slide" in st.query_params and st.session_state.get("meeting_url_slide") != requested:
    st.session_state.meeting_slide = index
current = st.session_state.meeting_slide


@st.cache_data(show_spinner=False, max_entries=64)
def chart_image(chart: Chart, dark: bool) -> bytes:
    return render_chart(chart, dark)


def _go(step: int) -> None:
    st.session_state.meeting_slide = (st.session_state.meeting_slide + step) % len(slides)


# In projector mode the control bar is hidden (keys only: ←/→, PageUp/PageDown, P, D); its row never grows.
with st.container(key="meeting_controls"):
    controls = st.columns([1, 1, 1, 1, 2, 2, 1, 1], vertical_alignment="bottom")
    controls[0].button("◀ 上一页", key="meeting_prev", on_click=_go, args=(-1,))
    controls[1].button("下一页 ▶", key="meeting_next", on_click=_go, args=(1,))
    dark = controls[2].toggle("深色", key="meeting_dark")
    hide_sidebar = controls[3].toggle("投影模式", value=True, key="meeting_projector")
    auto = controls[4].number_input("自动翻页（秒，0 = 关）", 0, 600, 0, step=5, key="meeting_auto")
    if not current_user().can("export"):
        controls[5].caption("当前角色不能导出简报。")
    elif controls[5].button("生成简报（PPTX + Excel）", key="meeting_export"):
        out = Path(tempfile.mkdtemp(prefix="briefing_"))
        files = generate(
            connection(), scope, out, current_user().name, fmt.suppressing(), report_frames(), case_frames()
        )
        audit("export", file=files.deck.name, scope=scope.area_code, month=f"{scope.as_of:%Y-%m}")
        st.session_state.meeting_files = (files.deck, files.workbook, files.seconds)
    if "meeting_files" in st.session_state:
        deck, workbook, seconds = st.session_state.meeting_files
        controls[6].download_button(
            "下载 PPTX",
            Path(deck).read_bytes(),
            file_name=Path(deck).name,
            key="dl_pptx",
            help=f"用时 {seconds:.1f} 秒",
        )
        controls[7].download_button(
            "下载 Excel", Path(workbook).read_bytes(), file_name=Path(workbook).name, key="dl_xlsx"
        )

st.html(CARD_CSS + slide_css(dark, hide_sidebar))
st.iframe(KEYBOARD_JS, height=1)
st.query_params["slide"] = str(current + 1)
st.session_state.meeting_url_slide = str(current + 1)

slide = slides[current]
st.markdown(f"<div class='slide-title'>{escape(slide.title)}</div>", unsafe_allow_html=True)
keys = " · P 键显示控制栏" if hide_sidebar else ""
st.markdown(
    f"<div class='slide-footer'>{escape(briefing.footer)} · 第 {current + 1} / {len(slides)} 页{keys}</div>",
    unsafe_allow_html=True,
)
if slide.kpis:
    for column, tile in zip(st.columns(len(slide.kpis)), slide.kpis, strict=True):
        status = f" {chip(tile.status)}" if tile.status else ""
        column.markdown(
            f"<div class='kpi-label'>{escape(tile.label)}</div><div class='kpi-value'>{escape(tile.value)}</div>"
            f"<div class='kpi-note'>{escape(tile.note)}{status}</div>",
            unsafe_allow_html=True,
        )
wide = any(len(frame.columns) > 6 for frame in slide.tables.values())
left, right = st.columns([2, 3] if wide else [3, 2]) if (slide.map_metric or slide.charts) else (None, st.container())
if left is not None:
    with left:
        if slide.map_metric:
            st.image(inline_png(cached(render_map, scope, slide.map_metric)), width="stretch")
        else:
            st.image(inline_png(chart_image(slide.charts[0], dark)), width="stretch")
with right:
    for title, frame in slide.tables.items():
        st.markdown(f"<div class='table-title'>{escape(title)}</div>", unsafe_allow_html=True)
        rows = 6 if wide else 8
        st.table(tables.as_read(frame, rows))
        if len(frame) > rows:
            st.caption(f"共 {len(frame)} 条，此处显示前 {rows} 条；完整清单见简报 Excel。")
if slide.note:
    st.caption(plain(slide.note))
if auto:

    @st.fragment(run_every=int(auto))
    def _advance() -> None:
        if st.session_state.get("meeting_ticks", 0) > 0:
            _go(1)
            st.session_state.meeting_ticks = 0
            st.rerun(scope="app")
        st.session_state.meeting_ticks = 1

    _advance()
