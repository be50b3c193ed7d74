"""The dispatch-meeting slides as data: one source for the presentation page, the PPTX deck and the workbook.

Every number comes from ``analytics``; no slide carries personal data. Tables and charts keep numbers;
the small-count rule of ``analytics.fmt`` applies where they are shown or exported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from analytics import fmt
from analytics.areas import towns_with_districts
from analytics.completeness import LATE, MISSING, NOT_DUE, ON_TIME, RETURNED, expected_units, not_reported
from analytics.coverage import GAP_LABELS, coverage_by_area, gap_counts
from analytics.dataset import dataset_info
from analytics.distribution import area_metrics
from analytics.exits import FLOW_LABELS, flows_by_area
from analytics.goals import goal_progress
from analytics.judgement import BEHIND
from analytics.kpi import kpi_cards
from analytics.labels import LEVEL_LABELS, SOURCE_LABELS
from analytics.league import SCORE_RULE
from analytics.meeting import (
    COMPARISON_ROWS,
    month_comparison,
    movers,
    red_black_lists,
    returns_and_new_this_month,
)
from analytics.monitoring.figures import case_figures, overdue_cases
from analytics.monitoring.rules import flagged_by_area
from analytics.plan import CHAPTER_TITLES, chapter_of
from analytics.progress import progress_figures
from analytics.reported import behind_with_reports
from analytics.schedule import RAG_RED, TARGET_ORDER, back_schedule
from analytics.scope import CHILD_LEVEL, Scope, area_names, scope_label
from analytics.tables import goal_rows, league_rows, schedule_rows
from cases.store import CaseFrames
from reporting.registry import load_catalogue
from reporting.store import ReportFrames
from storage.values import missing


@dataclass(frozen=True)
class ExportMark:
    """Who made an exported file and when (written into its document properties and footer)."""

    made_by: str
    made_at: dt.datetime

    @property
    def text(self) -> str:
        return f"导出人：{self.made_by} · 导出时间：{self.made_at:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class Chart:
    """A chart with categories and named numeric series (native PPTX chart, plotly on the page)."""

    kind: str  # 'bar', 'stacked', 'line'
    title: str
    categories: list[str]
    series: dict[str, list[float | None]]
    percent: bool = False  # values are percentages (97.9 means 97.9 %)
    counts: bool = False  # values are counts of households or persons (the small-count rule applies)

    def label(self, value: float | None) -> str:
        """A value as printed on its bar: one decimal for percentages, ``fmt.number`` otherwise."""
        if value is None:
            return "—"
        return f"{value:.1f}%" if self.percent else fmt.number(value, 1)

    def __post_init__(self) -> None:
        for name, values in self.series.items():  # a missing value is a gap in the chart, not NaN
            self.series[name] = [None if v is None or missing(v) else float(v) for v in values]


@dataclass(frozen=True)
class Tile:
    """A KPI on a slide: label, value, a note and (for targets) the status shown as a coloured chip."""

    label: str
    value: str
    note: str = ""
    status: str = ""


@dataclass
class Slide:
    key: str
    title: str
    kpis: list[Tile] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # display-ready, Chinese headers
    charts: list[Chart] = field(default_factory=list)
    map_metric: str | None = None  # 'remaining_persons' or 'coverage' — drawn by the renderer
    note: str = ""


Ask = Callable[..., Any]  # ask(function, scope, *args) → function(con, scope, *args), perhaps from a cache


def asking(con: duckdb.DuckDBPyConnection) -> Ask:
    """Ask every question straight over ``con``."""
    return lambda function, scope, *args: function(con, scope, *args)


def asking_with(con: duckdb.DuckDBPyConnection, reports: ReportFrames | None) -> Ask:
    """Ask every question that takes the sector reports straight over ``con`` with ``reports``."""
    return lambda function, scope, *args: function(con, scope, *args, reports=reports)


@dataclass
class Briefing:
    scope: Scope
    scope_label: str
    source: str
    slides: list[Slide]
    appendix: dict[str, pd.DataFrame] = field(default_factory=dict)  # workbook-only sheets

    @property
    def footer(self) -> str:
        return f"数据截至 {fmt.month(self.scope.as_of)} · 范围：{self.scope_label} · 来源：{self.source}"


def _kpi_slide(ask: Ask, scope: Scope, goals: pd.DataFrame) -> Slide:
    cards = kpi_cards(ask(progress_figures, scope), goals, scope.level == "city", scope.as_of)
    slide = Slide("kpi", "一、目标进度总览")
    slide.kpis = [
        Tile(
            c.label,
            f"{c.figure(c.done)} / {c.figure(c.total)}",
            f"阶段目标（{c.stage}）完成 {fmt.percent(c.stage_share)}",
            c.status,
        )
        for c in cards
    ]
    slide.tables["目标进度"] = pd.DataFrame(
        {
            "指标": [c.label for c in cards],
            "已完成": [c.done for c in cards],
            "应完成": [c.total for c in cards],
            "完成率": [round(c.share, 4) for c in cards],
            "阶段目标": [c.stage for c in cards],
            "状态": [c.status for c in cards],
            "判定依据": [c.basis for c in cards],
        }
    )
    slide.charts.append(
        Chart(
            "bar",
            "完成率（%）",
            [c.label for c in cards],
            {"完成率": [round(100 * c.share, 1) for c in cards]},
            percent=True,
        )
    )
    return slide


def _distribution_slide(ask: Ask, scope: Scope, level: str) -> Slide:
    table = ask(area_metrics, scope, level).dropna(subset=["remaining_persons"])
    table = table.sort_values("remaining_persons", ascending=False)
    slide = Slide("distribution", "二、图一 贫困人口分布", map_metric="remaining_persons")
    slide.tables["现存贫困分布"] = pd.DataFrame(
        {
            LEVEL_LABELS[level]: table["area_name"],
            "现存贫困户": table["remaining_households"].astype("int64"),
            "现存贫困人口": table["remaining_persons"].astype("int64"),
            "仍未脱贫比例": table["share_still_poor"].round(4),
        }
    )
    top = table.head(12)
    slide.charts.append(
        Chart(
            "bar",
            "现存贫困人口（人）",
            top["area_name"].tolist(),
            {"现存贫困人口": top["remaining_persons"].astype(float).tolist()},
            counts=True,
        )
    )
    return slide


def _measures_slide(ask: Ask, scope: Scope, level: str) -> Slide:
    coverage = ask(coverage_by_area, scope, level, "any").sort_values("coverage")
    gaps = ask(gap_counts, scope)
    slide = Slide("measures", "三、图二 措施到户覆盖与缺口", map_metric="coverage")
    slide.kpis = [Tile(gap, fmt.count(gaps[gap]) + " 户") for gap in GAP_LABELS.values()]
    slide.tables["措施覆盖"] = pd.DataFrame(
        {
            LEVEL_LABELS[level]: coverage["area_name"],
            "在册户": coverage["households"],
            "已有措施户": coverage["covered"],
            "覆盖率": coverage["coverage"].round(4),
            "未覆盖户": (coverage["households"] - coverage["covered"]).astype("int64"),
        }
    )
    top = coverage.head(12)
    slide.charts.append(
        Chart(
            "bar",
            "措施覆盖率（%，由低到高）",
            top["area_name"].tolist(),
            {"覆盖率": (100 * top["coverage"]).round(1).tolist()},
            percent=True,
        )
    )
    return slide


def _flows_slide(ask: Ask, scope: Scope, level: str) -> Slide:
    flows = ask(flows_by_area, scope, level, scope.as_of, scope.as_of)
    slide = Slide("flows", f"四、图三 本月动态（{fmt.month(scope.as_of)}）")
    shown = pd.DataFrame({LEVEL_LABELS[level]: flows["area_name"]})
    for flow, label in FLOW_LABELS.items():
        shown[f"{label}户数"] = flows[flow].astype("int64")
    slide.tables["本月流量（户）"] = shown
    slide.charts.append(
        Chart(
            "stacked",
            "本月流量（户）",
            flows["area_name"].tolist(),
            {label: flows[flow].astype(float).tolist() for flow, label in FLOW_LABELS.items()},
            counts=True,
        )
    )
    slide.kpis = [Tile(label, fmt.count(flows[flow].sum()), "户") for flow, label in FLOW_LABELS.items()]
    return slide


def _league_slide(ask: Ask, scope: Scope, level: str) -> Slide:
    lists = ask(red_black_lists, scope)
    slide = Slide("league", "五、红榜与黑榜（按综合得分）")

    def shown(table: pd.DataFrame) -> pd.DataFrame:
        return league_rows(table, LEVEL_LABELS[level], with_stock=False)

    slide.tables[f"红榜（前{len(lists.red)}）"] = shown(lists.red)
    slide.tables[f"黑榜（后{len(lists.black)}）"] = shown(lists.black)
    if len(lists.middle):
        slide.tables["居中"] = shown(lists.middle)
    ordered = pd.concat([lists.red, lists.middle, lists.black.iloc[::-1]])
    slide.charts.append(
        Chart("bar", "综合得分", ordered["area_name"].tolist(), {"综合得分": ordered["score"].tolist()})
    )
    slide.note = lists.rule + SCORE_RULE
    return slide


def _warnings_slide(ask_reported: Ask, scope: Scope, level: str) -> Slide:
    rows = ask_reported(behind_with_reports, scope, level)
    slide = Slide("warnings", "六、倒排工期预警")
    slide.tables["滞后单位"] = schedule_rows(rows, LEVEL_LABELS[level])
    open_rows = rows[rows["months_left"] > 0].head(10)
    slide.charts.append(
        Chart(
            "bar",
            "需月均完成与近3月月均（未到期）",
            (open_rows["area_name"] + " " + open_rows["label"]).tolist(),
            {
                "需月均完成": open_rows["required_pace"].round(1).tolist(),
                "近3月月均": open_rows["actual_pace"].round(1).tolist(),
            },
        )
    )
    return slide


def _events_slide(ask: Ask, scope: Scope) -> Slide:
    events = ask(returns_and_new_this_month, scope)
    slide = Slide("events", f"七、本月返贫与新识别（{fmt.month(scope.as_of)}）")
    slide.tables["所在村"] = pd.DataFrame(
        {
            "镇街": events["town_name"],
            "村": events["village_name"],
            "类别": events["event"],
            "户数": events["households"],
        }
    )
    totals = events.groupby("event")["households"].sum()
    slide.kpis = [Tile(label, fmt.count(totals.get(label, 0)), "户") for label in ("返贫", "新识别")]
    return slide


def _changes_slide(ask: Ask, scope: Scope, level: str) -> Slide:
    comparison = ask(month_comparison, scope)
    moves = ask(movers, scope)
    slide = Slide("changes", "八、与上月、去年同月比较")
    slide.tables["同比环比"] = pd.DataFrame(
        {
            "指标": comparison["indicator"],
            "本月": comparison["this_month"],
            "上月": comparison["last_month"],
            "去年同月": comparison["last_year"],
            "较上月": comparison["change_vs_last_month"],
            "较去年同月": comparison["change_vs_last_year"],
        }
    )
    shown = pd.DataFrame(
        {
            LEVEL_LABELS[level]: moves["area_name"],
            "本月名次": moves["rank"],
            "上月名次": moves["rank_before"],
            "名次变化": moves["rank_change"],
            "得分变化": moves["score_change"],
        }
    )
    n = min(3, len(shown) // 2)
    slide.tables["进步最快"] = shown.head(n)
    slide.tables["退步最多"] = shown.tail(n).iloc[::-1]
    key_rows = comparison[comparison["key"].isin(["remaining_persons", "remaining_households"])]
    slide.charts.append(
        Chart(
            "bar",
            "现存贫困：去年同月、上月、本月",
            [COMPARISON_ROWS[k] for k in key_rows["key"]],
            {
                "去年同月": key_rows["last_year"].astype(float).tolist(),
                "上月": key_rows["last_month"].astype(float).tolist(),
                "本月": key_rows["this_month"].astype(float).tolist(),
            },
            counts=True,
        )
    )
    return slide


def closing_owners(con: duckdb.DuckDBPyConnection, scope: Scope, ask: Ask | None = None) -> pd.DataFrame:
    """What is behind and who owns it: red back-scheduling rows at town level, most severe first (longest
    overdue, then the target, then the largest gap), with district and town."""
    rows = (ask or asking(con))(back_schedule, scope, "town")
    rows = rows[rows["rag"] == RAG_RED].sort_values(
        ["deadline", "target", "remaining"], key=_severity_key, ascending=[True, True, False]
    )
    towns = towns_with_districts(con).set_index("town_code")
    town_name, district_name = towns["town_name"], towns["district_name"]
    return pd.DataFrame(
        {
            "区市（主体责任）": rows["area_code"].map(district_name),
            "镇街（直接责任）": rows["area_code"].map(town_name),
            "滞后目标": rows["label"],
            "剩余": rows["remaining"],
            "截止": rows["deadline"].map(fmt.day),
        }
    ).reset_index(drop=True)


def _severity_key(column: pd.Series) -> pd.Series:
    return column.map(TARGET_ORDER) if column.name == "target" else column


def _reporting_slide(con: duckdb.DuckDBPyConnection, scope: Scope, reports: ReportFrames) -> Slide:
    """通报: the units that have not reported (or were late or returned) in each data set's latest due period."""
    units = expected_units(load_catalogue(con), reports, scope)
    due = units[units["timeliness"] != NOT_DUE]
    counts = due["timeliness"].value_counts()
    slide = Slide("reporting", "十、部门报送通报")
    slide.kpis = [
        Tile("应报", fmt.number(len(due)), f"截至 {fmt.day(reports.today)}"),
        *(Tile(label, fmt.number(int(counts.get(label, 0)))) for label in (ON_TIME, LATE, MISSING, RETURNED)),
    ]
    flagged = not_reported(units)
    slide.tables["最近一期未按时报送的单位"] = pd.DataFrame(
        {
            "责任单位": flagged["owner"],
            "数据集": flagged["dataset"],
            "区域": flagged["area_name"],
            "期别": flagged["period_label"],
            "报送情况": flagged["timeliness"],
            "当前状态": flagged["state_label"],
        }
    )
    slide.note = "报送率、及时率按单位和区市见“报送情况”页；截止：月报次月10日、季报季后15日、年报次年1月31日。"
    return slide


def _monitoring_slide(con: duckdb.DuckDBPyConnection, ask: Ask, scope: Scope, level: str, cases: CaseFrames) -> Slide:
    """防返贫监测预警: warnings by tier, the cases' figures, and the areas with the most red warnings and overdue
    cases."""
    figures = case_figures(cases.cases, cases.measures, scope, cases.today)
    flagged = ask(flagged_by_area, scope, level)
    slide = Slide("monitoring", "十一、防返贫监测预警")
    slide.kpis = [
        Tile("红色预警户", fmt.count(int(flagged["red"].sum()))),
        Tile("黄色预警户", fmt.count(int((flagged["flagged"] - flagged["red"]).sum()))),
        Tile("监测帮扶户", fmt.count(figures.monitored), f"有帮扶措施 {fmt.percent(figures.measure_share)}"),
        Tile("待审定案件", fmt.count(figures.open_cases), f"其中逾期 {fmt.count(figures.overdue)}"),
        Tile("线索到审定", fmt.days(figures.median_days_to_decision), "中位数，时限 15 天"),
    ]
    names = area_names(con, level, scope)
    late = overdue_cases(cases.cases, scope, cases.today)
    area_of_case = late["town_code"].str[:6] if level == "district" else late["town_code"]
    table = flagged.assign(
        overdue=flagged["area_code"].map(area_of_case.value_counts()).fillna(0).astype("int64")
        if level in ("district", "town")
        else 0
    ).sort_values(["red", "overdue", "flagged"], ascending=False)
    slide.tables[f"预警户最多的{LEVEL_LABELS[level]}"] = pd.DataFrame(
        {
            LEVEL_LABELS[level]: table["area_code"].map(names).fillna(table["area_code"]),
            "红色预警户": table["red"],
            "预警户": table["flagged"],
            "逾期案件": table["overdue"],
        }
    ).head(10)
    slide.note = (
        f"办理日期 {fmt.day(cases.today)}；红色：医保自付超限、新纳入低保特困、主要劳动力意外；"
        "逾期：立案超过 15 天未审定。"
    )
    return slide


def _chapter_slides(goals: pd.DataFrame) -> list[Slide]:
    """One slide per chapter of the plan with targets behind schedule, with their owners."""
    behind = goals[goals["status"] == BEHIND].assign(chapter_title=goals["chapter"].map(chapter_of))
    order = {title: i for i, title in enumerate(map(chapter_of, CHAPTER_TITLES))}
    slides = []
    for title, rows in sorted(behind.groupby("chapter_title"), key=lambda group: order[str(group[0])]):
        slide = Slide(f"chapter-{title}", f"滞后指标：{title}")
        slide.tables["滞后指标与责任单位"] = goal_rows(rows)[
            ["指标", "责任单位", "当前值", "目标值", "单位", "判定依据"]
        ]
        slides.append(slide)
    return slides


def build_briefing(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    hide_small: bool = False,
    reports: ReportFrames | None = None,
    cases: CaseFrames | None = None,
    ask: Ask | None = None,
    ask_reported: Ask | None = None,
) -> Briefing:
    """All slides for a scope and month; ``hide_small``: the viewer's small-count rule for the slides' texts
    (an argument, so that a cached briefing never carries one viewer's texts to another); ``reports``: the sector
    reports (without them the reported targets are 数据不足 and there is no 通报 slide); ``cases``: the monitoring
    cases (without them no 监测预警 slide); ``ask``: how to ask the analytics questions the pages also ask (the
    dashboard passes its page cache, so a meeting reuses their answers; by default straight over ``con``);
    ``ask_reported``: the same for the questions that take ``reports`` (ask_reported(function, scope, *args) →
    function(con, scope, *args, reports=reports))."""
    with fmt.small_counts_hidden(hide_small):
        return _briefing(con, scope, reports, cases, ask or asking(con), ask_reported or asking_with(con, reports))


def _briefing(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    reports: ReportFrames | None,
    cases: CaseFrames | None,
    ask: Ask,
    ask_reported: Ask,
) -> Briefing:
    level = CHILD_LEVEL[scope.level]
    goals = ask_reported(goal_progress, scope)
    slides = [
        _kpi_slide(ask, scope, goals),
        _distribution_slide(ask, scope, level),
        _measures_slide(ask, scope, level),
        _flows_slide(ask, scope, level),
        _league_slide(ask, scope, level),
        _warnings_slide(ask_reported, scope, level),
        _events_slide(ask, scope),
        _changes_slide(ask, scope, level),
    ]
    closing = Slide("closing", "九、滞后事项与责任单位")
    closing.tables["滞后事项"] = closing_owners(con, scope, ask)
    slides.append(closing)
    if reports is not None:
        slides.append(_reporting_slide(con, scope, reports))
    if cases is not None:
        slides.append(_monitoring_slide(con, ask, scope, level, cases))
    slides += _chapter_slides(goals)
    info = dataset_info(con)
    source = SOURCE_LABELS.get(info.source, info.source)
    return Briefing(scope, scope_label(con, scope), source, slides, {"全部规划指标": goal_rows(goals)})
