"""The Scope every analytics function takes: as-of month, area (city / district / town / village), slices.

A scope is built from untrusted text (URL parameters, CLI flags) only through :func:`resolve_scope`,
which checks every value against the database and falls back to the default with a notice.

A scope may carry the user's area as ``limit`` (a district or town code). Such a scope cannot be
created — nor derived with :func:`dataclasses.replace` — for an area outside the limit: the constructor
raises :class:`ScopeDenied`, so every analytics call made with it is clamped to the user's area.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import duckdb

from analytics.dataset import DatasetInfo
from storage.db import single
from storage.months import month_label, parse_month

CITY_CODE = "370200"
CITY_NAME = "全市"
CHILD_LEVEL = {"city": "district", "district": "town", "town": "village", "village": "village"}
_ECHOABLE = re.compile(r"^[0-9-]{1,12}$")


class ScopeDenied(Exception):
    """A scope outside the user's area; the message (Chinese) says which."""


@dataclass(frozen=True)
class Scope:
    """What a figure is about: the month it is as of, the area, and optional household slices."""

    as_of: dt.date
    district: str | None = None
    town: str | None = None
    village: str | None = None
    attribute: str | None = None
    main_cause: str | None = None
    limit: str | None = None  # the user's area code; None = the whole city

    def __post_init__(self) -> None:
        if self.limit and not self.area_code.startswith(self.limit):
            raise ScopeDenied(f"无权查看区域 {self.area_code}：该账号只能查看 {self.limit} 范围内的数据")

    def allows(self, code: str) -> bool:
        """Whether an area (district, town or village code) lies inside the user's area."""
        return self.limit is None or code.startswith(self.limit)

    def home(self) -> Scope:
        """The widest scope the user may see (their own area) at the same month."""
        return home_scope(self.as_of, self.limit)

    @property
    def level(self) -> str:
        if self.village:
            return "village"
        if self.town:
            return "town"
        return "district" if self.district else "city"

    @property
    def area_code(self) -> str:
        return self.village or self.town or self.district or CITY_CODE

    def at(self, month: dt.date) -> Scope:
        """The same area and slices at another month."""
        return replace(self, as_of=month)

    def sql_params(self) -> dict[str, object]:
        return {
            "district": self.district,
            "town": self.town,
            "village": self.village,
            "attribute": self.attribute,
            "main_cause": self.main_cause,
        }


def home_scope(as_of: dt.date, limit: str | None) -> Scope:
    """The scope of a user's whole area (a district, a town, or the city when ``limit`` is None)."""
    town = limit if limit and len(limit) == 9 else None
    return Scope(as_of, limit[:6] if limit else None, town, limit=limit)


# Area filters over towns, villages and households; parameters from Scope.sql_params(). The aliases are those
# of the raw tables (t, v, h) or of a cube (c), which carries its village's town and district codes.
def town_filter(town: str = "t") -> str:
    """SQL: the row's town lies in the scope's district and town."""
    return f"""
    (CAST($district AS VARCHAR) IS NULL OR {town}.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR {town}.town_code = $town)
"""


def place_filter(town: str = "t", village: str = "v") -> str:
    """SQL: the row's village lies in the scope's area."""
    return town_filter(town) + f" AND (CAST($village AS VARCHAR) IS NULL OR {village}.village_code = $village)"


def group_sql(level: str | None, town: str = "t", village: str = "v") -> str:
    """SQL: the area code a row belongs to at ``level`` (None or city: the city's code)."""
    return {"district": f"{town}.district_code", "town": f"{town}.town_code", "village": f"{village}.village_code"}.get(
        level or "city", f"'{CITY_CODE}'"
    )


TOWN_FILTER_SQL = town_filter()
PLACE_FILTER_SQL = place_filter()
HOUSEHOLD_FILTER_SQL = (
    PLACE_FILTER_SQL
    + """
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
"""
)
LEVELS = (None, "city", "district", "town", "village")
GROUP_SQL = {level: group_sql(level) for level in LEVELS}
CUBE_FILTER_SQL = place_filter("c", "c")
CUBE_GROUP_SQL = {level: group_sql(level, "c", "c") for level in LEVELS}


def _echoed(raw: str) -> str:
    """A refused URL or CLI value as it may be repeated to the user: only if it looks like a code or a month."""
    return raw if _ECHOABLE.match(raw) else "（无法识别的值）"


def resolve_scope(
    con: duckdb.DuckDBPyConnection,
    info: DatasetInfo,
    month: str | None = None,
    district: str | None = None,
    town: str | None = None,
    village: str | None = None,
    limit: str | None = None,
) -> tuple[Scope, list[str]]:
    """A valid scope from raw values, and a Chinese notice for every value that was not usable.

    With a ``limit`` (the user's area), no area means the user's own area, and a request outside it falls
    back to that area with a notice starting 无权 (callers audit it); the returned scope carries the limit."""
    notices: list[str] = []
    as_of = info.as_of
    if month:
        parsed = parse_month(month)
        if parsed is None or not info.baseline < parsed <= info.as_of:
            notices.append(f"月份 {_echoed(month)} 无效或超出数据范围，已改为最新月份 {month_label(info.as_of)}。")
        else:
            as_of = parsed
    if district and not con.execute("SELECT 1 FROM district WHERE district_code = ?", [district]).fetchone():
        notices.append(f"区市代码 {_echoed(district)} 不存在，已显示全市。")
        district = town = village = None
    if town:
        row = con.execute("SELECT district_code FROM town WHERE town_code = ?", [town]).fetchone()
        if not row or (district and row[0] != district):
            notices.append(f"镇街代码 {_echoed(town)} 不存在或不属于所选区市，已忽略。")
            town = village = None
        else:
            district = row[0]
    if village:
        row = con.execute(
            "SELECT v.town_code, t.district_code FROM village v JOIN town t USING (town_code) WHERE village_code = ?",
            [village],
        ).fetchone()
        if not row or (town and row[0] != town):
            notices.append(f"村代码 {_echoed(village)} 不存在或不属于所选镇街，已忽略。")
            village = None
        else:
            town, district = row
    if limit and not (district or town or village):
        return home_scope(as_of, limit), notices  # no area asked for: the user's own area
    try:
        return Scope(as_of, district or None, town or None, village or None, limit=limit), notices
    except ScopeDenied:
        requested = village or town or district
        return home_scope(as_of, limit), [
            *notices,
            f"无权查看{area_label(con, requested)}：该账号只能查看{area_label(con, limit)}范围内的数据",
        ]


def scope_label(con: duckdb.DuckDBPyConnection, scope: Scope) -> str:
    """Chinese name of the scope's area, e.g. ``平度市 · 蓼兰镇``."""
    parts = [CITY_NAME]
    if scope.district:
        parts = [single(con.execute("SELECT name FROM district WHERE district_code = ?", [scope.district]))]
    if scope.town:
        parts.append(single(con.execute("SELECT name FROM town WHERE town_code = ?", [scope.town])))
    if scope.village:
        parts.append(single(con.execute("SELECT name FROM village WHERE village_code = ?", [scope.village])))
    label = " · ".join(parts)
    slices = [s for s in (scope.attribute, scope.main_cause) if s]
    return label + (f"（{'、'.join(slices)}）" if slices else "")


def area_label(con: duckdb.DuckDBPyConnection, code: str | None) -> str:
    """The Chinese name of a district, town or village code (全市 for none); the code itself if unknown."""
    if not code or code == CITY_CODE:
        return CITY_NAME
    level = {6: "district", 9: "town"}.get(len(code), "village")
    table, key = AREA_TABLES[level]
    row = con.execute(f"SELECT name FROM {table} WHERE {key} = ?", [code]).fetchone()
    return row[0] if row else code


AREA_TABLES = {
    "district": ("district", "district_code"),
    "town": ("town", "town_code"),
    "village": ("village", "village_code"),
}


def area_names(con: duckdb.DuckDBPyConnection, level: str, within: Scope | None = None) -> dict[str, str]:
    """Chinese names of every area of a level (the city included under its code), or only of those inside
    ``within``'s district or town (codes begin with theirs)."""
    if level == "city":
        return {CITY_CODE: CITY_NAME}
    table, key = AREA_TABLES[level]
    prefix = (within.town or within.district or "") if within else ""
    return dict(con.execute(f"SELECT {key}, name FROM {table} WHERE starts_with({key}, ?)", [prefix]).fetchall())
