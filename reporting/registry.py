"""The targets that units report, grouped into data sets (one per lead unit and period kind), and the
reporting units of a data set: the city, or a district with its rows (one per target and area at the
target's reporting level)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from functools import cached_property

import duckdb

from reporting.periods import NAMES

CITY_CODE = "370200"  # 青岛市 (GB/T 2260): the area of a city-level row
CITY_NAME = "全市"
PERIOD_CODES = {"月": "M", "季": "Q", "年": "Y"}
COUNTED_UNITS = ("个", "名", "户", "人", "次", "条", "处", "家", "所", "类", "张", "项")


@dataclass(frozen=True)
class Target:
    """One plan target with its owner and how it is measured (``plan_target`` joined with ``target_registry``)."""

    id: str
    indicator: str
    chapter: str
    target_value: float
    unit: str
    comparator: str
    deadline: dt.date | None
    owner_code: str
    owner: str
    co_units: str
    kind: str
    level: str
    period: str
    reported_as: str
    cumulative: bool
    baseline: float | None
    units: str
    not_above: str
    reason: str

    @property
    def dataset_id(self) -> str:
        return f"{self.owner_code}-{PERIOD_CODES[self.period]}"

    @property
    def downward(self) -> bool:
        """Met at or below the figure (a cap, or a zero the plan asks for) rather than at or above it."""
        return self.comparator in ("<=", "<") or self.target_value == 0

    @property
    def entry_unit(self) -> str:
        """The unit of a reported value: the target's, a percentage, or a count of villages or towns."""
        if self.reported_as == "share":
            return "个村" if self.units == "贫困村" else "个镇街"
        if self.reported_as == "percent":
            return "%"
        return self.unit

    @property
    def whole_numbers(self) -> bool:
        """Counts (villages, persons, times, items) rather than amounts, rates or averages per person."""
        return self.reported_as == "share" or (
            self.reported_as in ("total", "level")
            and self.unit.startswith(COUNTED_UNITS)
            and not any(part in self.unit for part in ("万", "/人", "/户"))
        )

    @property
    def standing(self) -> bool:
        """A reported obligation that holds every period (coverage, a standard, a yearly amount): no deadline and
        not a cumulative count; judged on the latest period, never paced."""
        return self.deadline is None and not self.cumulative

    @property
    def goal_share(self) -> float:
        """The share of units that must meet a ``share`` or ``percent`` target, in percent."""
        return self.target_value if self.unit == "%" else 100.0


@dataclass(frozen=True)
class Row:
    """One field of a data set: a target at an area, with what the area's value is measured against."""

    target: Target
    area_code: str
    area_name: str
    denominator: int | None  # for ``share``: the villages or towns of the area


def goal_text(row: Row) -> str:
    """What the field is measured against, in words: ``≥ 1,000 名``, ``全部 37 个村``, ``≤ 5,000 元/人/年``."""
    target = row.target
    if row.denominator is not None:
        share = target.goal_share
        return (
            f"全部 {row.denominator} {target.entry_unit}"
            if share >= 100
            else f"{share:g}%（共 {row.denominator} {target.entry_unit}）"
        )
    sign = "≤" if target.downward else "≥"
    if target.reported_as == "percent":
        return f"{sign} {target.goal_share:g}%"
    return f"{sign} {target.target_value:,.10g} {target.unit}"


@dataclass(frozen=True)
class Dataset:
    id: str
    owner_code: str
    owner: str
    period: str
    targets: tuple[Target, ...]

    @property
    def name(self) -> str:
        return f"{self.owner}{NAMES[self.period]}"


@dataclass(frozen=True)
class Catalogue:
    """Every target, the reported ones' data sets and the areas they are reported for, read from a roster
    database once."""

    targets: dict[str, Target]
    districts: dict[str, str]  # code → name, the districts with poor villages (the ones that report)
    towns: dict[str, tuple[str, str]]  # weak town code → (name, district code)
    villages_in: dict[str, int]  # district → designated villages
    towns_in: dict[str, int]  # district → towns and sub-districts

    @cached_property
    def datasets(self) -> dict[str, Dataset]:
        groups: dict[str, list[Target]] = {}
        for target in self.targets.values():
            if target.kind == "reported":
                groups.setdefault(target.dataset_id, []).append(target)
        return {
            key: Dataset(key, ts[0].owner_code, ts[0].owner, ts[0].period, tuple(ts))
            for key, ts in sorted(groups.items(), key=lambda item: (item[1][0].owner, item[0]))
        }

    @cached_property
    def owners(self) -> dict[str, str]:
        """The units that own a data set: code → name."""
        return {d.owner_code: d.owner for d in self.datasets.values()}

    def areas_of(self, dataset: Dataset) -> list[str]:
        """The reporting units' areas of a data set: the city if it has city-level targets, and the districts
        that hold its district- or town-level areas."""
        areas = [CITY_CODE] if any(t.level == "市" for t in dataset.targets) else []
        return areas + [code for code in self.districts if self.rows(dataset, code)]

    def rows(self, dataset: Dataset, area: str) -> list[Row]:
        """The fields of one reporting unit, in the data set's order."""
        rows: list[Row] = []
        for target in dataset.targets:
            if area == CITY_CODE and target.level == "市":
                rows.append(Row(target, CITY_CODE, CITY_NAME, None))
            elif area != CITY_CODE and target.level == "区市":
                count = self.villages_in[area] if target.units == "贫困村" else self.towns_in[area]
                rows.append(Row(target, area, self.districts[area], count if target.reported_as == "share" else None))
            elif area != CITY_CODE and target.level == "镇":
                rows += [
                    Row(target, code, name, None) for code, (name, district) in self.towns.items() if district == area
                ]
        return rows

    def area_name(self, code: str) -> str:
        if code == CITY_CODE:
            return CITY_NAME
        return self.districts.get(code) or self.towns[code][0]


def load_catalogue(con: duckdb.DuckDBPyConnection) -> Catalogue:
    """The registry and the reporting areas of a roster database."""
    rows = con.execute(
        """SELECT p.id, p.indicator_zh, p.chapter, p.target_value, p.unit, p.comparator, p.deadline,
               r.owner_code, r.owner_zh, coalesce(r.co_units_zh, ''), r.kind, coalesce(r.level, ''),
               coalesce(r.period, ''), coalesce(r.reported_as, ''), r.cumulative, r.baseline,
               coalesce(r.units, ''), coalesce(r.not_above, ''), coalesce(r.unmeasurable_reason_zh, '')
           FROM plan_target p JOIN target_registry r USING (id) ORDER BY p.rowid"""
    ).fetchall()
    names = [f.name for f in fields(Target)]
    targets = {row[0]: Target(**dict(zip(names, row, strict=True))) for row in rows}
    districts = con.execute(
        """SELECT d.district_code, d.name, count(v.village_code)
           FROM district d JOIN town t USING (district_code) JOIN village v USING (town_code)
           WHERE v.designation IS NOT NULL GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    towns = con.execute(
        "SELECT town_code, name, district_code FROM town WHERE is_weak_town ORDER BY town_code"
    ).fetchall()
    towns_in = dict(con.execute("SELECT district_code, count(*) FROM town GROUP BY 1").fetchall())
    return Catalogue(
        targets,
        {code: name for code, name, _ in districts},
        {code: (name, district) for code, name, district in towns},
        {code: int(n) for code, _, n in districts},
        {code: int(n) for code, n in towns_in.items()},
    )
