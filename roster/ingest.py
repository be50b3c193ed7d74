"""Validation of roster files before import: every problem as file · sheet · row · column · value · reason.

    python -m roster.ingest --db PATH [--report REPORT.xlsx] FILE...

Reads household (户表) and person (人员表) tables from CSV (UTF-8 with or without BOM, GBK/GB18030) and
XLSX (formulas read as their saved values, never executed). This step only checks: it exits 0 when no
error blocks an import and 1 otherwise; writing an imported snapshot comes with the snapshot store.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import load_workbook

from roster.fields import Field, header_map
from roster.parse import id_consistency, parse_cell

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_SHEETS = 20
HEADER_SCAN_ROWS = 5
ENCODINGS = ("utf-8-sig", "gb18030")
REPORT_COLUMNS = ["文件", "工作表", "行", "列", "值", "问题", "级别"]


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int | None  # the spreadsheet's row number (header = its own row), None for file-level problems
    column: str
    value: str
    reason: str
    severity: str = "错误"  # 错误 blocks the import, 警告 does not


@dataclass
class Table:
    """One recognised sheet: its kind (household / person), parsed rows and where each came from."""

    file: str
    sheet: str
    kind: str
    rows: pd.DataFrame  # parsed values by column name, plus row_no (spreadsheet row number)


class InputRefused(Exception):
    """A file that cannot be read at all; the message names it."""


def _raw_sheets(path: Path) -> Iterator[tuple[str, list[list[object]], bool]]:
    """(sheet name, rows of cell values, hidden) of a CSV or XLSX file."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputRefused(f"{path.name}：文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB 上限")
    if path.stat().st_size == 0:
        raise InputRefused(f"{path.name}：文件为空")
    if path.suffix.lower() == ".csv":
        data = path.read_bytes()
        for encoding in ENCODINGS:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputRefused(f"{path.name}：无法识别的文字编码（支持 UTF-8、GBK/GB18030）")
        try:
            rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
        except csv.Error as err:
            raise InputRefused(f"{path.name}：CSV 格式错误（{err}）") from None
        yield "CSV", rows, False
        return
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputRefused(f"{path.name}：只支持 .csv 和 .xlsx 文件")
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # a damaged or disguised file: report, never crash
        raise InputRefused(f"{path.name}：无法作为 Excel 文件打开（{type(err).__name__}）") from None
    if len(book.sheetnames) > MAX_SHEETS:
        raise InputRefused(f"{path.name}：工作表超过 {MAX_SHEETS} 个")
    formulas = load_workbook(path, read_only=True, data_only=False)
    for sheet in book.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        texts = [list(row) for row in formulas[sheet.title].iter_rows(values_only=True)]
        yield sheet.title, [_with_formulas(row, texts[i] if i < len(texts) else []) for i, row in enumerate(values)], sheet.sheet_state != "visible"


@dataclass(frozen=True)
class UnsavedFormula:
    """A formula cell whose computed value was never saved in the file (we never compute it)."""

    text: str

    def __str__(self) -> str:
        return self.text


def _with_formulas(values: list[object], texts: list[object]) -> list[object]:
    return [UnsavedFormula(t) if v is None and isinstance(t, str) and t.startswith("=") else v
            for v, t in zip(values, texts + [None] * (len(values) - len(texts)))]


def _header_row(rows: list[list[object]]) -> tuple[int, str | None, dict[int, Field]]:
    """The row (0-based) among the first few that holds the most known headers, its table kind and columns."""
    best = (0, None, {})
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        for kind in ("household", "person"):
            known = header_map(kind)
            columns = {j: known[str(cell).strip()] for j, cell in enumerate(row) if cell is not None and str(cell).strip() in known}
            if len(columns) > len(best[2]) and {"household_id", "person_id" if kind == "person" else "head_name"} <= {f.column for f in columns.values()}:
                best = (i, kind, columns)
    return best


def read_tables(path: Path, problems: list[Problem]) -> list[Table]:
    """Recognised tables of one file; unreadable files and sheets become problems."""
    tables = []
    try:
        sheets = list(_raw_sheets(path))
    except InputRefused as err:
        problems.append(Problem(path.name, "", None, "", "", str(err)))
        return tables
    for name, rows, hidden in sheets:
        if hidden:
            problems.append(Problem(path.name, name, None, "", "", "隐藏的工作表未读取", "警告"))
            continue
        header, kind, columns = _header_row(rows)
        if kind is None:
            if any(any(c not in (None, "") for c in row) for row in rows):
                problems.append(Problem(path.name, name, 1, "", "", "未找到户表或人员表的表头（需含“户编号”与“户主姓名”或“人编号”）"))
            continue
        if len(rows) - header - 1 > MAX_ROWS:
            problems.append(Problem(path.name, name, None, "", "", f"数据行超过 {MAX_ROWS:,} 行上限"))
            continue
        tables.append(_parse_rows(path.name, name, kind, rows, header, columns, problems))
    return tables


def _parse_rows(file: str, sheet: str, kind: str, rows: list[list[object]], header: int, columns: dict[int, Field], problems: list[Problem]) -> Table:
    missing = [f for f in header_map(kind).values() if f.required and f not in columns.values()]
    for field in dict.fromkeys(missing):
        problems.append(Problem(file, sheet, header + 1, field.header, "", "缺少必填列"))
    parsed = []
    for offset, row in enumerate(rows[header + 1:], start=header + 2):
        if all(cell in (None, "") for cell in row):
            continue
        record = {"row_no": offset}
        for j, field in columns.items():
            raw = row[j] if j < len(row) else None
            if isinstance(raw, UnsavedFormula):
                problems.append(Problem(file, sheet, offset, field.header, raw.text, f"公式“{raw.text}”没有保存的计算结果，请在 Excel 中打开并保存后再导入"))
                record[field.column] = None
                continue
            result = parse_cell(field, raw)
            if result.error:
                problems.append(Problem(file, sheet, offset, field.header, "" if raw is None else str(raw), result.error))
            record[field.column] = result.value
        parsed.append(record)
    if not parsed:
        problems.append(Problem(file, sheet, header + 1, "", "", "只有表头，没有数据行"))
    return Table(file, sheet, kind, pd.DataFrame(parsed))


def _duplicates(table: Table, column: str, header: str, problems: list[Problem]) -> None:
    if column not in table.rows:
        return
    repeated = table.rows[table.rows[column].notna() & table.rows.duplicated(column, keep="first")]
    for row in repeated.itertuples():
        problems.append(Problem(table.file, table.sheet, row.row_no, header, str(getattr(row, column)), "重复：与前面的行相同"))


def cross_checks(tables: list[Table], con: duckdb.DuckDBPyConnection | None, problems: list[Problem]) -> None:
    """Checks across rows and tables: duplicates, IDs in two households, sizes, unknown codes, ID consistency."""
    households = [t for t in tables if t.kind == "household" and len(t.rows)]
    persons = [t for t in tables if t.kind == "person" and len(t.rows)]
    for t in households:
        _duplicates(t, "household_id", "户编号", problems)
        if con is not None and "village_code" in t.rows:
            known = {r[0] for r in con.execute("SELECT village_code FROM village").fetchall()}
            for row in t.rows[~t.rows["village_code"].isin(known) & t.rows["village_code"].notna()].itertuples():
                problems.append(Problem(t.file, t.sheet, row.row_no, "行政村代码", row.village_code, "未知的村代码（不在2023年统计用区划代码中）"))
    for t in persons:
        _duplicates(t, "person_id", "人编号", problems)
        for row in t.rows.itertuples():
            if isinstance(getattr(row, "id_number", None), str):
                for reason in id_consistency(row.id_number, getattr(row, "birth_date", None), getattr(row, "sex", None)):
                    problems.append(Problem(t.file, t.sheet, row.row_no, "公民身份号码", row.id_number, reason))
    if not persons:
        return
    people = pd.concat([t.rows.assign(src_file=t.file, src_sheet=t.sheet) for t in persons], ignore_index=True)
    if {"id_number", "household_id"} <= set(people.columns):
        spread = people.dropna(subset=["id_number"]).groupby("id_number")["household_id"].nunique()
        for row in people[people["id_number"].isin(spread[spread > 1].index)].itertuples():
            problems.append(Problem(row.src_file, row.src_sheet, row.row_no, "公民身份号码", row.id_number, "同一身份证号出现在多户"))
    for t in households:
        if {"household_id", "size"} <= set(t.rows.columns) and "household_id" in people:
            members = people.groupby("household_id").size()
            for row in t.rows.itertuples():
                count = int(members.get(row.household_id, 0))
                if pd.notna(row.size) and count != row.size:
                    problems.append(Problem(t.file, t.sheet, row.row_no, "家庭人口数", str(row.size), f"与人员表中的成员数 {count} 不符"))
        known_households = set(t.rows["household_id"]) if "household_id" in t.rows else set()
        for row in people[~people["household_id"].isin(known_households)].itertuples():
            problems.append(Problem(row.src_file, row.src_sheet, row.row_no, "户编号", str(row.household_id), "户表中没有这个户编号"))


def validate(paths: list[Path], con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """All problems of a set of files, in Chinese (empty when everything can be imported)."""
    problems: list[Problem] = []
    tables = [t for path in paths for t in read_tables(path, problems)]
    cross_checks(tables, con, problems)
    report = pd.DataFrame([(p.file, p.sheet, p.row, p.column, p.value, p.reason, p.severity) for p in problems], columns=REPORT_COLUMNS)
    return report.astype({"行": "Int64"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m roster.ingest", description="校验建档立卡名册文件（CSV/XLSX）")
    parser.add_argument("--db", type=Path, help="用于核对村代码的数据库")
    parser.add_argument("--report", type=Path, help="把问题清单写入 xlsx")
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    missing = [p for p in args.files if not p.exists()]
    if missing:
        print("错误：找不到文件 " + "、".join(str(p) for p in missing), file=sys.stderr)
        return 2
    con = duckdb.connect(str(args.db), read_only=True) if args.db and args.db.exists() else None
    report = validate(args.files, con)
    errors = int((report["级别"] == "错误").sum())
    warnings = len(report) - errors
    if args.report:
        report.to_excel(args.report, index=False)
    for row in report.head(50).itertuples(index=False):
        print("｜".join("" if pd.isna(v) else str(v) for v in row))
    print(f"错误 {errors} 条，警告 {warnings} 条" + ("；未发现阻止导入的问题" if errors == 0 else ""))
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
