"""The briefing as a 16:9 PPTX deck: native charts and tables, server-rendered maps, title and closing slides."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu, Inches, Pt

from analytics import fmt
from reports.slides import Briefing, Chart, ExportMark, Slide, Tile

WIDTH, HEIGHT = Emu(12_192_000), Emu(6_858_000)  # 13.333 × 7.5 in, exactly 16:9
CHART_TYPES = {
    "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "stacked": XL_CHART_TYPE.COLUMN_STACKED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
MAX_TABLE_ROWS = 12
WIDE_TABLE_ROWS = 7
FONT = "Noto Sans CJK SC"
NO_DATA = "所选范围本页没有可画的数据"


def _text(slide: Any, text: str, left: int, top: int, width: int, height: int, size: int, bold: bool = False) -> None:
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT


def _chart(slide: Any, chart: Chart, left: int, top: int, width: int, height: int) -> None:
    if not chart.categories:  # e.g. a village has no lower level to compare, or nothing happened this month
        _text(slide, f"{chart.title}：{NO_DATA}", left, top, width, height, 20)
        return
    data = CategoryChartData()
    data.categories = chart.categories
    for name, values in chart.series.items():
        data.add_series(name, fmt.bar_values(values)[0] if chart.counts else values)  # counts: the small-count rule
    shape = slide.shapes.add_chart(CHART_TYPES[chart.kind], left, top, width, height, data)
    shape.chart.has_title = True
    shape.chart.chart_title.text_frame.text = chart.title
    shape.chart.has_legend = len(chart.series) > 1
    if shape.chart.has_legend:
        shape.chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        shape.chart.legend.include_in_layout = False


def _shown_rows(frame: pd.DataFrame) -> int:
    """Rows a slide table shows: fewer for wide tables, whose cells wrap."""
    return min(len(frame), WIDE_TABLE_ROWS if len(frame.columns) > 6 else MAX_TABLE_ROWS)


def _table(
    slide: Any, title: str, frame: pd.DataFrame, left: int, top: int, width: int, row_height: int, font_size: int
) -> None:
    shown = frame.head(_shown_rows(frame))
    rows, cols = len(shown) + 1, max(len(shown.columns), 1)
    shape = slide.shapes.add_table(rows, cols, left, top, width, Emu(row_height * rows))
    table = shape.table
    for r in range(rows):
        table.rows[r].height = Emu(row_height)
    if cols > 2:  # the first column holds names: give it a quarter of the width
        first = int(width * 0.25)
        table.columns[0].width = Emu(first)
        for j in range(1, cols):
            table.columns[j].width = Emu(int((width - first) / (cols - 1)))
    for j, column in enumerate(shown.columns):
        table.cell(0, j).text = str(column)
    texts = [fmt.column(str(name), frame[name].tolist())[: len(shown)] for name in shown.columns]
    for i, row in enumerate(shown.itertuples(index=False), start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = texts[j][i - 1]
            if value in fmt.STATUS_COLOURS:  # a status or traffic light: a coloured chip of a cell
                background, text = fmt.STATUS_COLOURS[value]
                table.cell(i, j).fill.solid()
                table.cell(i, j).fill.fore_color.rgb = RGBColor.from_string(background[1:])
                for run in table.cell(i, j).text_frame.paragraphs[0].runs:
                    run.font.color.rgb, run.font.bold = RGBColor.from_string(text[1:]), True
    for cell in (table.cell(i, j) for i in range(rows) for j in range(cols)):
        cell.margin_top = cell.margin_bottom = Emu(0)
        for paragraph in cell.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size, run.font.name = Pt(font_size), FONT
    more = f"（共 {len(frame)} 行，表中前 {len(shown)} 行，全部见 Excel）" if len(frame) > len(shown) else ""
    _text(slide, title + more, left, top - Inches(0.35), width, Inches(0.35), 13, bold=True)


def _kpi_row(page: Any, kpis: list[Tile], top: int) -> None:
    width = Inches(12.3 / len(kpis))
    for i, tile in enumerate(kpis):
        left = Inches(0.5) + width * i
        _text(page, tile.label, left, top, width, Inches(0.35), 14, bold=True)
        _text(page, tile.value, left, top + Inches(0.35), width, Inches(0.5), 22, bold=True)
        _text(page, tile.note, left, top + Inches(0.85), width, Inches(0.3), 9)
        if tile.status:
            _chip(page, tile.status, left, top + Inches(1.1))


def _chip(page: Any, status: str, left: int, top: int) -> None:
    """A status as a coloured rounded box with white (or dark) bold text."""
    background, text = fmt.STATUS_COLOURS[status]
    shape = page.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, top, Inches(0.9), Inches(0.28))
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(background[1:])
    shape.line.fill.background()
    run = shape.text_frame.paragraphs[0].add_run()
    run.text = status
    run.font.size, run.font.bold, run.font.name = Pt(11), True, FONT
    run.font.color.rgb = RGBColor.from_string(text[1:])


def _content_slide(prs: Presentation, briefing: Briefing, slide: Slide, maps: dict[str, bytes]) -> None:
    """Title, KPIs, the map or first chart on the left, the tables on the right (all within the slide)."""
    page = prs.slides.add_slide(prs.slide_layouts[6])
    _text(page, slide.title, Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.8), 30, bold=True)
    _text(page, briefing.footer, Inches(0.5), Inches(7.05), Inches(12.3), Inches(0.35), 11)
    top = Inches(1.15)
    if slide.kpis:
        _kpi_row(page, slide.kpis, top)
        top += Inches(1.45)
    bottom = Inches(6.5) if slide.note else Inches(6.95)
    has_figure = bool(slide.map_metric or slide.charts)
    rows = sum(_shown_rows(frame) + 1 for frame in slide.tables.values())
    wide = any(len(frame.columns) > 6 for frame in slide.tables.values()) or rows > 14
    figure_width = Inches(4.6 if wide else 6.2)
    if slide.map_metric and slide.map_metric in maps:
        page.shapes.add_picture(io.BytesIO(maps[slide.map_metric]), Inches(0.5), top, height=bottom - top)
    elif slide.charts:
        _chart(page, slide.charts[0], Inches(0.5), top, figure_width, bottom - top)
    right = Inches(0.5) + figure_width + Inches(0.3) if has_figure else Inches(0.5)
    width = Inches(12.8) - right
    # Tables share the height left on the right: each gets a title line, rows shrink to fit.
    space = bottom - top - Inches(0.45) * len(slide.tables)
    row_height = max(Inches(0.18), min(Inches(0.3), int(space / max(rows, 1))))
    font_size = 10 if row_height >= Inches(0.26) else 8
    table_top = top + Inches(0.4)
    for title, frame in slide.tables.items():
        _table(page, title, frame, right, table_top, width, row_height, font_size)
        table_top += row_height * (_shown_rows(frame) + 1) + Inches(0.45)
    if slide.note:
        _text(page, slide.note, Inches(0.5), Inches(6.6), Inches(12.3), Inches(0.4), 10)


def write_deck(briefing: Briefing, maps: dict[str, bytes], out: Path, made: ExportMark) -> Path:
    """Title slide, one slide per briefing slide (maps as images, charts native); author and time in the properties."""
    prs = Presentation()
    prs.core_properties.author = prs.core_properties.last_modified_by = made.made_by
    prs.core_properties.created = prs.core_properties.modified = made.made_at
    prs.core_properties.title = f"精准扶贫月度调度简报 {briefing.scope_label} {briefing.scope.as_of:%Y-%m}"
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    title = prs.slides.add_slide(prs.slide_layouts[6])
    _text(title, "精准扶贫月度调度简报", Inches(0.8), Inches(2.2), Inches(11.7), Inches(1.2), 44, bold=True)
    _text(
        title,
        f"{briefing.scope_label} · {briefing.scope.as_of:%Y年%m月}",
        Inches(0.8),
        Inches(3.5),
        Inches(11.7),
        Inches(0.8),
        28,
    )
    _text(
        title,
        f"来源：{briefing.source} · 每月一调度（规划第十四章第三节）",
        Inches(0.8),
        Inches(4.4),
        Inches(11.7),
        Inches(0.6),
        16,
    )
    _text(title, made.text, Inches(0.8), Inches(5.0), Inches(11.7), Inches(0.5), 14)
    for slide in briefing.slides:
        _content_slide(prs, briefing, slide, maps)
    prs.save(out)
    return out
