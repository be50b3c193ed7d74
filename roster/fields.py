"""The roster's importable fields: Chinese headers, accepted aliases and allowed values, from one source.

Allowed values, NOT NULL, ranges (``CHECK (x >= 0)``, ``BETWEEN``, the range of INTEGER and DECIMAL(p, s))
and lengths are read from ``schema.sql`` (:func:`column_rule`), so the importer, the template and the
database cannot disagree; the checks that span columns are listed by :func:`table_checks`. Headers follow the national
roster (``data/reference/roster_fields.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from roster.schema import SCHEMA_SQL

# Each department's clue kinds: (label in the file, stored kind); an amount is required for the 医保 kinds.
CLUE_KINDS_BY_SOURCE: dict[str, tuple[tuple[str, str], ...]] = {
    "医保局": (("住院自付", "inpatient"), ("门诊自付", "outpatient")),
    "民政局": (("新纳入低保或救助", "assistance"),),
    "教育局": (("疑似辍学", "dropout"),),
    "残联": (("新办残疾证", "disability"),),
    "应急管理局": (("受灾", "disaster"),),
    "公安局": (("意外伤亡", "accident"),),
    "人社局": (("无就业参保记录", "unemployment"),),
}
AMOUNT_KINDS = ("inpatient", "outpatient")


@dataclass(frozen=True)
class Field:
    table: str
    column: str
    header: str  # the Chinese column header of the template
    # 'text', 'int', 'decimal', 'month', 'date', 'bool', 'id_number', 'enum', 'code' (checked against the database)
    kind: str
    required: bool
    aliases: tuple[str, ...] = ()
    note: str = ""
    labels: tuple[tuple[str, str], ...] = ()  # (label in the file, stored code) for enums not in schema.sql

    def allowed(self) -> tuple[str, ...]:
        if self.kind != "enum":
            return ()
        return tuple(label for label, _ in self.labels) or allowed_values(self.table, self.column)

    def stored(self, label: str) -> str:
        """The stored code of an allowed label (the label itself for schema enumerations)."""
        return dict(self.labels).get(label, label)

    @property
    def rule(self) -> ColumnRule | None:
        """What the database enforces on this column (None for file-only fields such as 贫困户状态)."""
        return column_rule(self.table, self.column)


@dataclass(frozen=True)
class ColumnRule:
    """A column's type and constraints as ``schema.sql`` declares them."""

    sql_type: str  # VARCHAR, INTEGER, BIGINT, DECIMAL, DOUBLE, DATE, BOOLEAN
    not_null: bool
    minimum: float | None = None  # inclusive, from the CHECK or the type's range
    maximum: float | None = None
    length: int | None = None  # CHECK (length(x) = n)
    first_of_month: bool = False  # CHECK (day(x) = 1)


_CHECK_IN = re.compile(r"CREATE TABLE (\w+)|^\s+(\w+)\s+VARCHAR[^\n]*?CHECK \(\2 IN \(([^)]*)\)", re.M)


@cache
def _enumerations() -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    table = ""
    for match in _CHECK_IN.finditer(_schema_text()):
        if match.group(1):
            table = match.group(1)
        else:
            found[(table, match.group(2))] = tuple(re.findall(r"'([^']*)'", match.group(3)))
    return found


_TABLE = re.compile(r"CREATE TABLE (\w+) \((.*?)\n\);", re.S)
_COLUMN = re.compile(r"^\s+(\w+)\s+(VARCHAR|INTEGER|BIGINT|DOUBLE|BOOLEAN|DATE|DECIMAL\((\d+),\s*(\d+)\))(.*)$", re.M)
_TABLE_CHECK = re.compile(r"^\s+CHECK \((.*)\),?$", re.M)
_TYPE_RANGE = {"INTEGER": (-(2**31), 2**31 - 1), "BIGINT": (-(2**63), 2**63 - 1)}


def _schema_text() -> str:
    """``schema.sql`` with comments removed and multi-line CHECK lists joined, so each constraint is one line."""
    text = re.sub(r"--[^\n]*", "", SCHEMA_SQL.read_text(encoding="utf-8"))
    return re.sub(r"IN \(\s*\n\s*", "IN (", re.sub(r",\s*\n\s+'", ", '", text))


def _column_rule(column: str, sql_type: str, precision: str | None, scale: str | None, rest: str) -> ColumnRule:
    low: float | None
    high: float | None
    low, high = _TYPE_RANGE.get(sql_type, (None, None))
    if precision and scale:  # DECIMAL(p, s): below 10^(p-s) in absolute value
        sql_type, high = "DECIMAL", 10 ** (int(precision) - int(scale)) - 10 ** -int(scale)
        low = -high
    at_least = re.search(rf"CHECK \({column} >= (-?[\d.]+)\)", rest)
    above = re.search(rf"CHECK \({column} > (-?\d+)\)", rest)
    between = re.search(rf"CHECK \({column} BETWEEN (-?[\d.]+) AND (-?[\d.]+)\)", rest)
    length = re.search(rf"CHECK \(length\({column}\) = (\d+)\)", rest)
    if at_least:
        low = float(at_least.group(1))
    if above:
        low = int(above.group(1)) + 1
    if between:
        low, high = float(between.group(1)), float(between.group(2))
    return ColumnRule(
        sql_type,
        "NOT NULL" in rest or "PRIMARY KEY" in rest,
        low,
        high,
        int(length.group(1)) if length else None,
        f"CHECK (day({column}) = 1)" in rest,
    )


@cache
def _rules() -> tuple[dict[tuple[str, str], ColumnRule], dict[str, tuple[str, ...]]]:
    columns, checks = {}, {}
    for table, body in _TABLE.findall(_schema_text()):
        for match in _COLUMN.finditer(body):
            column, sql_type, precision, scale, rest = match.groups()
            columns[(table, column)] = _column_rule(column, sql_type.split("(")[0], precision, scale, rest)
        checks[table] = tuple(_TABLE_CHECK.findall(body))
    return columns, checks


def column_rule(table: str, column: str) -> ColumnRule | None:
    """The type, NOT NULL, range, length and first-of-month constraints of one column (None: not a column)."""
    return _rules()[0].get((table, column))


def table_checks(table: str) -> tuple[str, ...]:
    """The CHECK constraints of ``table`` that span several columns, as written in ``schema.sql``."""
    return _rules()[1].get(table, ())


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
    Field(
        "household",
        "poverty_status",
        "贫困户状态",
        "enum",
        False,
        ("脱贫状态",),
        "截至导入月份；未附状态变动表时必填",
        (("未脱贫", "poor"), ("已脱贫", "exited"), ("返贫", "returned")),
    ),
    Field("household", "exit_month", "脱贫时间", "month", False, ("脱贫年月",), "已脱贫户最近一次脱贫的月份"),
    Field("person", "person_id", "人编号", "text", True),
    Field("person", "household_id", "户编号", "text", True, ("户码",)),
    Field("person", "name", "姓名", "text", True),
    Field(
        "person", "id_number", "公民身份号码", "id_number", True, ("身份证号", "证件号码", "公民身份号码或残疾人证号")
    ),
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
    Field("measure", "measure_id", "措施编号", "int", False, (), "留空时按行自动编号"),
    Field("measure", "household_id", "户编号", "text", True, ("户码",)),
    Field("measure", "person_id", "人编号", "text", False, (), "落实到人的措施填写"),
    Field("measure", "measure_code", "措施代码", "code", True, (), "见模板“措施代码”表"),
    Field("measure", "start_month", "开始月份", "month", True),
    Field("measure", "end_month", "结束月份", "month", True, (), "与开始月份同一年度"),
    Field("measure", "amount_yuan", "金额（元）", "decimal", True, ("金额",)),
    Field("measure", "funding_source", "资金来源", "text", True),
    Field("village_indicator", "village_code", "行政村代码", "text", True, ("村代码", "村级区划代码")),
    Field("village_indicator", "year", "年度", "int", True),
    Field(
        "village_indicator", "collective_income_wan", "村集体经济收入（万元）", "decimal", True, ("村集体收入（万元）",)
    ),
    Field("village_indicator", "industries", "特色产业数", "int", True),
    *(
        Field("village_indicator", f"proj_{code}", f"{label}工程完成", "bool", True)
        for code, label in (
            ("road", "道路"),
            ("drinking_water", "饮水"),
            ("electricity", "电力"),
            ("culture_square", "文化广场"),
            ("lighting", "亮化"),
            ("irrigation", "农田水利"),
            ("office", "村办公场所"),
            ("service", "便民服务"),
        )
    ),
    Field("status_event", "event_id", "变动编号", "int", False, (), "留空时按行自动编号；同月多条按编号排序"),
    Field("status_event", "household_id", "户编号", "text", True, ("户码",)),
    Field("status_event", "person_id", "人编号", "text", False, (), "成员增减填写；户的状态变动留空"),
    Field("status_event", "event_month", "变动月份", "month", True),
    Field(
        "status_event",
        "event_type",
        "变动类型",
        "enum",
        True,
        (),
        "",
        (("识别", "identified"), ("脱贫", "exited"), ("返贫", "returned"), ("新增", "new"), ("减少", "removed")),
    ),
    Field("income", "household_id", "户编号", "text", True, ("户码",)),
    Field("income", "year", "年度", "int", True),
    Field("income", "per_capita_income_yuan", "人均纯收入（元）", "decimal", True, ("人均纯收入",)),
    Field("warning_clue", "id_number", "身份证号", "id_number", True, ("公民身份号码", "证件号码")),
    Field("warning_clue", "name", "姓名", "text", False, (), "核对用，不入库"),
    Field("warning_clue", "source_zh", "推送部门", "enum", True, (), "", tuple((s, s) for s in CLUE_KINDS_BY_SOURCE)),
    Field(
        "warning_clue",
        "kind",
        "线索类型",
        "enum",
        True,
        (),
        "须为推送部门的线索类型",
        tuple((label, kind) for kinds in CLUE_KINDS_BY_SOURCE.values() for label, kind in kinds),
    ),
    Field("warning_clue", "month", "所属月份", "month", True, ("月份",), "费用或事件发生的月份"),
    Field("warning_clue", "amount_yuan", "金额（元）", "decimal", False, ("自付金额（元）",), "住院、门诊线索必填"),
    Field("warning_clue", "detail", "说明", "text", False),
)

# The department clue files (部门预警线索): one sheet, recognised by these columns, imported on their own.
CLUE_TABLES: dict[str, tuple[str, frozenset[str]]] = {
    "warning_clue": ("部门预警线索", frozenset({"id_number", "kind"}))
}

# The importable tables, their sheet names and the columns that identify a sheet as that table.
TABLES: dict[str, tuple[str, frozenset[str]]] = {
    "household": ("户表", frozenset({"household_id", "head_name"})),
    "person": ("人员表", frozenset({"household_id", "person_id", "name"})),
    "measure": ("帮扶措施表", frozenset({"household_id", "measure_code"})),
    "village_indicator": ("村级指标表", frozenset({"village_code", "collective_income_wan"})),
    "status_event": ("状态变动表", frozenset({"household_id", "event_type"})),
    "income": ("收入表", frozenset({"household_id", "per_capita_income_yuan"})),
}


def fields_of(table: str) -> tuple[Field, ...]:
    return tuple(f for f in FIELDS if f.table == table)


def header_map(table: str) -> dict[str, Field]:
    """Every accepted header (the template's and its aliases) of a table, mapped to its field."""
    return {name: f for f in fields_of(table) for name in (f.header, *f.aliases)}
