"""Look and keys of the meeting page: projector-size type, light/dark themes, keys, and a slide that fits.

Slides are laid out for 1920×1080; on any other screen the slide is scaled to fit (as presentation tools
do), so it never scrolls at 1280×720 either.
"""

from __future__ import annotations

import base64

DESIGN_WIDTH, DESIGN_HEIGHT = 1920, 1080

# Arrow keys and a presenter clicker (PageUp/PageDown) press the page's own 上一页 / 下一页 buttons; P and D
# flip the 投影模式 and 深色 toggles (their bar is hidden in projector mode). The slide is zoomed to the window.
KEYBOARD_JS = f"""
<script>
const doc = window.parent.document;
const win = window.parent;
function fit() {{
  const slide = doc.querySelector('.block-container');
  if (slide) slide.style.zoom = Math.min(win.innerWidth / {DESIGN_WIDTH}, win.innerHeight / {DESIGN_HEIGHT}, 1);
}}
fit();
if (!doc.__meetingKeys) {{
  doc.__meetingKeys = true;
  win.addEventListener("resize", fit);
  new win.MutationObserver(fit).observe(doc.body, {{childList: true, subtree: true}});
  doc.addEventListener("keydown", (event) => {{
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea") return;
    const button = {{ArrowRight: "下一页", PageDown: "下一页", ArrowLeft: "上一页", PageUp: "上一页"}}[event.key];
    const toggle = {{p: "投影模式", P: "投影模式", d: "深色", D: "深色"}}[event.key];
    let target = null;
    if (button) target = Array.from(doc.querySelectorAll("button")).find((b) => b.innerText.includes(button));
    if (toggle) target = doc.querySelector(`input[role="switch"][aria-label="${{toggle}}"]`);
    if (target) {{ event.preventDefault(); target.click(); }}
  }});
}}
</script>
"""

_LIGHT = {"background": "#ffffff", "text": "#111111", "muted": "#444444", "table": "#f2f2f2", "button": "#ffffff"}
_DARK = {"background": "#0e1117", "text": "#f5f5f5", "muted": "#cccccc", "table": "#262730", "button": "#262730"}


def slide_css(dark: bool, projector: bool) -> str:
    """Styles for a 1920×1080 projector: KPI numbers 50 px, labels 26 px, tables 20 px, high contrast; in
    projector mode no sidebar, header or control bar."""
    c = _DARK if dark else _LIGHT
    hidden = (
        "section[data-testid='stSidebar'], header[data-testid='stHeader'], .st-key-meeting_controls {display: none "
        "!important;}"
        if projector
        else ""
    )
    return f"""<style>
    .stApp, .stApp [data-testid='stAppViewContainer'], .stApp section[data-testid='stSidebar'] {{background:
    {c["background"]}; color: {c["text"]};}}
    .stApp p, .stApp span, .stApp label, .stApp th, .stApp [data-testid='stTable'] table {{color: {c["text"]};}}
    .stApp button, .stApp input, .stApp [data-baseweb='input'], .stApp [data-testid='stNumberInputContainer'] {{
        background: {c["button"]} !important; color: {c["text"]} !important; border-color: {c["muted"]};}}
    .block-container {{padding-top: 1rem; padding-bottom: 0; max-width: 100%;}}
    .slide-title {{font-size: 44px; font-weight: 700; line-height: 1.2; margin: 0;}}
    .slide-footer {{font-size: 20px; color: {c["muted"]}; margin-bottom: 8px;}}
    .kpi-label {{font-size: 26px; font-weight: 600; white-space: nowrap;}}
    .kpi-value {{font-size: 50px; font-weight: 700; line-height: 1.1; white-space: nowrap;}}
    .kpi-note {{font-size: 20px; color: {c["muted"]};}}
    .kpi-note .status-chip {{font-size: 20px;}}
    .table-title {{font-size: 26px; font-weight: 600; margin-top: 4px;}}
    .stApp [data-testid='stImage'] img {{max-height: 640px; width: auto !important; max-width: 100%;}}
    .stApp [data-testid='stTable'] td, .stApp [data-testid='stTable'] th {{font-size: 20px; padding-top: 4px;
    padding-bottom: 4px;}}
    .stApp [data-testid='stTable'] th {{background: {c["table"]};}}
    .stApp [data-testid='stTable'] td p {{color: inherit;}}
    {hidden}
    </style>"""


def inline_png(data: bytes) -> str:
    """A PNG as a data URL: the picture arrives with its slide, so paging faster than it loads never asks the
    server for a file the next run has already released (Streamlit's media store answers that with a 404)."""
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
