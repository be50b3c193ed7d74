"""Cell parsing for the importer: accepted spellings, and a Chinese reason for everything refused."""

from __future__ import annotations

import datetime as dt

import pytest

from roster.fields import FIELDS, allowed_values, header_map
from roster.parse import (
    parse_cell,
    parse_date,
    parse_enum,
    parse_id_number,
    parse_int,
    parse_month,
)

FIELD = {(f.table, f.column): f for f in FIELDS}


@pytest.mark.parametrize(
    "raw",
    [
        "2016-03",
        "2016/3",
        "2016.03",
        "2016年3月",
        "201603",
        201603,
        "2016-03-15",
        dt.date(2016, 3, 9),
        dt.datetime(2016, 3, 9, 8),
        42430,
        42430.0,
    ],
)
def test_months_in_many_spellings(raw) -> None:
    assert parse_month(raw).value == dt.date(2016, 3, 1)


@pytest.mark.parametrize("raw", ["2016-13", "三月", "16-03", "2016年"])
def test_bad_months_are_named(raw) -> None:
    parsed = parse_month(raw)
    assert parsed.value is None and f"无法识别的月份“{raw}”" in parsed.error


@pytest.mark.parametrize("raw", ["1950-01-29", "1950/1/29", "1950年1月29日", "19500129", 19500129, 18292])
def test_dates(raw) -> None:
    assert parse_date(raw).value == dt.date(1950, 1, 29)


def test_integers_refuse_text_and_fractions() -> None:
    assert parse_int("3").value == 3 and parse_int(3.0).value == 3 and parse_int("1,200").value == 1200
    assert parse_int("三").error == "应为整数，实际为“三”"
    assert parse_int("2.5").error == "应为整数，实际为“2.5”"


def test_id_numbers() -> None:
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"
    wrong_digit = parse_id_number("110105194912310021")
    assert wrong_digit.error is None and wrong_digit.warning == "身份证号校验码错误（按前17位应为 X）"
    assert "应为18位" in parse_id_number("1101051949").error


def test_enumerations_come_from_the_schema_and_suggest_near_misses() -> None:
    assert allowed_values("household", "attribute") == ("一般贫困户", "低保贫困户", "特困供养贫困户")
    assert all(f.allowed() for f in FIELDS if f.kind == "enum")
    assert parse_enum("因病", FIELD[("household", "main_cause")]).value == "因病"
    assert (
        parse_enum("低保户", FIELD[("household", "attribute")]).error == "“低保户”不是允许的取值，是否为“低保贫困户”？"
    )
    assert "允许值：男、女" in parse_enum("M", FIELD[("person", "sex")]).error
    assert parse_enum("脱贫", FIELD[("status_event", "event_type")]).value == "exited"


def test_required_blank_and_optional_blank() -> None:
    assert parse_cell(FIELD[("household", "head_name")], "  ").error == "必填项为空"
    assert parse_cell(FIELD[("person", "disability")], None).error is None


def test_headers_and_aliases() -> None:
    headers = header_map("person")
    assert headers["身份证号"].column == headers["公民身份号码"].column == "id_number"
    assert header_map("household")["户码"].column == "household_id"


def test_template_is_generated_from_the_fields(tmp_path) -> None:
    from openpyxl import load_workbook

    from roster.fields import TABLES, fields_of
    from roster.template import write_template
    from roster.validate import validate

    path = write_template(tmp_path / "template.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [title for title, _ in TABLES.values()] + ["措施代码"]
    assert book["措施代码"].max_row == 226  # the plan's 225 measures
    skipped = validate([path]).report
    assert sorted(skipped.loc[skipped["问题"].str.startswith("只有表头"), "工作表"]) == sorted(
        t for t, _ in TABLES.values()
    )
    for table, (title, _) in TABLES.items():
        sheet = book[title]
        fields = fields_of(table)
        assert [c.value for c in sheet[1]] == [f.header for f in fields]
        for cell, field in zip(sheet[1], fields, strict=False):
            assert cell.comment is not None and ("必填" if field.required else "选填") in cell.comment.text
        lists = {
            str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1.strip('"').split(",")
            for v in sheet.data_validations.dataValidation
        }
        for cell, field in zip(sheet[1], fields, strict=False):
            assert lists.get(cell.column_letter, []) == list(field.allowed()), field.header
