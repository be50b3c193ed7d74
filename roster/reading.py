"""Reading roster files as raw cell grids, within limits, never executing anything.

CSV: UTF-8 (with or without BOM) or GBK/GB18030. XLSX: every sheet, formulas read as their saved values
(a formula without one is marked, never computed), hidden sheets flagged. Macro-enabled workbooks are
refused; anything unreadable becomes :class:`InputRefused` with a message naming the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from roster.parse import UnsavedFormula

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # an xlsx inflating beyond this is treated as a zip bomb
MAX_ROWS = 2_000_000
MAX_SHEETS = 20
ENCODINGS = ("utf-8-sig", "gb18030")


class InputRefused(Exception):
    """A file that cannot be read at all; the message names it."""


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[object]]
    hidden: bool


def safe_upload_name(name: str, suffixes: tuple[str, ...] = (".csv", ".xlsx")) -> str:
    """An uploaded file's name, refused when it tries to be a path or has an unsupported type."""
    if not name or name != Path(name).name or "\\" in name or name.startswith(".") or "\x00" in name:
        raise InputRefused(f"文件名“{name}”不可用（不能包含路径或以点开头）")
    if Path(name).suffix.lower() not in suffixes:
        raise InputRefused(f"{name}：只支持 {'、'.join(suffixes)} 文件")
    return name


def read_sheets(path: Path) -> Iterator[Sheet]:
    """The sheets of a CSV or XLSX file (a CSV is one sheet named "CSV")."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputRefused(f"{path.name}：文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 上限")
    if size == 0:
        raise InputRefused(f"{path.name}：文件为空")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield Sheet("CSV", _csv_rows(path), False)
    elif suffix == ".xlsx":
        yield from _xlsx_sheets(path)
    elif suffix in (".xlsm", ".xls", ".xlsb"):
        raise InputRefused(f"{path.name}：不接受含宏或旧格式的工作簿，请另存为 .xlsx（不启用宏）")
    else:
        raise InputRefused(f"{path.name}：只支持 .csv 和 .xlsx 文件")


def _csv_rows(path: Path) -> list[list[object]]:
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputRefused(f"{path.name}：无法识别的文字编码（支持 UTF-8、GBK/GB18030）")
    if "\x00" in text:
        raise InputRefused(f"{path.name}：含有空字符，不是文本格式的 CSV（可能是 UTF-16 或二进制文件）")
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as err:
        raise InputRefused(f"{path.name}：CSV 格式错误（{err}）") from None


def _check_archive(path: Path) -> None:
    """Refuse zip bombs and macro projects before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputRefused(f"{path.name}：无法作为 Excel 文件打开（不是有效的 xlsx）") from None
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise InputRefused(f"{path.name}：解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB，疑似压缩炸弹，拒绝读取")
    if any(m.filename.lower().endswith("vbaproject.bin") for m in members):
        raise InputRefused(f"{path.name}：工作簿含宏（VBA），拒绝读取；请另存为不含宏的 .xlsx")


def _xlsx_sheets(path: Path) -> Iterator[Sheet]:
    _check_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except Exception as err:  # a damaged or disguised file: report, never crash
        raise InputRefused(f"{path.name}：无法作为 Excel 文件打开（{type(err).__name__}）") from None
    if len(book.sheetnames) > MAX_SHEETS:
        raise InputRefused(f"{path.name}：工作表超过 {MAX_SHEETS} 个")
    for sheet in book.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        texts = [list(row) for row in formulas[sheet.title].iter_rows(values_only=True)]
        rows = [_with_formulas(row, texts[i] if i < len(texts) else []) for i, row in enumerate(values)]
        yield Sheet(sheet.title, rows, sheet.sheet_state != "visible")


def _with_formulas(values: list[object], texts: list[object]) -> list[object]:
    return [UnsavedFormula(t) if v is None and isinstance(t, str) and t.startswith("=") else v
            for v, t in zip(values, texts + [None] * (len(values) - len(texts)))]
