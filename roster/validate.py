"""Validation of roster files before anything is written: every problem as file · sheet · row · column ·
value · reason, in Chinese. 错误 blocks the import; 警告 is importable and shows on the data-quality page.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from roster.fields import FIELDS, TABLES, Field, fields_of, header_map
from roster.parse import parse_column
from roster.reading import InputRefused, Sheet, read_sheets
from storage.months import current_month
from storage.privacy import PERSONAL_COLUMNS, masked

HEADER_SCAN_ROWS = 5
ROSTER_START = dt.date(2014, 1, 1)  # 建档立卡 began in 2014: no roster month lies before it
REPORT_COLUMNS = ["文件", "工作表", "行", "列", "值", "问题", "级别"]
ERROR, WARNING = "错误", "警告"
KEYS: dict[str, tuple[str, ...]] = {
    "household": ("household_id",),
    "person": ("person_id",),
    "measure": ("measure_id",),
    "village_indicator": ("village_code", "year"),
    "status_event": ("event_id",),
    "income": ("household_id", "year"),
}
SOURCE = ["file", "sheet", "row_no"]
PERSONAL_HEADERS = {f.header: f.column for f in FIELDS if f.column in PERSONAL_COLUMNS}


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int | None  # the spreadsheet's row number (header = its own row), None for file-level problems
    column: str
    value: str
    reason: str
    severity: str = ERROR


@dataclass(frozen=True)
class Known:
    """What the database already knows: area and measure codes, and the previous snapshot's roster."""

    villages: frozenset[str] = frozenset()
    measure_codes: tuple[str, ...] = ()
    households: Mapping[str, str] = field(default_factory=dict)  # household_id → village_code in the previous snapshot
    persons: frozenset[str] = frozenset()
    village_districts: Mapping[str, str] = field(default_factory=dict)  # village_code → district name

    @classmethod
    def from_db(cls, reference: duckdb.DuckDBPyConnection, previous: duckdb.DuckDBPyConnection | None = None) -> Known:
        def column(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
            return [r[0] for r in con.execute(sql).fetchall()]

        return cls(
            frozenset(column(reference, "SELECT village_code FROM village")),
            tuple(column(reference, "SELECT measure_code FROM measure_type ORDER BY 1")),
            dict(previous.execute("SELECT household_id, village_code FROM household").fetchall()) if previous else {},
            frozenset(column(previous, "SELECT person_id FROM person")) if previous else frozenset(),
            dict(
                reference.execute(
                    "SELECT v.village_code, d.name FROM village v JOIN town t USING (town_code) "
                    "JOIN district d USING (district_code)"
                ).fetchall()
            ),
        )


@dataclass
class Validation:
    """Parsed rows per table (with file, sheet and row_no of each) and every problem found."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(
        self, frame: pd.DataFrame, column: str, header: str, reason: str | pd.Series, severity: str = ERROR
    ) -> None:
        """One problem per row of ``frame`` (rows of a parsed table), naming ``column``'s value."""
        reasons = reason if isinstance(reason, pd.Series) else pd.Series(reason, index=frame.index)
        for row, why in zip(frame.itertuples(), reasons.loc[frame.index], strict=True):
            value = getattr(row, column, "") if column else ""
            self.problems.append(
                Problem(row.file, row.sheet, row.row_no, header, "" if pd.isna(value) else str(value), why, severity)
            )

    @property
    def report(self) -> pd.DataFrame:
        """The problems as a table; personal values are masked in the 值 and the 问题 column (the row number finds
        them)."""
        rows = [
            (
                p.file,
                p.sheet,
                p.row,
                p.column,
                _masked_value(p.column, p.value),
                _masked_reason(p.column, p.value, p.reason),
                p.severity,
            )
            for p in self.problems
        ]
        return pd.DataFrame(rows, columns=REPORT_COLUMNS).astype({"行": "Int64"})

    @property
    def errors(self) -> int:
        return sum(p.severity == ERROR for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def _masked_value(header: str, value: str) -> str:
    column = PERSONAL_HEADERS.get(header)
    return value if column is None or not value else str(masked(pd.DataFrame({column: [value]}))[column].iloc[0])


def _masked_reason(header: str, value: str, reason: str) -> str:
    """A reason that quotes a personal value quotes it masked."""
    return reason.replace(value, _masked_value(header, value)) if value and header in PERSONAL_HEADERS else reason


Tables = dict[str, tuple[str, frozenset[str]]]


def _header_row(rows: list[list[object]], tables: Tables) -> tuple[int, str | None, dict[int, Field]]:
    """The row (0-based) among the first few holding the most known headers, its table and columns."""
    best: tuple[int, str | None, dict[int, Field]] = (0, None, {})
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        for table, (_, signature) in tables.items():
            known = header_map(table)
            columns = {j: known[str(c).strip()] for j, c in enumerate(row) if c is not None and str(c).strip() in known}
            if len(columns) > len(best[2]) and signature <= {f.column for f in columns.values()}:
                best = (i, table, columns)
    return best


def _repeated_headers(columns: dict[int, Field]) -> str | None:
    """The header of a field that two columns of the sheet map to (e.g. 户编号 twice, or 户编号 and 户码)."""
    seen: set[Field] = set()
    for f in columns.values():
        if f in seen:
            return f.header
        seen.add(f)
    return None


def read_file(path: Path, result: Validation, tables: Tables = TABLES) -> list[tuple[str, pd.DataFrame]]:
    """(table, parsed rows) of every sheet of one file recognised as one of ``tables``; unreadable parts become
    problems."""
    try:
        sheets = list(read_sheets(path))
    except InputRefused as err:
        result.problems.append(Problem(path.name, "", None, "", "", str(err)))
        return []
    found = []
    for sheet in sheets:
        if sheet.hidden:
            result.problems.append(Problem(path.name, sheet.name, None, "", "", "隐藏的工作表未读取", WARNING))
            continue
        header, table, columns = _header_row(sheet.rows, tables)
        repeated = _repeated_headers(columns)
        if repeated:
            result.problems.append(
                Problem(
                    path.name,
                    sheet.name,
                    header + 1,
                    repeated,
                    "",
                    f"表头“{repeated}”出现不止一次，无法确定用哪一列，已跳过此工作表",
                )
            )
            continue
        if table is None:
            if any(any(c not in (None, "") for c in row) for row in sheet.rows):
                names = "、".join(title for title, _ in tables.values())
                result.problems.append(
                    Problem(
                        path.name,
                        sheet.name,
                        1,
                        "",
                        "",
                        f"未找到可识别的表头（{names}之一；见导入模板），已跳过此工作表",
                        WARNING,
                    )
                )
            continue
        frame = _parse_sheet(path.name, sheet, table, header, columns, result)
        if frame.empty:
            result.problems.append(
                Problem(path.name, sheet.name, header + 1, "", "", "只有表头，没有数据行，已跳过此工作表", WARNING)
            )
        else:
            found.append((table, frame))
    return found


def _parse_sheet(
    file: str, sheet: Sheet, table: str, header: int, columns: dict[int, Field], result: Validation
) -> pd.DataFrame:
    for f in dict.fromkeys(f for f in fields_of(table) if f.required and f not in columns.values()):
        result.problems.append(Problem(file, sheet.name, header + 1, f.header, "", "缺少必填列"))
    numbered = [
        (n, row)
        for n, row in enumerate(sheet.rows[header + 1 :], start=header + 2)
        if any(c is not None and str(c).strip() != "" for c in row)
    ]
    row_numbers = [n for n, _ in numbered]
    parsed = {"file": file, "sheet": sheet.name, "row_no": row_numbers}
    for j, f in columns.items():
        raw = [row[j] if j < len(row) else None for _, row in numbered]
        parsed[f.column], flagged = parse_column(f, raw)
        for i, outcome in flagged.items():
            value = "" if raw[i] is None else str(raw[i])
            reason, severity = (outcome.error, ERROR) if outcome.error else (outcome.warning or "", WARNING)
            result.problems.append(Problem(file, sheet.name, row_numbers[i], f.header, value, reason, severity))
    frame = pd.DataFrame(parsed)
    for f in fields_of(table):  # optional columns absent from the file are empty
        if f.column not in frame:
            frame[f.column] = None
    return frame


def _header(table: str, column: str) -> str:
    return next(f.header for f in fields_of(table) if f.column == column)


def _check_keys(result: Validation) -> None:
    for table, frame in result.tables.items():
        key = list(KEYS[table])
        present = frame.dropna(subset=key)
        repeated = present[present.duplicated(key, keep="first")]
        result.add(
            repeated,
            key[0],
            _header(table, key[0]),
            "重复：与前面的行" + ("相同" if len(key) == 1 else f"的{'、'.join(_header(table, k) for k in key)}相同"),
        )


def _check_codes(result: Validation, known: Known) -> None:
    for table in ("household", "village_indicator"):
        frame = result.tables.get(table)
        if frame is not None and known.villages:
            unknown = frame[frame["village_code"].notna() & ~frame["village_code"].isin(known.villages)]
            result.add(unknown, "village_code", "行政村代码", "未知的村代码（不在2023年统计用区划代码中）")
    measures = result.tables.get("measure")
    if measures is not None and known.measure_codes:
        unknown = measures[measures["measure_code"].notna() & ~measures["measure_code"].isin(known.measure_codes)]
        hints = unknown["measure_code"].map(lambda c: _code_hint(c, known.measure_codes))
        result.add(unknown, "measure_code", "措施代码", hints)


def _code_hint(code: str, codes: tuple[str, ...]) -> str:
    near = difflib.get_close_matches(code, codes, n=1, cutoff=0.6)
    return "未知的措施代码" + (f"，是否为“{near[0]}”？" if near else "（见模板“措施代码”表）")


def _check_references(result: Validation, known: Known) -> None:
    households = set(known.households) | set(result.tables["household"]["household_id"].dropna())
    persons = known.persons | set(result.tables["person"]["person_id"].dropna())
    for table, frame in result.tables.items():
        if table == "household":
            continue
        if table != "village_indicator":
            missing = frame[frame["household_id"].notna() & ~frame["household_id"].isin(households)]
            result.add(missing, "household_id", "户编号", "户表中没有这个户编号")
        if table in ("measure", "status_event"):
            missing = frame[frame["person_id"].notna() & ~frame["person_id"].isin(persons)]
            result.add(missing, "person_id", "人编号", "人员表中没有这个人编号")


def _check_persons(result: Validation) -> None:
    people = result.tables["person"]
    valid = people[people["id_number"].notna() & people["birth_date"].notna()]
    if valid.empty:
        return
    born = valid["id_number"].str[6:14] != pd.to_datetime(valid["birth_date"]).dt.strftime("%Y%m%d")
    result.add(
        valid[born], "id_number", "公民身份号码", "出生日期与身份证号中的出生日期不符", WARNING
    )  # no dates: both are personal
    sexed = valid[valid["sex"].isin(["男", "女"]) & valid["id_number"].str[16].str.isdigit()]
    wrong_sex = (sexed["id_number"].str[16].astype(int) % 2 == 1) != (sexed["sex"] == "男")
    result.add(
        sexed[wrong_sex],
        "id_number",
        "公民身份号码",
        "性别“" + sexed.loc[wrong_sex, "sex"] + "”与身份证号第17位不符",
        WARNING,
    )
    spread = people.dropna(subset=["id_number"]).groupby("id_number")["household_id"].nunique()
    result.add(
        people[people["id_number"].isin(spread[spread > 1].index)],
        "id_number",
        "公民身份号码",
        "同一身份证号出现在多户",
        WARNING,
    )


def _check_households(result: Validation) -> None:
    households, people = result.tables["household"], result.tables["person"]
    events = result.tables.get("status_event")
    current = people
    if events is not None:  # a full history: members who left are listed with a 减少 event
        current = people[~people["person_id"].isin(events.loc[events["event_type"] == "removed", "person_id"])]
    members = current.groupby("household_id").size()
    counted = households["household_id"].map(members).fillna(0).astype(int)
    mismatch = households["size"].notna() & (counted != households["size"])
    result.add(
        households[mismatch],
        "size",
        "家庭人口数",
        "与人员表中的成员数 " + counted[mismatch].astype(str) + " 不符",
        WARNING,
    )
    early = (
        households["exit_month"].notna()
        & households["identified_month"].notna()
        & (households["exit_month"] < households["identified_month"])
    )
    result.add(households[early], "exit_month", "脱贫时间", "脱贫时间早于首次识别时间")
    if events is None:
        if households["poverty_status"].isna().all() and len(households):
            first = households.iloc[[0]]
            result.add(first, "", "贫困户状态", "未附状态变动表时，户表必须有“贫困户状态”列（未脱贫 / 已脱贫 / 返贫）")
        else:
            result.add(
                households[households["poverty_status"].isna()],
                "poverty_status",
                "贫困户状态",
                "必填项为空（未附状态变动表）",
            )
        exited = households[(households["poverty_status"] == "exited") & households["exit_month"].isna()]
        result.add(exited, "poverty_status", "脱贫时间", "已脱贫户应填写脱贫时间", WARNING)
    else:
        first_seen = households.drop_duplicates("household_id").set_index("household_id")["identified_month"]
        identified = events["household_id"].map(first_seen)
        early = (events["event_type"] == "exited") & identified.notna() & (events["event_month"] < identified)
        result.add(events[early], "event_month", "变动月份", "脱贫早于该户的首次识别时间")


def _check_disability(result: Validation) -> None:
    """schema: (health = '残疾') = (disability IS NOT NULL)."""
    people = result.tables["person"]
    known = people["health"].notna()
    disabled, category = people["health"] == "残疾", people["disability"].notna()
    result.add(people[known & disabled & ~category], "disability", "残疾类别", "健康状况为“残疾”时必须填写残疾类别")
    result.add(people[known & ~disabled & category], "disability", "残疾类别", "只有健康状况为“残疾”时才填写残疾类别")


def _check_person_events(result: Validation) -> None:
    """schema: person_id IS NULL OR event_type IN ('new', 'removed')."""
    events = result.tables.get("status_event")
    if events is None:
        return
    wrong = events["person_id"].notna() & events["event_type"].notna() & ~events["event_type"].isin(["new", "removed"])
    result.add(
        events[wrong], "person_id", "人编号", "填写了人编号的变动只能是“新增”或“减少”（户的识别、脱贫、返贫不填人编号）"
    )


def _between(values: pd.Series, low: object, high: object) -> tuple[pd.Series, pd.Series]:
    """(below ``low``, above ``high``) for the filled values of a column."""
    filled = values.notna()
    below, above = pd.Series(False, index=values.index), pd.Series(False, index=values.index)
    below[filled] = values[filled] < low
    above[filled] = values[filled] > high
    return below, above


def _check_periods(result: Validation, as_of: dt.date) -> None:
    """Months and years from the start of 建档立卡 (2014) to the as-of month (measures: to the end of its year);
    birth dates from 1900 and not after the as-of month."""
    year_end = dt.date(as_of.year, 12, 1)
    for table, column, header, latest in (
        ("household", "identified_month", "首次识别时间", as_of),
        ("household", "exit_month", "脱贫时间", as_of),
        ("person", "joined_month", "加入月份", as_of),
        ("status_event", "event_month", "变动月份", as_of),
        ("measure", "start_month", "开始月份", year_end),
        ("measure", "end_month", "结束月份", year_end),
    ):
        frame = result.tables.get(table)
        if frame is not None:
            early, late = _between(frame[column], ROSTER_START, latest)
            result.add(frame[early], column, header, f"早于建档立卡开始的 {ROSTER_START:%Y-%m}")
            result.add(
                frame[late],
                column,
                header,
                f"晚于{'名册截至月份' if latest == as_of else '截至月份所在年度末'} {latest:%Y-%m}",
            )
    for table in ("village_indicator", "income"):
        frame = result.tables.get(table)
        if frame is not None:
            early, late = _between(frame["year"], ROSTER_START.year, as_of.year)
            result.add(
                frame[early | late],
                "year",
                "年度",
                f"应在 {ROSTER_START.year} 至 {as_of.year} 年之间（名册截至 {as_of:%Y-%m}）",
            )
    people = result.tables["person"]
    born_early, born_late = _between(people["birth_date"], dt.date(1900, 1, 1), _month_end(as_of))
    result.add(people[born_early], "birth_date", "出生日期", "早于 1900 年")
    result.add(people[born_late], "birth_date", "出生日期", f"晚于名册截至月份 {as_of:%Y-%m}")


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _check_moves(result: Validation, known: Known) -> None:
    """A household registered in another district in the previous snapshot: a warning (the move is recorded in
    户变更记录, and its earlier history then counts for the new district)."""
    households = result.tables["household"]
    before = households["household_id"].map(known.households).map(known.village_districts)
    after = households["village_code"].map(known.village_districts)
    moved = before.notna() & after.notna() & (before != after)
    if not moved.any():
        return
    reasons = (
        "所在区市由“" + before[moved] + "”变为“" + after[moved] + "”，将记入户变更记录；该户此前的历史改计入新区市"
    )
    result.add(households[moved], "village_code", "行政村代码", reasons, WARNING)


def _check_measures(result: Validation) -> None:
    measures = result.tables.get("measure")
    if measures is None:
        return
    valid = measures.dropna(subset=["start_month", "end_month"])
    bad = (valid["end_month"] < valid["start_month"]) | (
        pd.to_datetime(valid["end_month"]).dt.year != pd.to_datetime(valid["start_month"]).dt.year
    )
    result.add(valid[bad], "end_month", "结束月份", "结束月份应不早于开始月份，且与开始月份同一年度")


# Every CHECK of schema.sql that spans columns of an imported table, and the rule that enforces it before writing
# (tests/test_fail_closed.py proves the list complete).
TABLE_RULES = {
    "(health = '残疾') = (disability IS NOT NULL)": _check_disability,
    "end_month >= start_month AND year(end_month) = year(start_month)": _check_measures,
    "person_id IS NULL OR event_type IN ('new', 'removed')": _check_person_events,
}


def validate(paths: list[Path], known: Known | None = None, as_of: dt.date | None = None) -> Validation:
    """Read, parse and check a set of files for a roster as of ``as_of`` (default: this month); ``result.tables``
    holds each table's rows, all files together. Whatever passes is accepted by the database."""
    result = Validation()
    read = [found for path in paths for found in read_file(path, result)]
    for table in TABLES:
        frames = [frame for name, frame in read if name == table]
        if frames:
            result.tables[table] = pd.concat(frames, ignore_index=True)
    missing = [TABLES[t][0] for t in ("household", "person") if t not in result.tables]
    if missing:
        names = "、".join(p.name for p in paths)
        result.problems.append(
            Problem(names, "", None, "", "", f"缺少{'和'.join(missing)}：每次导入须包含完整的户表和人员表")
        )
        return result
    known = known or Known()
    _check_keys(result)
    _check_codes(result, known)
    _check_references(result, known)
    _check_persons(result)
    _check_households(result)
    for rule in TABLE_RULES.values():
        rule(result)
    _check_periods(result, as_of or current_month())
    _check_moves(result, known)
    return result
