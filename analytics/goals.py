"""Goal progress against every target of the plan: measured from the roster, the village and town indicators or
the measure records (a policy standard checked record by record), reported by the responsible unit
(``analytics.reported``), or — with the reason from ``target_registry`` — not measurable.

Each measured target has an evaluator that returns its value, the value it must reach and whether it
is met, judged at the as-of month or, once the deadline has passed, at the deadline's month. The status
is earned by pace, never by a deadline not yet passed (the rules in full: ``docs/definitions.md``):

* 达标 — met (at the deadline, if it has passed);
* 滞后 — a standing obligation (应保尽保, 不漏一人, 全覆盖, a policy standard) not kept at the as-of month;
  a deadline passed unmet; a back-scheduling row amber or red; or a recent monthly progress (share of the
  target gained per month over the last three months) below the monthly progress still required;
* 进度正常 — not yet met, deadline ahead, and the recent pace is enough;
* 数据不足 — the scope holds nothing to measure, a city-wide count asked of a smaller area, a batch target
  before its deadline month, no approved report (or one more than a period overdue), or a target that cannot
  be measured at all (``measurable`` false, with the reason).

Targets without a deadline (other than standing obligations) are paced to the end of the plan period.
"""

from __future__ import annotations

import datetime as dt
import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from analytics import fmt
from analytics.cube_switch import months_from_cube
from analytics.dynamics import OPEN_END
from analytics.judgement import BEHIND, MET, NO_DATA, ON_TRACK, STATUSES, Judgement, pace_judgement
from analytics.plan import DEFAULT_DEADLINE, FIRST_BATCH, TOWN_SIX_PROJECTS, all_projects_done
from analytics.reported import approved, judge_reported, latest_due, readings, rows_by_target
from analytics.schedule import (
    PACE_WINDOW,
    RAG_DONE,
    RAG_GREEN,
    RAG_PENDING,
    back_schedule,
    months_left,
    pace_months,
    schedule_figures,
)
from analytics.scope import CUBE_FILTER_SQL, HOUSEHOLD_FILTER_SQL, PLACE_FILTER_SQL, TOWN_FILTER_SQL, Scope
from analytics.sql import execute
from reporting.registry import Catalogue, Target, load_catalogue
from reporting.store import STATE_COLUMNS, VALUE_COLUMNS, ReportFrames
from storage.db import first_row, single
from storage.months import BASELINE, add_months

CITY_ONLY_NOTE = "规划只给出全市总数，不分解到区市及以下"


@dataclass(frozen=True)
class Measurement:
    """What an evaluator found: ``value`` against ``target`` (both in ``unit``) and whether it is met."""

    value: float
    target: float
    unit: str
    met: bool
    note: str = ""


@dataclass
class Context:
    """What an evaluator measures against: the connection, the scope at the judged month, the target's id
    and figures shared between evaluators. Each family of figures is fetched for every month of ``months``
    (the months the goals are judged at) in one query the first time an evaluator asks for it."""

    con: duckdb.DuckDBPyConnection
    scope: Scope
    _figures: dict[tuple[str, dt.date | None], Any] = field(default_factory=dict)
    target: str = ""
    plan_value: float = math.nan  # the target's figure in the plan (``plan_target.target_value``)
    plans: dict[str, float] = field(default_factory=dict)  # every target's figure in the plan
    months: tuple[dt.date, ...] = ()

    def at(self, month: dt.date) -> Context:
        """The same target and shared figures, judged at another month."""
        return replace(self, scope=self.scope.at(month))

    def _per_month(self, family: str, fetch: Callable[[tuple[dt.date, ...]], dict[dt.date, Any]]) -> Any:
        """``family`` at the scope's month; ``fetch`` gets it for the months still missing, all in one go."""
        key = (family, self.scope.as_of)
        if key not in self._figures:
            wanted = sorted(
                {*self.months, self.scope.as_of} - {month for kind, month in self._figures if kind == family}
            )
            self._figures |= {(family, month): value for month, value in fetch(tuple(wanted)).items()}
        return self._figures[key]

    def cube_figures(self) -> dict[str, float] | None:
        """The target's additive figures from ``cube_goal`` (None when the cube cannot answer)."""
        rows = self._per_month("cube", lambda months: _cube_goal_rows(self.con, self.scope, months))
        return None if rows is None else rows.get(self.target, dict.fromkeys(ADDITIVE_COLUMNS, 0.0) | {"lowest": None})

    def village_counts(self) -> dict[str, tuple[float, float]]:
        """(meeting, designated) villages of every ``VillageRule`` target at the scope and month."""
        result: dict[str, tuple[float, float]] = self._per_month(
            "villages", lambda months: _village_counts(self.con, self.scope, self.plans, months)
        )
        return result

    def weak_town_counts(self) -> tuple[float, float]:
        """(weak towns with all six projects done, weak towns) of the scope at its month."""
        result: tuple[float, float] = self._per_month(
            "towns", lambda months: _weak_town_counts(self.con, self.scope, months)
        )
        return result

    def month_figures(self) -> pd.Series:
        """The outcome and place figures of the whole scope at its month (zeros when it holds nothing)."""
        figures: pd.Series = self._per_month(
            "month", lambda months: month_rows(schedule_figures(self.con, self.scope, months), months)
        )
        return figures


def month_rows(figures: pd.DataFrame, months: tuple[dt.date, ...]) -> dict[dt.date, pd.Series]:
    """:func:`analytics.schedule.schedule_figures` of a whole scope (one area) as one row per month, zeros in the
    months it has none."""
    zeros = pd.Series(0, index=figures.columns, dtype="int64")
    rows = {month: row.astype("int64") for (month, _), row in figures.iterrows()}
    return {month: rows.get(month, zeros) for month in months}


Evaluator = Callable[[Context], Measurement | None]


# --- helpers ---------------------------------------------------------------------------------------
def _scalar(con: duckdb.DuckDBPyConnection, sql: str, scope: Scope, **params: object) -> float:
    value = single(execute(con, sql, {**scope.sql_params(), "at": scope.as_of, **params}))
    return float(value or 0)


def _counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, base_sql: str, rule_sql: str, **params: object
) -> dict[str, float]:
    """``applies``: rows of ``base_sql`` (``FROM … WHERE …``); ``meets``: those meeting ``rule_sql``."""
    sql = f"SELECT count(*) FILTER ({rule_sql}), count(*) {base_sql}"
    meets, applies = first_row(execute(con, sql, {**scope.sql_params(), "at": scope.as_of, **params}))
    return {"applies": float(applies), "meets": float(meets)}


_SCOPED_HOUSEHOLDS = (
    f"household h JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE {HOUSEHOLD_FILTER_SQL}"
)
_SCOPED_PERSONS = (
    "person p JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code)"
    f" WHERE {HOUSEHOLD_FILTER_SQL}"
)
SCOPED_MEASURES = (
    "measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code)"
    f" WHERE {HOUSEHOLD_FILTER_SQL}"
)
_ACTIVE = """EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
    AND e.event_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
                    AND e.event_type = 'removed' AND e.event_month <= $at)"""
_MEMBER_AT = """(p.joined_month IS NULL OR p.joined_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.person_id = p.person_id AND e.event_type = 'removed'
        AND e.event_month <= $at)"""


def _whole_city(scope: Scope) -> bool:
    """City-wide counts are judged only for the whole, unsliced city."""
    return scope.level == "city" and not scope.attribute and not scope.main_cause


ANNUALISED = "CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)"

# --- additive evaluators: figures that add up over villages, so ``cube_goal`` holds them -------------------
# Each gives its figures ``applies`` (what the target counts), ``meets`` (what keeps to it), ``amount`` (a sum
# of annualised yuan) and ``lowest`` (the lowest annualised yuan) at the judged month: from the raw tables,
# or as sums over ``cube_goal``, which ``analytics.cubes`` builds from ``spans_sql``: rows (village_code,
# start, stop, col, n) meaning "adds n to col from month start until month stop", over the CTEs of
# ``dynamics.over_events`` plus ``life`` (household_id, village_code, start = first event, stop = first
# ``removed`` event: the months the household counts as active here).
ADDITIVE_COLUMNS = ("applies", "meets", "amount")


@dataclass(frozen=True)
class Bound:
    """The SQL parameters (``$name``) that hold an additive target's measure code and the plan's figure: one pair
    per target, so the cube's single query over every target binds them side by side."""

    code: str
    plan: str


@dataclass(frozen=True)
class Additive(ABC):
    """A target measured by counts (and amounts) of ``code`` measures that add up over villages, from
    ``cube_goal`` when it can answer."""

    unit: str
    code: str

    def __call__(self, ctx: Context) -> Measurement | None:
        figures = ctx.cube_figures()
        return self.judge(figures if figures is not None else self.raw(ctx), ctx)

    def raw(self, ctx: Context) -> dict[str, float]:
        """The figures from the raw tables."""
        return self.raw_figures(ctx.con, ctx.scope, Bound("$code", "$plan"), code=self.code, plan=ctx.plan_value)

    @abstractmethod
    def raw_figures(
        self, con: duckdb.DuckDBPyConnection, scope: Scope, bound: Bound, **params: object
    ) -> dict[str, float]:
        """The figures from the raw tables, with the measure code and the plan's figure bound as ``bound`` names."""

    @abstractmethod
    def spans_sql(self, bound: Bound) -> str:
        """The spans the cube sums (see above), with the measure code and the plan's figure bound as ``bound``."""

    def judge(self, figures: dict[str, float], ctx: Context) -> Measurement | None:
        """Met when everything it applies to keeps to it; None when nothing applies."""
        if not figures["applies"]:
            return None
        return Measurement(
            float(figures["meets"]), float(figures["applies"]), self.unit, figures["meets"] >= figures["applies"]
        )


# Households or persons a target counts: (raw FROM … WHERE over the alias, alias, key, their active spans with
# the same alias over the CTE ``life``). A household counts from its first event to its removal; a person while
# also a member.
_UNITS = {
    "household": (
        f"FROM {_SCOPED_HOUSEHOLDS} AND {_ACTIVE}",
        "h",
        "household_id",
        "SELECT l.village_code, l.start, l.stop, h.household_id FROM life l JOIN household h USING (household_id)",
    ),
    "person": (
        f"FROM {_SCOPED_PERSONS} AND {_ACTIVE} AND {_MEMBER_AT}",
        "p",
        "person_id",
        "SELECT l.village_code, greatest(l.start, s.joined) AS start, least(l.stop, s.left_month) AS stop, p.person_id "
        "FROM life l JOIN members s USING (household_id) JOIN person p USING (person_id)",
    ),
}


@dataclass(frozen=True)
class WithMeasure(Additive):
    """Active households (``per`` household) or their members (``per`` person) meeting ``eligible_sql`` (over
    ``h`` or ``p``) that have a ``code`` measure started by the month."""

    eligible_sql: str
    per: str

    def raw_figures(
        self, con: duckdb.DuckDBPyConnection, scope: Scope, bound: Bound, **params: object
    ) -> dict[str, float]:
        base, alias, key, _ = _UNITS[self.per]
        has = (
            f"EXISTS (SELECT 1 FROM measure m WHERE m.{key} = {alias}.{key} AND m.measure_code = {bound.code}"
            " AND m.start_month <= $at)"
        )
        return _counts(con, scope, f"{base} AND {self.eligible_sql}", has, **params)

    def spans_sql(self, bound: Bound) -> str:
        _, _, key, spans = _UNITS[self.per]
        eligible = f"{spans} WHERE {self.eligible_sql}"
        return f"""
        SELECT village_code, start, stop, 'applies' AS col, 1 AS n FROM ({eligible})
        UNION ALL
        SELECT x.village_code, greatest(x.start, f.first), x.stop, 'meets', 1 FROM ({eligible}) x
        JOIN (SELECT {key}, min(start_month) AS first FROM measure WHERE measure_code = {bound.code}
            GROUP BY 1) f USING ({key})"""


@dataclass(frozen=True)
class RowsWithin(Additive):
    """Measure rows of ``code`` started by the month that keep to ``rule`` (SQL over ``m``, given the SQL of the
    plan's figure), against all of them."""

    rule: Callable[[str], str]

    def raw_figures(
        self, con: duckdb.DuckDBPyConnection, scope: Scope, bound: Bound, **params: object
    ) -> dict[str, float]:
        base = f"FROM {SCOPED_MEASURES} AND m.measure_code = {bound.code} AND m.start_month <= $at"
        return _counts(con, scope, base, self.rule(bound.plan), **params)

    def spans_sql(self, bound: Bound) -> str:
        return f"""
        SELECT a.area_code, m.start_month, {OPEN_END},
            unnest(CASE WHEN {self.rule(bound.plan)} THEN ['applies', 'meets'] ELSE ['applies'] END), 1
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = {bound.code}"""


@dataclass(frozen=True)
class AnnualStandard(Additive):
    """Average (or, ``at_least``, lowest) annualised amount of ``code`` rows started by the month against the
    plan's yearly standard (met within 1 % of it, or at least it)."""

    at_least: bool

    def raw_figures(
        self, con: duckdb.DuckDBPyConnection, scope: Scope, bound: Bound, **params: object
    ) -> dict[str, float]:
        sql = (
            f"SELECT count(*), sum({ANNUALISED}), min({ANNUALISED}) FROM {SCOPED_MEASURES}"
            f" AND m.measure_code = {bound.code} AND m.start_month <= $at"
        )
        rows, amount, lowest = first_row(execute(con, sql, {**scope.sql_params(), "at": scope.as_of, **params}))
        return {"applies": rows, "meets": 0, "amount": amount or 0.0, "lowest": lowest}

    def spans_sql(self, bound: Bound) -> str:
        return f"""
        SELECT a.area_code, m.start_month, {OPEN_END},
            unnest(['applies', 'amount', 'lowest']), unnest([1, {ANNUALISED}, {ANNUALISED}])
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = {bound.code}"""

    def judge(self, figures: dict[str, float], ctx: Context) -> Measurement | None:
        rows, standard = int(figures["applies"]), ctx.plan_value
        if not rows:
            return None
        value = round(float(figures["lowest"] if self.at_least else figures["amount"] / rows), 1)
        met = value >= standard if self.at_least else abs(value - standard) <= 0.01 * standard
        return Measurement(
            value, standard, self.unit, met, f"{rows:,} 条记录折算全年的{'最低' if self.at_least else '平均'}值"
        )


@dataclass(frozen=True)
class CityCount(Additive):
    """A city-wide count of ``code`` measures the plan sets in absolute terms (``count_sql`` over the scoped ``m``,
    ``spans`` the same per village, both given the SQL of the code); met within ``tolerance`` (share) of it."""

    tolerance: float
    note: str
    count_sql: Callable[[str], str]
    spans: Callable[[str], str]

    def raw_figures(
        self, con: duckdb.DuckDBPyConnection, scope: Scope, bound: Bound, **params: object
    ) -> dict[str, float]:
        return {"applies": _scalar(con, f"SELECT {self.count_sql(bound.code)} FROM {SCOPED_MEASURES}", scope, **params)}

    def spans_sql(self, bound: Bound) -> str:
        return self.spans(bound.code)

    def judge(self, figures: dict[str, float], ctx: Context) -> Measurement | None:
        target = ctx.plan_value
        if not _whole_city(ctx.scope):
            return Measurement(float("nan"), target, self.unit, False, CITY_ONLY_NOTE)
        value = float(figures["applies"])
        return Measurement(value, target, self.unit, value >= target * (1 - self.tolerance), self.note)


def _persons_in_post(code: str) -> str:
    """Persons in a ``code`` post at the month."""
    return (
        f"count(DISTINCT m.person_id) FILTER (m.measure_code = {code} AND m.start_month <= $at AND m.end_month >= $at)"
    )


def _post_spans(code: str) -> str:
    """Persons in a ``code`` post: one span per person and month in post."""
    return f"""
    SELECT area_code, month, month + INTERVAL 1 MONTH, 'applies', 1 FROM (
        SELECT DISTINCT a.area_code, m.person_id,
            CAST(unnest(generate_series(m.start_month, m.end_month, INTERVAL 1 MONTH)) AS DATE) AS month
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = {code})"""


def _cube_goal_rows(
    con: duckdb.DuckDBPyConnection, scope: Scope, months: tuple[dt.date, ...]
) -> dict[dt.date, dict[str, dict[str, float]] | None]:
    """Additive figures per month and target from ``cube_goal``, one query for all ``months``; None in the months
    the cube cannot answer."""
    cubed = months_from_cube(con, "cube_goal", scope, months)
    if not cubed:
        return dict.fromkeys(months)
    sql = f"""SELECT c.month, c.target_id, sum(c.applies), sum(c.meets), sum(c.amount), min(c.lowest)
              FROM cube_goal c
              WHERE {CUBE_FILTER_SQL} AND list_contains(CAST($months AS DATE[]), c.month) GROUP BY 1, 2"""
    found: dict[dt.date, dict[str, dict[str, float]]] = {month: {} for month in cubed}
    for month, target, applies, meets, amount, lowest in execute(
        con, sql, {**scope.sql_params(), "months": cubed}
    ).fetchall():
        found[month][target] = {"applies": applies, "meets": meets, "amount": amount, "lowest": lowest}
    return {month: found.get(month) for month in months}


# --- other evaluators --------------------------------------------------------------------------------------
def _all_exit(done: str, remaining: str, unit: str) -> Evaluator:
    def evaluate(ctx: Context) -> Measurement | None:
        figures, scope = ctx.month_figures(), ctx.scope
        task = int(figures[done] + figures[remaining])
        if task == 0:
            return None
        note = (
            f"规划口径 {fmt.whole(ctx.plan_value)}；扣除自然减少后应脱贫 {task:,}"
            if scope.level == "city"
            else "扣除自然减少后的应脱贫数"
        )
        return Measurement(float(figures[done]), float(task), unit, figures[remaining] == 0, note)

    return evaluate


def _all_places(done: str, total: str, unit: str) -> Evaluator:
    def evaluate(ctx: Context) -> Measurement | None:
        figures = ctx.month_figures()
        if figures[total] == 0:
            return None
        return Measurement(float(figures[done]), float(figures[total]), unit, figures[done] >= figures[total])

    return evaluate


@dataclass(frozen=True)
class VillageRule:
    """Designated villages keeping to ``rule`` (SQL over ``v``, ``i`` — the village's latest village_indicator row
    up to the month — and ``m.month``, the month; given the SQL of the plan's figure): against all designated
    villages of the scope, or — with a ``designation`` — a city-wide count of that kind against the plan's figure.
    The whole family is counted in one query for all judged months (``Context.village_counts``)."""

    rule: Callable[[str], str]
    designation: str | None = None
    note: str = ""

    def __call__(self, ctx: Context) -> Measurement | None:
        meets, applies = ctx.village_counts()[ctx.target]
        if self.designation is None:
            return Measurement(meets, applies, "个村", meets >= applies) if applies else None
        if not _whole_city(ctx.scope):
            return Measurement(float("nan"), ctx.plan_value, "个村", False, CITY_ONLY_NOTE)
        return Measurement(meets, ctx.plan_value, "个村", meets >= ctx.plan_value, self.note)


_VILLAGE_COUNTS = f"""
WITH m AS (
    SELECT month, (SELECT max(year) FROM village_indicator WHERE year <= year(month)) AS year
    FROM unnest(CAST($months AS DATE[])) AS u(month)
)
SELECT m.month, {{columns}}, count(*)
FROM m CROSS JOIN village v JOIN town t USING (town_code)
LEFT JOIN village_indicator i ON i.village_code = v.village_code AND i.year = m.year
WHERE v.designation IS NOT NULL AND {PLACE_FILTER_SQL}
GROUP BY m.month"""


def _village_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, plans: dict[str, float], months: tuple[dt.date, ...]
) -> dict[dt.date, dict[str, tuple[float, float]]]:
    """Per month of ``months``: target → (villages keeping to its rule, designated villages of the scope) for every
    ``VillageRule``, in one query."""
    family = {target: e for target, e in EVALUATORS.items() if isinstance(e, VillageRule)}
    params: dict[str, object] = {**scope.sql_params(), "months": list(months)}
    columns = []
    for n, (target, rule) in enumerate(family.items()):
        condition = rule.rule(f"$plan{n}")
        params[f"plan{n}"] = plans.get(target, math.nan)
        if rule.designation:
            condition, params[f"designation{n}"] = f"v.designation = $designation{n} AND {condition}", rule.designation
        columns.append(f"count(*) FILTER ({condition})")
    counts = {
        month: {target: (float(m), float(applies)) for target, m in zip(family, meets, strict=True)}
        for month, *meets, applies in execute(
            con, _VILLAGE_COUNTS.format(columns=", ".join(columns)), params
        ).fetchall()
    }
    none = dict.fromkeys(family, (0.0, 0.0))
    return {month: counts.get(month, none) for month in months}


_WEAK_TOWNS = f"""
WITH m AS (
    SELECT month, (SELECT max(year) FROM town_indicator WHERE year <= year(month)) AS year
    FROM unnest(CAST($months AS DATE[])) AS u(month)
)
SELECT m.month, count(*) FILTER ({all_projects_done("i", TOWN_SIX_PROJECTS)}), count(*)
FROM m CROSS JOIN town t LEFT JOIN town_indicator i ON i.town_code = t.town_code AND i.year = m.year
WHERE t.is_weak_town AND {TOWN_FILTER_SQL}
GROUP BY m.month"""


def _weak_town_counts(
    con: duckdb.DuckDBPyConnection, scope: Scope, months: tuple[dt.date, ...]
) -> dict[dt.date, tuple[float, float]]:
    """Per month of ``months``: (weak towns with all six projects done by their latest indicator year, weak towns of
    the scope), in one query."""
    rows = execute(con, _WEAK_TOWNS, {**scope.sql_params(), "months": list(months)}).fetchall()
    counts = {month: (float(meets), float(applies)) for month, meets, applies in rows}
    return {month: counts.get(month, (0.0, 0.0)) for month in months}


def _weak_towns_with_all_projects(ctx: Context) -> Measurement | None:
    if ctx.scope.village:
        return None
    meets, applies = ctx.weak_town_counts()
    return Measurement(meets, applies, "个镇", meets >= applies) if applies else None


_LABOUR = (
    "EXISTS (SELECT 1 FROM person q WHERE q.household_id = h.household_id"
    " AND q.labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力'))"
)
_EIGHT = all_projects_done("i")
_WATER_NOTE = "村镇指标表中饮水安全工程已完成的村"

EVALUATORS: dict[str, Evaluator] = {
    "exit_households_total": _all_exit("baseline_exited_households", "baseline_remaining_households", "户"),
    "exit_persons_total": _all_exit("baseline_exited_persons", "baseline_remaining_persons", "人"),
    "exit_households_2016": _all_exit("baseline_exited_households", "baseline_remaining_households", "户"),
    "exit_persons_2016": _all_exit("baseline_exited_persons", "baseline_remaining_persons", "人"),
    "prov_poor_villages_exit_total": _all_places("provincial_villages_exited", "provincial_villages_total", "个村"),
    "muni_weak_villages_exit_total": _all_places("weak_villages_exited", "weak_villages_total", "个村"),
    "weak_towns_exit_total": _all_places("weak_towns_exited", "weak_towns_total", "个镇"),
    **{
        target: VillageRule(lambda _: "v.exit_month <= m.month", designation)
        for target, designation in FIRST_BATCH.values()
    },
    "prov_poor_villages_exit_2017": _all_places("provincial_villages_exited", "provincial_villages_total", "个村"),
    "muni_weak_villages_exit_2017": _all_places("weak_villages_exited", "weak_villages_total", "个村"),
    "weak_towns_exit_2017": _all_places("weak_towns_exited", "weak_towns_total", "个镇"),
    "village_collective_income": VillageRule(lambda plan: f"i.collective_income_wan >= {plan}"),
    "specialty_industries_per_village": VillageRule(lambda _: "i.industries >= 1"),
    "village_eight_projects_2018": VillageRule(lambda _: _EIGHT),
    "village_cultural_facilities_2018": VillageRule(lambda _: "i.proj_culture_square"),
    "grid_upgrade_villages": VillageRule(lambda _: "i.proj_electricity"),
    "water_safety_prov_villages_2017": VillageRule(lambda _: "i.proj_drinking_water", "provincial_poor", _WATER_NOTE),
    "water_safety_muni_villages_2017": VillageRule(lambda _: "i.proj_drinking_water", "municipal_weak", _WATER_NOTE),
    "town_six_projects_2018": _weak_towns_with_all_projects,
    "income_project_per_household": WithMeasure("户", "industry_income_project", _LABOUR, per="household"),
    "dibao_coverage": WithMeasure("户", "ss_dibao", "h.attribute = '低保贫困户'", per="household"),
    "disabled_allowances_coverage": WithMeasure("人", "dis_living_allowance", "p.disability IS NOT NULL", per="person"),
    # Persons 35 or older at the end of 2016 (the first plan year) with a free health check.
    "health_check_min_age": WithMeasure(
        "人", "health_checkup_35plus", "p.birth_date <= DATE '1981-12-31'", per="person"
    ),
    "public_welfare_jobs_2016": CityCount(
        "个", "pwj_post", 0.10, "规划为约数（±10% 视为达标）", _persons_in_post, _post_spans
    ),
    # 元/人/月 over the months paid; 万元 per loan.
    "public_welfare_job_subsidy": RowsWithin(
        "条", "pwj_post", lambda plan: f"m.amount_yuan >= {plan} * (date_diff('month', m.start_month, m.end_month) + 1)"
    ),
    "fumin_loan_cap": RowsWithin("笔", "fin_fumin_loan", lambda plan: f"m.amount_yuan <= {plan} * 10000"),
    "pv_income_per_household": AnnualStandard("元/户/年", "solar_household", at_least=True),
    "preschool_grant": AnnualStandard("元/生/年", "edu_preschool_grant", at_least=False),
    "highschool_grant": AnnualStandard("元/生/年", "edu_highschool_grant", at_least=False),
    "vocational_grant": AnnualStandard("元/生/年", "edu_vocational_grant", at_least=False),
    "university_grant": AnnualStandard("元/生/年", "edu_university_grant", at_least=False),
    "pension_premium_subsidy": AnnualStandard("元/人/年", "si_pension_premium_subsidy", at_least=False),
}
# Targets whose pace is tracked month by month (their red back-scheduling row means 滞后).
SCHEDULE_KEYS = {
    "exit_households_total": "households",
    "exit_households_2016": "households",
    "exit_persons_total": "persons",
    "exit_persons_2016": "persons",
    "prov_poor_villages_exit_total": "provincial_villages",
    "prov_poor_villages_exit_2017": "provincial_villages",
    "muni_weak_villages_exit_total": "weak_villages",
    "muni_weak_villages_exit_2017": "weak_villages",
    "weak_towns_exit_total": "weak_towns",
    "weak_towns_exit_2017": "weak_towns",
}
GOAL_COLUMNS = (
    "target_id",
    "indicator",
    "chapter",
    "owner",
    "co_units",
    "kind",
    "source",
    "deadline",
    "plan_value",
    "judged_at",
    "value",
    "target",
    "unit",
    "status",
    "basis",
    "measurable",
    "note",
    "series",
)
STANDING_WORDS = ("应保尽保", "不漏一人", "全覆盖")


def is_standing(target: Target) -> bool:
    """Obligations that hold every month (the plan's 应保尽保 / 不漏一人 / 全覆盖, and policy standards)."""
    return target.kind == "policy_rule" or any(word in target.indicator for word in STANDING_WORDS)


def _judged_month(as_of: dt.date, deadline: dt.date) -> dt.date:
    return min(as_of, dt.date(deadline.year, deadline.month, 1))


def _judged_at(target: Target, scope: Scope) -> dt.date:
    """The month a measured target is judged at: the as-of month for a standing obligation, else its deadline's
    month once passed."""
    return scope.as_of if is_standing(target) else _judged_month(scope.as_of, target.deadline or DEFAULT_DEADLINE)


def _pace_start(as_of: dt.date) -> dt.date:
    """The month a target's recent pace is measured from."""
    return max(add_months(as_of, -PACE_WINDOW), BASELINE)


def _schedule_judgement(light: str, deadline: dt.date) -> Judgement:
    """The status of a target tracked by a back-scheduling row (its traffic light)."""
    if light == RAG_PENDING:
        return Judgement(NO_DATA, f"摘帽逐镇一次验收，截止月（{fmt.month(deadline)}）前没有可按月衡量的进度")
    if light in (RAG_GREEN, RAG_DONE):
        return Judgement(ON_TRACK, "倒排工期绿灯：近3月月均不低于需月均完成")
    return Judgement(BEHIND, f"倒排工期{light}灯：近3月月均低于需月均完成或已过期")


def _judge(
    ctx: Context,
    target: Target,
    evaluator: Evaluator,
    deadline: dt.date,
    row: pd.Series | None,
    measurement: Measurement | None,
) -> Judgement:
    """The status of one measurable target (see the module docstring)."""
    if measurement is None or measurement.value != measurement.value:  # nothing to measure, or NaN
        return Judgement(NO_DATA, measurement.note if measurement else "范围内没有可测度的对象")
    as_of = ctx.scope.as_of
    if measurement.met:
        return Judgement(MET, "已达到目标值")
    if is_standing(target):
        return Judgement(BEHIND, "常态要求，按当月判定：未达到")
    left = months_left(as_of, deadline)
    if left <= 0:
        return Judgement(BEHIND, f"截止（{fmt.day(deadline)}）时未达到")
    if row is not None:
        return _schedule_judgement(row["rag"], row["deadline"])
    start = _pace_start(as_of)
    window = months_left(start, as_of)
    before = evaluator(ctx.at(start)) if window > 0 else None
    if before is None or before.value != before.value or not before.target:
        return Judgement(NO_DATA, "没有三个月前的可比数据，无法判断进度")
    return pace_judgement(measurement.value / measurement.target, before.value / before.target, window, left)


KIND_SOURCES = {
    "roster": "名册",
    "village_indicator": "村镇指标表",
    "policy_rule": "措施记录核对",
    "reported": "部门报送",
    "unmeasurable": "无法测度",
}


def _row(plan: Target, judged: dt.date, **values: object) -> dict[str, object]:
    return {
        "target_id": plan.id,
        "indicator": plan.indicator,
        "chapter": plan.chapter,
        "owner": plan.owner,
        "co_units": plan.co_units,
        "kind": plan.kind,
        "deadline": plan.deadline or DEFAULT_DEADLINE,
        "plan_value": plan.target_value,
        "judged_at": judged,
        "measurable": plan.kind != "unmeasurable",
        "series": [],
        **values,
    }


def _measured_row(ctx: Context, target: Target, schedule: pd.DataFrame) -> dict[str, object]:
    """A target measured from the roster or the village and town indicators."""
    evaluator, deadline = EVALUATORS[target.id], target.deadline or DEFAULT_DEADLINE
    judged = _judged_at(target, ctx.scope)
    measurement = evaluator(ctx.at(judged))
    key = SCHEDULE_KEYS.get(target.id)
    judgement = _judge(
        ctx, target, evaluator, deadline, schedule.loc[key] if key in schedule.index else None, measurement
    )
    return _row(
        target,
        judged,
        value=measurement.value if measurement else None,
        target=measurement.target if measurement else None,
        unit=measurement.unit if measurement else None,
        status=judgement.status,
        basis=judgement.basis,
        note=measurement.note if measurement else "范围内没有可测度的对象",
        source=f"{KIND_SOURCES[target.kind]}（{fmt.month(judged)}）",
    )


def _reported_row(
    catalogue: Catalogue, target: Target, rows: pd.DataFrame, scope: Scope, today: dt.date
) -> dict[str, object]:
    """A target the responsible unit reports, from its approved values."""
    found, reason = readings(catalogue, target, rows, scope)
    deadline = target.deadline or DEFAULT_DEADLINE
    if reason:
        return _row(
            target,
            scope.as_of,
            value=None,
            target=None,
            unit=None,
            status=NO_DATA,
            basis=reason,
            note=reason,
            source=f"{target.owner}报送",
        )
    reading, judgement = judge_reported(target, found, latest_due(target, scope, today), deadline, scope.as_of)
    return _row(
        target,
        reading.period.start if reading else scope.as_of,
        value=reading.value if reading else None,
        target=reading.target if reading else None,
        unit=reading.unit if reading else None,
        status=judgement.status,
        basis=judgement.basis,
        note=reading.note if reading else "",
        source=f"{target.owner}报送（{reading.period.label}，已审定）" if reading else f"{target.owner}报送",
        series=[r.value for r in found],
    )


def goal_progress(con: duckdb.DuckDBPyConnection, scope: Scope, reports: ReportFrames | None = None) -> pd.DataFrame:
    """Every plan target, in the plan's order, with its owner, value, target, deadline, status and basis and where
    the value comes from: the roster, the village and town indicators, the measure records, the responsible
    unit's approved reports (``reports``; without them those targets are 数据不足), or why it cannot be measured."""
    catalogue = load_catalogue(con)
    measured = [t for t in catalogue.targets.values() if t.kind not in ("reported", "unmeasurable")]
    months = tuple(
        sorted({*pace_months(scope.as_of), _pace_start(scope.as_of), *(_judged_at(t, scope) for t in measured)})
    )
    whole = schedule_figures(con, scope, months)
    schedule = back_schedule(con, scope, figures=whole).set_index("target")
    frames = reports or ReportFrames(
        pd.DataFrame(columns=VALUE_COLUMNS), pd.DataFrame(columns=STATE_COLUMNS), scope.as_of
    )
    by_target = rows_by_target(approved(frames, catalogue))
    figures: dict[tuple[str, dt.date | None], Any] = {("month", m): row for m, row in month_rows(whole, months).items()}
    plans = {target.id: target.target_value for target in catalogue.targets.values()}
    rows: list[dict[str, object]] = []
    for target in catalogue.targets.values():
        if target.kind == "unmeasurable":
            judged = _judged_month(scope.as_of, target.deadline or DEFAULT_DEADLINE)
            rows.append(
                _row(
                    target,
                    judged,
                    value=None,
                    target=None,
                    unit=None,
                    status=NO_DATA,
                    basis=target.reason,
                    note=target.reason,
                    source=KIND_SOURCES[target.kind],
                )
            )
        elif target.kind == "reported":
            rows.append(_reported_row(catalogue, target, by_target[target.id], scope, frames.today))
        else:
            ctx = Context(con, scope, figures, target.id, target.target_value, plans, months)
            rows.append(_measured_row(ctx, target, schedule))
    return pd.DataFrame(rows, columns=list(GOAL_COLUMNS))


def goal_summary(goals: pd.DataFrame) -> str:
    """How many targets are tracked and how: ``137 项：名册等测度 33 项 · 部门报送 89 项 · 无法测度 15 项；滞后 …``."""
    kinds = goals["kind"].value_counts()
    measured = int(kinds.drop(["reported", "unmeasurable"], errors="ignore").sum())
    statuses = goals["status"].value_counts()
    by_status = " · ".join(f"{status} {int(statuses.get(status, 0))} 项" for status in STATUSES)
    return (
        f"{len(goals)} 项：名册、村镇指标与措施记录测度 {measured} 项 · 部门报送 {int(kinds.get('reported', 0))} 项 · "
        f"无法测度 {int(kinds.get('unmeasurable', 0))} 项（原因见判定依据）。{by_status}"
    )
