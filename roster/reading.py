"""Reading roster files as raw cell grids, within limits, never executing anything.

CSV: UTF-8 (with or without BOM) or GBK/GB18030. XLSX: every sheet, formulas read as their saved values
(a formula without one is marked, never computed), hidden sheets flagged. Macro-enabled workbooks are
refused; anything unreadable becomes :class:`InputRefused` with a message naming the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from roster.parse import UnsavedFormula

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024  # an xlsx inflating beyond this is treated as a zip bomb
MAX_ROWS = 1_100_000  # rows of one sheet or CSV, counted while reading (an xlsx sheet holds at most 1,048,576)
MAX_CELLS = 30_000_000  # cells of one sheet or CSV, counted while reading
MAX_SHARED_STRINGS_BYTES = 256 * 1024 * 1024  # xl/sharedStrings.xml inflated: openpyxl holds every string in memory
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
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
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _bounded(path, reader)
    except csv.Error as err:
        raise InputRefused(f"{path.name}：第 {reader.line_num:,} 行附近 CSV 格式错误（{_csv_reason(err)}）") from None


def _csv_reason(err: csv.Error) -> str:
    if "field larger than field limit" in str(err):
        return f"单元格超过 {csv.field_size_limit():,} 个字符"
    return "引号不配对或含有空字符"


def _bounded(path: Path, rows: Iterable[Sequence[object]], sheet: str = "") -> list[list[object]]:
    """The rows of a sheet, refused as soon as they exceed the row, cell or cell-length limits (before the rest is
    read)."""
    kept, cells = [], 0
    where = f"{path.name}{('（工作表“' + sheet + '”）') if sheet else ''}"
    for row in rows:
        kept.append(list(row))
        cells += len(row)
        if len(kept) > MAX_ROWS:
            raise InputRefused(f"{where}：超过 {MAX_ROWS:,} 行上限，已停止读取")
        if cells > MAX_CELLS:
            raise InputRefused(f"{where}：超过 {MAX_CELLS:,} 个单元格上限，已停止读取")
        if any(isinstance(c, str) and len(c) > MAX_CELL_CHARS for c in row):
            raise InputRefused(f"{where}：第 {len(kept):,} 行有单元格超过 {MAX_CELL_CHARS:,} 个字符")
    return kept


def _check_archive(path: Path) -> None:
    """Refuse zip bombs and macro projects before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputRefused(f"{path.name}：无法作为 Excel 文件打开（不是有效的 xlsx）") from None
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise InputRefused(f"{path.name}：解压后超过 {MAX_UNZIPPED_BYTES // 1024 // 1024} MB，疑似压缩炸弹，拒绝读取")
    if sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml")) > MAX_SHARED_STRINGS_BYTES:
        raise InputRefused(
            f"{path.name}：文字表（sharedStrings）解压后超过 {MAX_SHARED_STRINGS_BYTES // 1024 // 1024} MB，拒绝读取"
        )
    if any(m.filename.lower().endswith("vbaproject.bin") for m in members):
        raise InputRefused(f"{path.name}：工作簿含宏（VBA），拒绝读取；请另存为不含宏的 .xlsx")


def _xlsx_sheets(path: Path) -> Iterator[Sheet]:
    _check_archive(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        formulas = load_workbook(path, read_only=True, data_only=False)
    except Exception:  # a damaged or disguised file: report, never crash
        raise InputRefused(
            f"{path.name}：文件已损坏或不是 Excel 工作簿，无法打开；请在 Excel 中另存为 .xlsx 后重试"
        ) from None
    if len(book.sheetnames) > MAX_SHEETS:
        raise InputRefused(f"{path.name}：工作表超过 {MAX_SHEETS} 个")
    for sheet in book.worksheets:
        if (sheet.max_row or 0) > MAX_ROWS:  # the sheet's declared size: refused before a row is read
            raise InputRefused(f"{path.name}（工作表“{sheet.title}”）：超过 {MAX_ROWS:,} 行上限")
        try:
            values = _bounded(path, sheet.iter_rows(values_only=True), sheet.title)
            texts = _bounded(path, formulas[sheet.title].iter_rows(values_only=True), sheet.title)
        except InputRefused:
            raise
        except Exception:  # damaged XML inside the archive
            raise InputRefused(f"{path.name}（工作表“{sheet.title}”）：内容已损坏，无法读取") from None
        rows = [_with_formulas(row, texts[i] if i < len(texts) else []) for i, row in enumerate(values)]
        yield Sheet(sheet.title, rows, sheet.sheet_state != "visible")


def _with_formulas(values: list[object], texts: list[object]) -> list[object]:
    return [
        UnsavedFormula(t) if v is None and isinstance(t, str) and t.startswith("=") else v
        for v, t in zip(values, texts + [None] * (len(values) - len(texts)), strict=True)
    ]
