"""Parsing of one cell of an imported roster into the value the database stores, with a Chinese reason
when it cannot be used. No cell is ever evaluated as code: formulas arrive as their cached values or text.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import unicodedata
from dataclasses import dataclass

from roster.fields import Field
from roster.idcard import check_digit
from storage.cells import restored
from storage.values import missing

EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})(?:月)?(?:[-/.](\d{1,2})日?)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_TRUE, _FALSE = {"是", "true", "1", "y", "yes", "√"}, {"否", "false", "0", "n", "no", "×"}


@dataclass(frozen=True)
class Parsed:
    value: object
    error: str | None = None  # blocks the import
    warning: str | None = None  # importable, shown on the data-quality page


@dataclass(frozen=True)
class UnsavedFormula:
    """A formula cell whose computed value was never saved in the file (we never compute it)."""

    text: str

    def __str__(self) -> str:
        return self.text


def _blank(raw: object) -> bool:
    return missing(raw) or (isinstance(raw, str) and not raw.strip())


def _excel_serial(raw: object) -> dt.date | None:
    """An Excel serial day number (1900 date system); 6- and 8-digit numbers are YYYYMM / YYYYMMDD instead."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 100_000:
        return EXCEL_EPOCH + dt.timedelta(days=int(raw))
    return None


def _as_date(raw: object, patterns: tuple[re.Pattern[str], ...]) -> dt.date | None:
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


def _year_number(raw: object) -> bool:
    """A bare number that reads as a year (2014), which Excel would otherwise take for day 2014 after 1899-12-30."""
    return (
        isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer() and 1900 <= raw <= 2100
    )


def parse_month(raw: object) -> Parsed:
    """2016-03, 2016/3, 2016年3月, 201603, a date or an Excel serial date → the first of that month."""
    if _year_number(raw):
        year = int(str(raw).split(".")[0])
        return Parsed(None, f"“{year}”只有年份，应写年月（如 {year}-03）")
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
    if not math.isfinite(number) or not number.is_integer():
        return Parsed(None, f"应为整数，实际为“{raw}”")
    return Parsed(int(number))


def parse_decimal(raw: object) -> Parsed:
    try:
        number = float(str(raw).strip().replace(",", ""))
    except ValueError:
        return Parsed(None, f"应为数字，实际为“{raw}”")
    if not math.isfinite(number):
        return Parsed(None, f"应为有限的数字，实际为“{raw}”")
    return Parsed(number)


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
        return Parsed(
            None,
            f"身份证号应为18位（前17位为数字），实际为 {len(text)} 位"
            + ("" if text[:17].isdigit() else "且含非数字字符"),
        )
    expected = check_digit(text[:17])
    if text[17] != expected:
        return Parsed(text, warning=f"身份证号校验码错误（按前17位应为 {expected}）")
    return Parsed(text)


def parse_enum(raw: object, field: Field) -> Parsed:
    text, allowed = str(raw).strip(), field.allowed()
    if text in allowed:
        return Parsed(field.stored(text))
    near = difflib.get_close_matches(text, allowed, n=1, cutoff=0.3)
    hint = f"，是否为“{near[0]}”？" if near else f"；允许值：{'、'.join(allowed)}"
    return Parsed(None, f"“{text}”不是允许的取值{hint}")


def _cleaned(field: Field, raw: object) -> tuple[object, str | None]:
    """The export's protecting quote and invisible characters (zero-width, direction controls, BOM) removed, and
    in codes, numbers and ID numbers full-width characters made half-width (NFKC), with a warning saying so."""
    if not isinstance(raw, str):
        return raw, None
    notes, text = [], restored(_INVISIBLE.sub("", raw).strip())  # also the quote an export put before "-1" or "=…"
    if _INVISIBLE.search(raw):
        notes.append("已删除不可见字符（零宽或方向控制字符）")
    if field.kind not in ("text", "enum") or field.column.endswith(("_id", "_code")):
        half = unicodedata.normalize("NFKC", text)
        if half != text:
            notes.append("全角字符已转为半角")
        text = half
    return text, "；".join(notes) or None


def _typed(field: Field, raw: object) -> Parsed:
    if field.kind in ("text", "code"):
        return Parsed(str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw).strip())
    if field.kind == "enum":
        return parse_enum(raw, field)
    parser = {
        "int": parse_int,
        "decimal": parse_decimal,
        "month": parse_month,
        "date": parse_date,
        "bool": parse_bool,
        "id_number": parse_id_number,
    }[field.kind]
    return parser(raw)


def _out_of_range(field: Field, value: object, raw: object) -> str | None:
    """Why a number breaks the column's range in ``schema.sql`` (a CHECK or the type's limits)."""
    rule = field.rule
    if rule is None or not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    if rule.minimum is not None and value < rule.minimum:
        return f"不能小于 {_limit_text(rule.minimum)}，实际为“{raw}”"
    if rule.maximum is not None and value > rule.maximum:
        return f"不能大于 {_limit_text(rule.maximum)}，实际为“{raw}”"
    return None


def _limit_text(limit: float) -> str:
    """2016, 2,147,483,647 or 9,999,999,999.99: years without separators, large limits with them."""
    if float(limit).is_integer():
        return f"{int(limit):,}" if abs(limit) >= 10_000 else str(int(limit))
    return f"{limit:,.2f}"


def parse_cell(field: Field, raw: object) -> Parsed:
    """The stored value of one cell, or the reason it cannot be stored."""
    raw, note = _cleaned(field, raw)
    if _blank(raw):
        return Parsed(None, "必填项为空") if field.required else Parsed(None, warning=note)
    if isinstance(raw, UnsavedFormula):
        return Parsed(None, f"公式“{raw.text}”没有保存的计算结果，请在 Excel 中打开并保存后再导入")
    parsed = _typed(field, raw)
    if parsed.error is None and (wrong := _out_of_range(field, parsed.value, raw)):
        return Parsed(None, wrong)
    warning = "；".join(w for w in (note, parsed.warning) if w) or None
    return Parsed(parsed.value, parsed.error, warning)


def parse_column(field: Field, raw: list[object]) -> tuple[list[object], dict[int, Parsed]]:
    """Parse a whole column, each distinct cell once: the values, and the results with a reason by position."""
    seen: dict[object, Parsed] = {}
    values, flagged = [], {}
    for i, cell in enumerate(raw):
        key = None if _blank(cell) else (type(cell), cell)
        result = seen.get(key)
        if result is None:
            result = seen[key] = parse_cell(field, None if key is None else cell)
        values.append(result.value)
        if result.error or result.warning:
            flagged[i] = result
    return values, flagged
