"""The Excel template of a reporting unit (Chinese headers, drop-downs, the previous value and the target beside
each field) and the reading of a filled one back into entries, with every problem located."""

from __future__ import annotations

import io
from collections.abc import Mapping

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from reporting.registry import Catalogue, goal_text
from reporting.service import Unit
from reporting.validate import COMMENT_COLUMN, VALUE_COLUMN, Entry, Key
from roster.validate import Problem

SHEET, ABOUT, OPTIONS = "填报", "填报说明", "选项"
HEADERS = ("指标", "区域", "单位", "目标值", "上期值", VALUE_COLUMN, COMMENT_COLUMN)


def template_bytes(
    catalogue: Catalogue, unit: Unit, previous: Mapping[Key, float], current: Mapping[Key, float]
) -> bytes:
    """The unit's template, filled with what is stored for the period so far."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(HEADERS)
    for row in unit.rows:
        key = (row.target.id, row.area_code)
        sheet.append(
            (
                row.target.indicator,
                row.area_name,
                row.target.entry_unit,
                goal_text(row),
                previous.get(key),
                current.get(key),
                "",
            )
        )
    options = book.create_sheet(OPTIONS)
    names = sorted({r.target.indicator for r in unit.rows})
    areas = sorted({r.area_name for r in unit.rows})
    for i, name in enumerate(names, start=1):
        options.cell(i, 1, name)
    for i, name in enumerate(areas, start=1):
        options.cell(i, 2, name)
    options.sheet_state = "hidden"
    last = len(unit.rows) + 1
    for column, letter, count in (("A", "A", len(names)), ("B", "B", len(areas))):
        listed = DataValidation(type="list", formula1=f"={OPTIONS}!${letter}$1:${letter}${count}", allow_blank=False)
        listed.error, listed.errorTitle = "请从下拉列表中选择", "不在列表中"
        sheet.add_data_validation(listed)
        listed.add(f"{column}2:{column}{last}")
    number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    number.error, number.errorTitle = "请填写不小于 0 的数字", "数值有误"
    sheet.add_data_validation(number)
    number.add(f"F2:F{last}")
    for letter, width in zip("ABCDEFG", (52, 10, 10, 22, 10, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    about = book.create_sheet(ABOUT)
    for label, value in (
        ("数据集", unit.dataset.name),
        ("区域", catalogue.area_name(unit.area_code)),
        ("期别", unit.period.label),
        ("截止报送", f"{unit.period.due:%Y年%m月%d日}"),
        ("填写方法", f"只填“{VALUE_COLUMN}”和“{COMMENT_COLUMN}”两列；累计数小于上期时须在说明中写明原因。"),
    ):
        about.append((label, value))
    about.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_template(
    content: bytes, file_name: str, catalogue: Catalogue, unit: Unit
) -> tuple[list[Entry], list[Problem]]:
    """The entries of a filled template; file-level problems (not a workbook, another unit's template, a changed
    header) and unknown indicator or area names are reported with their row and column."""

    def refused(reason: str, sheet: str = "", row: int | None = None, column: str = "", value: str = "") -> Problem:
        return Problem(file_name, sheet, row, column, value, reason)

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        return [], [refused("不是可读取的 Excel 工作簿（.xlsx）")]
    if SHEET not in book.sheetnames:
        return [], [refused(f"没有“{SHEET}”工作表；请使用本页下载的模板")]
    if ABOUT in book.sheetnames:
        about = {str(r[0]): str(r[1]) for r in book[ABOUT].iter_rows(values_only=True) if r and r[0]}
        expected = {"数据集": unit.dataset.name, "区域": catalogue.area_name(unit.area_code), "期别": unit.period.label}
        for label, value in expected.items():
            if about.get(label) != value:
                return [], [refused(f"这是“{about.get(label, '')}”的模板，当前选择的是“{value}”", ABOUT, None, label)]
    rows = list(book[SHEET].iter_rows(values_only=True))
    if not rows or tuple(str(c or "") for c in rows[0][: len(HEADERS)]) != HEADERS:
        return [], [refused(f"表头须为：{'、'.join(HEADERS)}", SHEET, 1)]
    targets = {r.target.indicator: r.target.id for r in unit.rows}
    areas = {r.area_name: r.area_code for r in unit.rows}
    entries: list[Entry] = []
    problems: list[Problem] = []
    for number, cells in enumerate(rows[1:], start=2):
        cells = tuple(cells) + (None,) * (len(HEADERS) - len(cells))
        name, area, value, comment = cells[0], cells[1], cells[5], cells[6]
        if name is None and area is None and value is None:
            continue
        if str(name) not in targets:
            problems.append(refused("不是本数据集的指标", SHEET, number, "指标", str(name or "")))
        elif str(area) not in areas:
            problems.append(refused("不是本数据集的区域", SHEET, number, "区域", str(area or "")))
        else:
            entries.append(
                Entry(targets[str(name)], areas[str(area)], value, str(comment or ""), file_name, SHEET, number)
            )
    return entries, problems
