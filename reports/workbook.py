"""The briefing's tables as an Excel workbook: one sheet per slide, Chinese headers, number formats."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analytics import fmt
from reports.slides import Briefing, ExportMark
from storage.cells import neutralised_frame


def sheet_name(title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    for char in "[]:*?/\\":
        title = title.replace(char, "")
    return title[:31]


def write_workbook(briefing: Briefing, out: Path, made: ExportMark) -> Path:
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        neutralised_frame(
            pd.DataFrame(
                {
                    "项目": ["范围", "数据截至", "来源", "导出人", "导出时间"],
                    "内容": [
                        briefing.scope_label,
                        f"{briefing.scope.as_of:%Y-%m}",
                        briefing.source,
                        made.made_by,
                        f"{made.made_at:%Y-%m-%d %H:%M}",
                    ],
                }
            )
        ).to_excel(writer, sheet_name="说明", index=False)
        writer.book.properties.creator = writer.book.properties.lastModifiedBy = made.made_by
        writer.book.properties.created = made.made_at
        for slide in briefing.slides:
            name, row = sheet_name(slide.title), 0
            for title, frame in slide.tables.items():
                pd.DataFrame({title: []}).to_excel(writer, sheet_name=name, startrow=row, index=False)
                neutralised_frame(suppressed(frame)).to_excel(writer, sheet_name=name, startrow=row + 1, index=False)
                _format(writer.sheets[name], frame, row + 1)
                row += len(frame) + 4
        for title, frame in briefing.appendix.items():
            neutralised_frame(frame).to_excel(writer, sheet_name=sheet_name(title), index=False)
            _format(writer.sheets[sheet_name(title)], frame, 0)
    return out


def suppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with household/person counts hidden by the small-count rule written as text (``<3``,
    ``保密``); every other cell keeps its number."""
    if not fmt.suppressing():
        return frame
    out = frame.copy()
    for name in frame.columns:
        if fmt.is_count_column(str(name)):
            texts = fmt.column(str(name), frame[name].tolist())
            out[name] = [
                t if t in (f"<{fmt.SMALL}", fmt.HIDDEN) else v for t, v in zip(texts, frame[name].tolist(), strict=True)
            ]
    return out


def number_format(column: str, value: object) -> str | None:
    """The Excel format of a numeric cell (shares as 0.0 %, counts #,##0, others #,##0.0); None for text."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if fmt.is_share_column(column):
        return "0.0%"
    return "#,##0" if float(value).is_integer() and not isinstance(value, float) else "#,##0.0"


def _format(sheet: Worksheet, frame: pd.DataFrame, header_row: int) -> None:
    for j, column in enumerate(frame.columns, start=1):
        sheet.cell(row=header_row + 1, column=j).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(j)].width = max(10, min(40, 2 * len(str(column)) + 4))
        for i in range(len(frame)):
            cell = sheet.cell(row=header_row + 2 + i, column=j)
            cell.number_format = number_format(str(column), cell.value) or cell.number_format
