"""Look and keys of the meeting page: projector-size type, light/dark themes, ←/→ and clicker keys."""

from __future__ import annotations

# Arrow keys and a presenter clicker (PageUp/PageDown) press the page's own 上一页 / 下一页 buttons.
KEYBOARD_JS = """
<script>
const doc = window.parent.document;
if (!doc.__meetingKeys) {
  doc.__meetingKeys = true;
  doc.addEventListener("keydown", (event) => {
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea") return;
    const label = {ArrowRight: "下一页", PageDown: "下一页", ArrowLeft: "上一页", PageUp: "上一页"}[event.key];
    if (!label) return;
    const button = Array.from(doc.querySelectorAll("button")).find((b) => b.innerText.includes(label));
    if (button) { event.preventDefault(); button.click(); }
  });
}
</script>
"""

_LIGHT = {"background": "#ffffff", "text": "#111111", "muted": "#444444", "table": "#f2f2f2", "button": "#ffffff"}
_DARK = {"background": "#0e1117", "text": "#f5f5f5", "muted": "#cccccc", "table": "#262730", "button": "#262730"}


def slide_css(dark: bool, hide_sidebar: bool) -> str:
    """Styles for a 1920×1080 projector: KPI numbers 56 px, labels 26 px, tables 20 px, high contrast."""
    c = _DARK if dark else _LIGHT
    sidebar = "section[data-testid='stSidebar'], header[data-testid='stHeader'] {display: none !important;}" if hide_sidebar else ""
    return f"""<style>
    .stApp, .stApp [data-testid='stAppViewContainer'] {{background: {c['background']}; color: {c['text']};}}
    .stApp p, .stApp span, .stApp label, .stApp td, .stApp th {{color: {c['text']};}}
    .stApp button {{background: {c['button']}; color: {c['text']}; border-color: {c['muted']};}}
    .block-container {{padding-top: 1rem; max-width: 100%;}}
    .slide-title {{font-size: 44px; font-weight: 700; line-height: 1.2; margin: 4px 0;}}
    .slide-footer {{font-size: 20px; color: {c['muted']}; margin-bottom: 12px;}}
    .kpi-label {{font-size: 26px; font-weight: 600;}}
    .kpi-value {{font-size: 56px; font-weight: 700; line-height: 1.1;}}
    .kpi-note {{font-size: 20px; color: {c['muted']};}}
    .table-title {{font-size: 26px; font-weight: 600; margin-top: 8px;}}
    .stApp [data-testid='stImage'] img {{max-height: 700px; width: auto !important; max-width: 100%;}}
    .stApp [data-testid='stTable'] td, .stApp [data-testid='stTable'] th {{font-size: 20px; background: {c['table']};}}
    {sidebar}
    </style>"""
