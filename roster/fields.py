"""The roster's importable fields: Chinese headers, accepted aliases and allowed values, from one source.

Allowed values are read from the CHECK constraints of ``schema.sql``, so the importer, the template and
the database cannot disagree. Headers follow the national roster (``data/reference/roster_fields.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from roster.schema import SCHEMA_SQL


@dataclass(frozen=True)
class Field:
    table: str
    column: str
    header: str  # the Chinese column header of the template
    kind: str  # 'text', 'int', 'decimal', 'month', 'date', 'bool', 'id_number', 'enum'
    required: bool
    aliases: tuple[str, ...] = ()
    note: str = ""

    def allowed(self) -> tuple[str, ...]:
        return allowed_values(self.table, self.column) if self.kind == "enum" else ()


_CHECK_IN = re.compile(r"CREATE TABLE (\w+)|^\s+(\w+)\s+VARCHAR[^\n]*?CHECK \(\2 IN \(([^)]*)\)", re.M)


@cache
def _enumerations() -> dict[tuple[str, str], tuple[str, ...]]:
    text = SCHEMA_SQL.read_text(encoding="utf-8")
    # Multi-line CHECK lists are joined first so one regex sees each constraint whole.
    text = re.sub(r"IN \(\s*\n\s*", "IN (", re.sub(r",\s*\n\s+'", ", '", text))
    found, table = {}, None
    for match in _CHECK_IN.finditer(text):
        if match.group(1):
            table = match.group(1)
        else:
            found[(table, match.group(2))] = tuple(re.findall(r"'([^']*)'", match.group(3)))
    return found


def allowed_values(table: str, column: str) -> tuple[str, ...]:
    """The values ``schema.sql`` allows for a column (empty when unconstrained)."""
    return _enumerations().get((table, column), ())


FIELDS: tuple[Field, ...] = (
    Field("household", "household_id", "户编号", "text", True, ("户码", "户ID")),
    Field("household", "village_code", "行政村代码", "text", True, ("村代码", "村级区划代码"), "12 位统计用区划代码"),
    Field("household", "head_name", "户主姓名", "text", True),
    Field("household", "head_id_number", "户主证件号码", "id_number", True, ("户主身份证号", "户主公民身份号码")),
    Field("household", "phone", "联系电话", "text", False),
    Field("household", "size", "家庭人口数", "int", True, ("家庭人口",)),
    Field("household", "attribute", "贫困户属性", "enum", True),
    Field("household", "main_cause", "主要致贫原因", "enum", True),
    Field("household", "identification_standard", "识别标准", "enum", True),
    Field("household", "identified_month", "首次识别时间", "month", True, ("识别时间",)),
    Field("household", "planned_exit_year", "计划脱贫年度", "int", False),
    Field("household", "dilapidated_house", "危房户", "bool", True),
    Field("household", "helper_name", "帮扶责任人", "text", False),
    Field("household", "helper_unit", "帮扶单位", "text", False),
    Field("person", "person_id", "人编号", "text", True),
    Field("person", "household_id", "户编号", "text", True, ("户码",)),
    Field("person", "name", "姓名", "text", True),
    Field("person", "id_number", "公民身份号码", "id_number", True, ("身份证号", "证件号码", "公民身份号码或残疾人证号")),
    Field("person", "sex", "性别", "enum", True),
    Field("person", "birth_date", "出生日期", "date", True),
    Field("person", "relation", "与户主关系", "enum", True),
    Field("person", "ethnicity", "民族", "text", True),
    Field("person", "health", "健康状况", "enum", True),
    Field("person", "labor_ability", "劳动能力", "enum", True, ("劳动技能",)),
    Field("person", "education", "文化程度", "enum", True),
    Field("person", "school_status", "在校生状况", "enum", True),
    Field("person", "disability", "残疾类别", "enum", False),
    Field("person", "joined_month", "加入月份", "month", False, (), "识别时已在户内的成员留空"),
)


def fields_of(table: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.table == table)


def header_map(table: str) -> dict[str, Field]:
    """Every accepted header (the template's and its aliases) of a table, mapped to its field."""
    return {name: f for f in fields_of(table) for name in (f.header, *f.aliases)}
