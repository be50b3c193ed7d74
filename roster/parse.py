"""Parsing of one cell of an imported roster into the value the database stores, with a Chinese reason
when it cannot be used. No cell is ever evaluated as code: formulas arrive as their cached values or text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass

from roster.fields import Field
from roster.idcard import check_digit

EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月)?(?:[-/.](\d{1,2})日?)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE, _FALSE = {"是", "true", "1", "y", "yes", "√"}, {"否", "false", "0", "n", "no", "×"}


@dataclass(frozen=True)
class Parsed:
    value: object
    error: str | None = None  # blocks the import


def _blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, float) and math.isnan(raw)) or (isinstance(raw, str) and not raw.strip())


def _excel_serial(raw: object) -> dt.date | None:
    """An Excel serial day number (1900 date system); 6- and 8-digit numbers are YYYYMM / YYYYMMDD instead."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 100_000:
        return EXCEL_EPOCH + dt.timedelta(days=int(raw))
    return None


def _as_date(raw: object, patterns) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    serial = _excel_serial(raw)
    if serial:
        return serial
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip()
    for pattern in patterns:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) if g else 1 for g in (match.groups() + (None,))[:3])
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def parse_month(raw: object) -> Parsed:
    """2016-03, 2016/3, 2016年3月, 201603, a date or an Excel serial date → the first of that month."""
    value = _as_date(raw, _MONTH_PATTERNS)
    if value is None:
        return Parsed(None, f"无法识别的月份“{raw}”（可写 2016-03、2016年3月 或 201603）")
    return Parsed(value.replace(day=1))


def parse_date(raw: object) -> Parsed:
    value = _as_date(raw, _DATE_PATTERNS)
    if value is None:
        return Parsed(None, f"无法识别的日期“{raw}”（可写 1950-01-29、1950年1月29日 或 19500129）")
    return Parsed(value)


def parse_int(raw: object) -> Parsed:
    try:
        number = float(str(raw).strip().replace(",", ""))
    except ValueError:
        return Parsed(None, f"应为整数，实际为“{raw}”")
    if not number.is_integer():
        return Parsed(None, f"应为整数，实际为“{raw}”")
    return Parsed(int(number))


def parse_decimal(raw: object) -> Parsed:
    try:
        return Parsed(float(str(raw).strip().replace(",", "")))
    except ValueError:
        return Parsed(None, f"应为数字，实际为“{raw}”")


def parse_bool(raw: object) -> Parsed:
    text = str(raw).strip().lower()
    if text in _TRUE:
        return Parsed(True)
    if text in _FALSE:
        return Parsed(False)
    return Parsed(None, f"应为“是”或“否”，实际为“{raw}”")


def parse_id_number(raw: object) -> Parsed:
    """18 characters, 17 digits and a GB 11643 check character (x read as X)."""
    text = str(raw).strip().upper()
    if len(text) != 18 or not text[:17].isdigit():
        return Parsed(None, f"身份证号应为18位（前17位为数字），实际为“{raw}”")
    expected = check_digit(text[:17])
    if text[17] != expected:
        return Parsed(None, f"身份证号校验码错误（按前17位应为 {expected}）")
    return Parsed(text)


def parse_enum(raw: object, allowed: tuple[str, ...]) -> Parsed:
    text = str(raw).strip()
    if text in allowed:
        return Parsed(text)
    near = difflib.get_close_matches(text, allowed, n=1, cutoff=0.3)
    hint = f"，是否为“{near[0]}”？" if near else f"；允许值：{'、'.join(allowed)}"
    return Parsed(None, f"“{text}”不是允许的取值{hint}")


def parse_cell(field: Field, raw: object) -> Parsed:
    """The stored value of one cell, or the reason it cannot be stored."""
    if _blank(raw):
        return Parsed(None, "必填项为空") if field.required else Parsed(None)
    if field.kind == "text":
        return Parsed(str(raw).strip())
    if field.kind == "enum":
        return parse_enum(raw, field.allowed())
    parser = {"int": parse_int, "decimal": parse_decimal, "month": parse_month, "date": parse_date,
              "bool": parse_bool, "id_number": parse_id_number}[field.kind]
    return parser(raw)


def id_consistency(id_number: str, birth_date: dt.date | None, sex: str | None) -> list[str]:
    """Disagreements between a valid 身份证号 and the row's birth date and sex."""
    problems = []
    if birth_date is not None and id_number[6:14] != f"{birth_date:%Y%m%d}":
        problems.append(f"出生日期 {birth_date:%Y-%m-%d} 与身份证号中的 {id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]} 不符")
    if sex in ("男", "女") and (int(id_number[16]) % 2 == 1) != (sex == "男"):
        problems.append(f"性别“{sex}”与身份证号第17位不符")
    return problems
