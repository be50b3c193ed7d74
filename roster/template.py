"""The import template: an xlsx with one sheet per table, header comments and drop-down lists of allowed
values, generated from ``roster.fields`` (and through it from ``schema.sql``).

    python -m roster.template --out 名册导入模板.xlsx
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from roster.fields import TABLES, Field, fields_of

MEASURE_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "reference" / "plan_measures.csv"
KIND_NOTES = {
    "text": "文本",
    "int": "整数",
    "decimal": "数字",
    "month": "月份，如 2016-03、2016年3月 或 201603",
    "date": "日期，如 1950-01-29",
    "bool": "是 / 否",
    "id_number": "18 位公民身份号码（校验码按 GB 11643）",
    "enum": "从下拉列表选择",
    "code": "代码",
}
REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")


def _comment(field: Field) -> str:
    lines = [f"{'必填' if field.required else '选填'}；{KIND_NOTES[field.kind]}"]
    if field.allowed():
        lines.append("允许值：" + "、".join(field.allowed()))
    if field.aliases:
        lines.append("也接受表头：" + "、".join(field.aliases))
    if field.note:
        lines.append(field.note)
    return "\n".join(lines)


def write_template_bytes() -> bytes:
    """The template as xlsx bytes (for a download button)."""
    buffer = io.BytesIO()
    _template().save(buffer)
    return buffer.getvalue()


def write_template(out: Path) -> Path:
    _template().save(out)
    return out


def _template() -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for table, (title, _) in TABLES.items():
        sheet = book.create_sheet(title)
        for j, field in enumerate(fields_of(table), start=1):
            cell = sheet.cell(row=1, column=j, value=field.header)
            cell.font = Font(bold=True)
            cell.comment = Comment(_comment(field), "精准扶贫调度平台", width=320, height=160)
            if field.required:
                cell.fill = REQUIRED_FILL
            letter = get_column_letter(j)
            sheet.column_dimensions[letter].width = max(12, 2 * len(field.header) + 4)
            if field.allowed():
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(field.allowed()) + '"', allow_blank=not field.required
                )
                validation.add(f"{letter}2:{letter}100000")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    _measure_codes(book)
    return book


def _measure_codes(book: Workbook) -> None:
    """A reference sheet of the measure catalogue (措施代码 → 类别、措施), from the plan."""
    sheet = book.create_sheet("措施代码")
    sheet.append(["措施代码", "类别", "措施", "对象"])
    with MEASURE_CATALOGUE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            sheet.append([row["measure_code"], row["category_zh"], row["measure_zh"], row["level"]])
    sheet.freeze_panes = "A2"


def main() -> None:
    parser = argparse.ArgumentParser(description="生成建档立卡名册导入模板（xlsx）")
    parser.add_argument("--out", type=Path, default=Path("名册导入模板.xlsx"))
    print(f"已生成 {write_template(parser.parse_args().out)}")


if __name__ == "__main__":
    main()
