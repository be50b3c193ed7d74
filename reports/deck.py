"""The briefing as a 16:9 PPTX deck: native charts and tables, server-rendered maps, title and closing slides."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from reports.slides import Briefing, Chart, Slide

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 in, exactly 16:9
CHART_TYPES = {"bar": XL_CHART_TYPE.COLUMN_CLUSTERED, "stacked": XL_CHART_TYPE.COLUMN_STACKED, "line": XL_CHART_TYPE.LINE_MARKERS}
MAX_TABLE_ROWS = 12
FONT = "Noto Sans CJK SC"


def _text(slide, text: str, left, top, width, height, size: int, bold: bool = False) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT


def _chart(slide, chart: Chart, left, top, width, height) -> None:
    data = CategoryChartData()
    data.categories = chart.categories
    for name, values in chart.series.items():
        data.add_series(name, values)
    shape = slide.shapes.add_chart(CHART_TYPES[chart.kind], left, top, width, height, data)
    shape.chart.has_title = True
    shape.chart.chart_title.text_frame.text = chart.title
    shape.chart.has_legend = len(chart.series) > 1
    if shape.chart.has_legend:
        shape.chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        shape.chart.legend.include_in_layout = False


def _cell_text(value) -> str:
    if isinstance(value, float):
        return "—" if value != value else (f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}")
    return "—" if value is None else (f"{value:,}" if isinstance(value, int) else str(value))


def _table(slide, title: str, frame: pd.DataFrame, left, top, width, height) -> None:
    shown = frame.head(MAX_TABLE_ROWS)
    rows, cols = len(shown) + 1, max(len(shown.columns), 1)
    table = slide.shapes.add_table(rows, cols, left, top, width, Emu(min(height, Inches(0.32) * rows))).table
    for j, column in enumerate(shown.columns):
        table.cell(0, j).text = str(column)
    for i, row in enumerate(shown.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = _cell_text(value)
    for cell in (table.cell(i, j) for i in range(rows) for j in range(cols)):
        for paragraph in cell.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size, run.font.name = Pt(11), FONT
    more = f"（共 {len(frame)} 行，表中前 {MAX_TABLE_ROWS} 行，全部见 Excel）" if len(frame) > MAX_TABLE_ROWS else ""
    _text(slide, title + more, left, top - Inches(0.4), width, Inches(0.4), 14, bold=True)


def _content_slide(prs: Presentation, briefing: Briefing, slide: Slide, maps: dict[str, bytes]) -> None:
    page = prs.slides.add_slide(prs.slide_layouts[6])
    _text(page, slide.title, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.8), 32, bold=True)
    _text(page, briefing.footer, Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.4), 12)
    top = Inches(1.2)
    if slide.kpis:
        width = Inches(12.3 / len(slide.kpis))
        for i, (label, value, note) in enumerate(slide.kpis):
            _text(page, f"{label}\n{value}", Inches(0.5) + width * i, top, width, Inches(0.9), 24, bold=True)
            _text(page, note, Inches(0.5) + width * i, top + Inches(0.9), width, Inches(0.5), 12)
        top += Inches(1.5)
    left_width = Inches(6.3)
    if slide.map_metric and slide.map_metric in maps:
        page.shapes.add_picture(io.BytesIO(maps[slide.map_metric]), Inches(0.5), top, height=Inches(7.0) - top - Inches(0.1))
    elif slide.charts:
        _chart(page, slide.charts[0], Inches(0.5), top, left_width, Inches(6.9) - top)
    right = Inches(6.9) if (slide.map_metric or slide.charts) else Inches(0.5)
    width = Inches(5.9) if (slide.map_metric or slide.charts) else Inches(12.3)
    table_top = top + Inches(0.4)
    for title, frame in slide.tables.items():
        _table(page, title, frame, right, table_top, width, Inches(6.8) - table_top)
        table_top += Inches(0.32) * (min(len(frame), MAX_TABLE_ROWS) + 1) + Inches(0.6)
    if slide.note:
        _text(page, slide.note, Inches(0.5), Inches(6.55), Inches(12.3), Inches(0.4), 11)


def write_deck(briefing: Briefing, maps: dict[str, bytes], out: Path) -> Path:
    """Title slide, one slide per briefing slide (maps as images, charts native), closing slide last."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    title = prs.slides.add_slide(prs.slide_layouts[6])
    _text(title, "精准扶贫月度调度简报", Inches(0.8), Inches(2.2), Inches(11.7), Inches(1.2), 44, bold=True)
    _text(title, f"{briefing.scope_label} · {briefing.scope.as_of:%Y年%m月}", Inches(0.8), Inches(3.5), Inches(11.7), Inches(0.8), 28)
    _text(title, f"来源：{briefing.source} · 每月一调度（规划第十四章第三节）", Inches(0.8), Inches(4.4), Inches(11.7), Inches(0.6), 16)
    for slide in briefing.slides:
        _content_slide(prs, briefing, slide, maps)
    prs.save(out)
    return out
