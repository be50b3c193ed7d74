"""Sector reporting: the target registry, entry and upload validation, the approval workflow, completeness and the
board's reported values — on the hand-made small roster (3 districts with 1 / 3 / 1 designated villages, 3 weak
towns) with stores written in each test."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook

from access.store import AccessStore
from analytics.completeness import LATE, MISSING, NOT_DUE, ON_TIME, RETURNED, due_soon, expected_units, rates
from analytics.compliance import noncompliant_records, record_rules
from analytics.goals import EVALUATORS, goal_progress
from analytics.judgement import BEHIND, MET, NO_DATA, STATUSES
from analytics.scope import Scope
from reporting.demo import demo_history
from reporting.periods import Period
from reporting.registry import CITY_CODE, Catalogue, load_catalogue
from reporting.service import act, save, unit_of
from reporting.store import STATE_COLUMNS, STEP_COLUMNS, VALUE_COLUMNS, ReportFrames, ReportStore
from reporting.template import read_template, template_bytes
from reporting.validate import Entry, modified_z
from reporting.workflow import Actor
from roster.validate import ERROR, WARNING
from storage.db import first_row
from tests import small_roster
from tests.conftest import PROJECT_DIR

CLOCK = dt.datetime(2017, 10, 5, 9, 0)
Q2, Q3 = Period(dt.date(2017, 4, 1), "季"), Period(dt.date(2017, 7, 1), "季")
PINGDU, LAIXI = "370283", "370285"
REPORTER = Actor("农委平度填报员", "reporter", "agriculture", PINGDU)
CITY_REPORTER = Actor("农委市级填报员", "reporter", "agriculture", "city")
DISTRICT_REVIEWER = Actor("平度审核员", "reviewer", "", PINGDU)
CITY_REVIEWER = Actor("市级审定员", "reviewer", "", "city")


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_roster.build(tmp_path_factory.mktemp("reporting") / "small.duckdb")


@pytest.fixture(scope="module")
def catalogue(roster: Path) -> Catalogue:
    with duckdb.connect(str(roster), read_only=True) as con:
        return load_catalogue(con)


@pytest.fixture
def store(tmp_path: Path) -> ReportStore:
    return ReportStore(tmp_path / "small.reports.duckdb", clock=lambda: CLOCK)


def entries(unit_rows: dict[str, object], area: str = PINGDU, comment: str = "") -> list[Entry]:
    return [Entry(t, area, v, comment, "填报表单", "本期数据", i) for i, (t, v) in enumerate(unit_rows.items(), 1)]


def written(store: ReportStore) -> tuple[int, int]:
    return len(store.values()), len(store.steps())


# --- the registry ----------------------------------------------------------------------------------------
def test_registry_covers_every_target_with_an_owner_and_a_kind(catalogue: Catalogue) -> None:
    plan = pd.read_csv(PROJECT_DIR / "data" / "reference" / "plan_targets.csv")
    registry = pd.read_csv(PROJECT_DIR / "data" / "reference" / "target_registry.csv", keep_default_na=False)
    assert list(registry["id"]) == list(plan["id"]) and len(registry) == 137
    assert set(catalogue.targets) == set(plan["id"])
    for target in catalogue.targets.values():
        assert target.owner and target.owner_code, target.id
        measured = target.kind in ("roster", "village_indicator", "policy_rule")
        assert measured == (target.id in EVALUATORS), target.id
        if target.kind == "reported":
            assert target.level in ("市", "区市", "镇") and target.period in ("月", "季", "年"), target.id
            assert target.reported_as in ("total", "level", "share", "percent"), target.id
        if target.kind == "unmeasurable":
            assert len(target.reason) >= 10, target.id
    kinds = registry["kind"].value_counts()
    assert kinds["reported"] + kinds["roster"] + kinds["village_indicator"] + kinds["policy_rule"] >= 120


# --- entry and upload: validation, one write path ---------------------------------------------------------
@pytest.mark.parametrize(
    ("area", "values", "reason"),
    [
        (PINGDU, {"industry_demo_households": "约三百"}, "不是数字"),
        (PINGDU, {"industry_demo_households": -5}, "不能为负数"),
        (PINGDU, {"industry_demo_households": 12.5}, "须为整数"),
        (PINGDU, {"agri_tech_instructor_per_village": 4}, "不能超过本区域的贫困村数（3）"),
        (CITY_CODE, {"tech_guidance_training_coverage": "101%"}, "百分比不能超过 100"),
    ],
)
def test_entry_rejects_a_malformed_value_and_writes_nothing(
    store: ReportStore, catalogue: Catalogue, area: str, values: dict[str, object], reason: str
) -> None:
    unit = unit_of(catalogue, "agriculture-Q", area, Q3)
    actor = REPORTER if area == PINGDU else CITY_REPORTER
    outcome = save(store, unit, actor, entries({**values}, area))
    assert not outcome.written
    assert [(p.row, p.column, p.reason, p.severity) for p in outcome.problems] == [(1, "本期值", reason, ERROR)]
    assert written(store) == (0, 0)


def test_a_cumulative_figure_may_fall_only_with_a_comment(store: ReportStore, catalogue: Catalogue) -> None:
    q2 = unit_of(catalogue, "agriculture-Q", PINGDU, Q2)
    assert save(store, q2, REPORTER, entries({"industry_demo_households": 300})).written
    q3 = unit_of(catalogue, "agriculture-Q", PINGDU, Q3)
    refused = save(store, q3, REPORTER, entries({"industry_demo_households": 280}))
    assert [p.reason for p in refused.problems] == ["累计数不能小于上期（300）；如确需调减，请在“说明”中写明原因"]
    assert written(store) == (1, 1)
    assert save(store, q3, REPORTER, entries({"industry_demo_households": 280}, comment="核减重复统计的20户")).written
    stored = store.values().set_index("period")
    assert stored.loc[pd.Timestamp(Q3.start), "comment"] == "核减重复统计的20户"


def test_a_part_may_not_exceed_its_whole(store: ReportStore, catalogue: Catalogue) -> None:
    unit = unit_of(catalogue, "health-Y", PINGDU, Period(dt.date(2016, 1, 1), "年"))
    reporter = Actor("卫计平度填报员", "reporter", "health", PINGDU)
    outcome = save(
        store, unit, reporter, entries({"village_clinic_coverage": 2, "tcm_village_clinic_coverage_2020": 3})
    )
    assert [p.reason for p in outcome.problems] == ["不能超过“贫困(经济薄弱)村卫生室覆盖”（2）"]
    assert written(store) == (0, 0)


def test_an_outlier_against_the_units_own_history_is_a_warning(store: ReportStore, catalogue: Catalogue) -> None:
    assert modified_z(10, [1, 2, 2, 3, 100]) is not None and modified_z(5, [2, 2, 2, 2, 2]) is None
    reporter = Actor("扶贫办填报员", "reporter", "poverty_office", "city")
    for month in range(1, 7):
        unit = unit_of(catalogue, "poverty_office-M", CITY_CODE, Period(dt.date(2017, month, 1), "月"))
        assert save(store, unit, reporter, entries({"dispatch_frequency": 1 + month % 2}, CITY_CODE)).written
    unit = unit_of(catalogue, "poverty_office-M", CITY_CODE, Period(dt.date(2017, 7, 1), "月"))
    outcome = save(store, unit, reporter, entries({"dispatch_frequency": 9}, CITY_CODE))
    assert outcome.written and [p.severity for p in outcome.problems] == [WARNING]
    assert "修正 z 分数" in outcome.problems[0].reason


def test_the_template_round_trips_and_a_bad_upload_writes_nothing(store: ReportStore, catalogue: Catalogue) -> None:
    unit = unit_of(catalogue, "agriculture-Q", PINGDU, Q3)
    book = load_workbook(io.BytesIO(template_bytes(catalogue, unit, {}, {})))
    sheet = book["填报"]
    assert [c.value for c in sheet[1]] == ["指标", "区域", "单位", "目标值", "上期值", "本期值", "说明"]
    assert {str(dv.sqref) for dv in sheet.data_validations.dataValidation} >= {"A2:A4", "B2:B4", "F2:F4"}
    for row, value in zip(sheet.iter_rows(min_row=2), (310, 3, 250), strict=True):
        row[5].value = value

    def upload() -> bytes:
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    filled = upload()
    sheet["A3"].value = "不存在的指标"
    sheet["F4"].value = "二百五十"
    found, problems = read_template(upload(), "农委.xlsx", catalogue, unit)
    assert [(p.file, p.sheet, p.row, p.column, p.value) for p in problems] == [
        ("农委.xlsx", "填报", 3, "指标", "不存在的指标")
    ]
    assert [(p.row, p.reason) for p in save(store, unit, REPORTER, found).problems] == [(4, "不是数字")]
    other = unit_of(catalogue, "agriculture-Q", PINGDU, Q2)
    assert "当前选择的是“2017年第2季度”" in read_template(filled, "农委.xlsx", catalogue, other)[1][0].reason
    assert read_template(b"not a workbook", "x.xlsx", catalogue, unit)[1][0].reason.startswith("不是可读取的")
    assert written(store) == (0, 0)
    found, problems = read_template(filled, "农委.xlsx", catalogue, unit)
    assert not problems and save(store, unit, REPORTER, found).saved == 3
    assert sorted(store.values()["value"]) == [3, 250, 310]


# --- the approval workflow -----------------------------------------------------------------------------
def test_the_workflow_runs_with_every_step_audited_and_locks_on_approval(
    store: ReportStore, catalogue: Catalogue
) -> None:
    unit = unit_of(catalogue, "agriculture-Q", PINGDU, Q3)
    full = {"industry_demo_households": 310, "agri_tech_instructor_per_village": 3, "demo_info_service_stations": 250}
    assert save(store, unit, REPORTER, entries({"industry_demo_households": 310})).written
    assert act(store, unit, REPORTER, "submit").refused.startswith("还有 2 项未填写")
    assert save(store, unit, REPORTER, entries(full)).written
    assert not act(store, unit, REPORTER, "submit").refused
    assert act(store, unit, DISTRICT_REVIEWER, "return").refused == "退回时须写明退回原因"
    assert not act(store, unit, DISTRICT_REVIEWER, "return", "示范户数与台账不符").refused
    assert save(store, unit, REPORTER, entries({**full, "industry_demo_households": 305})).written
    assert not act(store, unit, REPORTER, "submit").refused
    assert act(store, unit, CITY_REVIEWER, "approve").refused == "当前状态为“已提交待审核”，须先经区市审核"
    assert not act(store, unit, DISTRICT_REVIEWER, "review").refused
    assert act(store, unit, DISTRICT_REVIEWER, "approve").refused == "审定须由市级审核员进行"
    assert not act(store, unit, CITY_REVIEWER, "approve").refused
    locked = "本期数据已审定并锁定，不能再修改或退回"
    assert save(store, unit, REPORTER, entries(full)).refused == locked
    assert act(store, unit, CITY_REVIEWER, "return", "再核").refused == locked

    steps = store.steps(unit.key).sort_values("step_id")
    assert list(
        zip(steps["action"], steps["from_state"].fillna(""), steps["to_state"], steps["actor"], strict=True)
    ) == [
        ("save", "", "draft", REPORTER.name),
        ("save", "draft", "draft", REPORTER.name),
        ("submit", "draft", "submitted", REPORTER.name),
        ("return", "submitted", "returned", DISTRICT_REVIEWER.name),
        ("save", "returned", "draft", REPORTER.name),
        ("submit", "draft", "submitted", REPORTER.name),
        ("review", "submitted", "reviewed", DISTRICT_REVIEWER.name),
        ("approve", "reviewed", "approved", CITY_REVIEWER.name),
    ]
    assert steps["done_at"].eq(pd.Timestamp(CLOCK)).all()
    assert steps["comment"].iloc[3] == "示范户数与台账不符"
    correction = json.loads(steps["changes"].iloc[4])
    assert correction == [{"target": "industry_demo_households", "area": PINGDU, "before": 310.0, "after": 305.0}]
    state = store.states().iloc[0]
    assert (state["state"], state["submitted_at"]) == ("approved", pd.Timestamp(CLOCK))


@pytest.mark.parametrize(
    ("actor", "action", "area", "period", "reason"),
    [
        (
            Actor("林业填报员", "reporter", "forestry", PINGDU),
            "save",
            PINGDU,
            Q3,
            "只有本数据集责任单位的填报员可以填报和提交",
        ),
        (REPORTER, "save", LAIXI, Q3, "只能填报本账号所属区域的数据"),
        (REPORTER, "save", PINGDU, Period(dt.date(2017, 10, 1), "季"), "本期到 2017年12月31日 才结束，结束后才能填报"),
        (Actor("查看者", "viewer", "", "city"), "review", PINGDU, Q3, "只有审核员可以审核、审定或退回"),
        (Actor("莱西审核员", "reviewer", "", LAIXI), "review", PINGDU, Q3, "只能审核本区市的数据"),
        (CITY_REVIEWER, "review", CITY_CODE, Q3, "全市数据没有区市审核环节，由市级直接审定"),
        (DISTRICT_REVIEWER, "review", PINGDU, Q3, "当前状态为“未填报”，只有已提交的数据可以审核"),
    ],
)
def test_illegal_steps_are_refused_with_a_reason(
    store: ReportStore, catalogue: Catalogue, actor: Actor, action: str, area: str, period: Period, reason: str
) -> None:
    unit = unit_of(catalogue, "agriculture-Q", area, period)
    outcome = (
        save(store, unit, actor, entries({"industry_demo_households": 1}, area))
        if action == "save"
        else act(store, unit, actor, action)
    )
    assert outcome.refused == reason
    assert written(store) == (0, 0)


# --- completeness ----------------------------------------------------------------------------------------
def test_completeness_on_a_hand_made_history(catalogue: Catalogue) -> None:
    def state(dataset: str, area: str, month: int, value: str, submitted: dt.datetime | None) -> tuple[object, ...]:
        return (dataset, area, dt.date(2016, month, 1), value, "x", submitted or CLOCK, submitted, "")

    states = pd.DataFrame(
        [
            state("poverty_office-M", CITY_CODE, 1, "approved", dt.datetime(2016, 2, 5)),  # due 2016-02-10
            state("poverty_office-M", CITY_CODE, 2, "submitted", dt.datetime(2016, 3, 15)),  # due 03-10: late
            state("construction-M", PINGDU, 1, "returned", dt.datetime(2016, 2, 1)),
            state("construction-M", PINGDU, 3, "draft", None),
        ],
        columns=STATE_COLUMNS,
    )
    frames = ReportFrames(pd.DataFrame(columns=VALUE_COLUMNS), states, dt.date(2016, 4, 5))
    units = expected_units(catalogue, frames, Scope(small_roster.AS_OF), "月")
    office = units[units["dataset_id"] == "poverty_office-M"].set_index("period_label")["timeliness"]
    assert office.to_dict() == {"2016年01月": ON_TIME, "2016年02月": LATE, "2016年03月": NOT_DUE}
    pingdu = units[(units["dataset_id"] == "construction-M") & (units["area_code"] == PINGDU)]
    assert pingdu.set_index("period_label")["timeliness"].to_dict() == {
        "2016年01月": RETURNED,
        "2016年02月": MISSING,
        "2016年03月": NOT_DUE,
    }
    # 3 monthly data sets: the office and 人社 (city), construction in 3 districts: 5 units × 3 months
    assert len(units) == 15
    soon = due_soon(units, frames.today)
    assert set(soon["period_label"]) == {"2016年03月"} and len(soon) == 5
    by_unit = rates(units, "owner").set_index("owner")
    assert by_unit.loc["市扶贫开发领导小组办公室", ["expected", ON_TIME, LATE]].tolist() == [2, 1, 1]
    assert by_unit.loc["市扶贫开发领导小组办公室", "reporting_rate"] == 1.0
    assert by_unit.loc["市城乡建设委员会", ["expected", RETURNED, MISSING, "reporting_rate"]].tolist() == [6, 1, 5, 0.0]
    district = expected_units(catalogue, frames, Scope(small_roster.AS_OF, district=PINGDU), "月")
    assert set(district["area_code"]) == {PINGDU}


# --- the board ---------------------------------------------------------------------------------------------
def approved_history(
    values: list[tuple[str, str, Period, float]], pending: list[tuple[str, str, Period]]
) -> ReportFrames:
    """Values with their units approved, except the ``pending`` (dataset, area, period) units (submitted)."""
    frame = pd.DataFrame([(t, a, p.start, v, "", "x", CLOCK) for t, a, p, v in values], columns=VALUE_COLUMNS)
    units = {("agriculture-Q", a if len(a) == 6 else a[:6], p.start) for _, a, p, _ in values}
    states = pd.DataFrame(
        [
            (
                d,
                a,
                p,
                "submitted" if (d, a, p) in {(x, y, z.start) for x, y, z in pending} else "approved",
                "x",
                CLOCK,
                CLOCK,
                "",
            )
            for d, a, p in sorted(units)
        ],
        columns=STATE_COLUMNS,
    )
    return ReportFrames(frame, states, CLOCK.date())


def test_the_goal_table_shows_the_stored_approved_values(roster: Path) -> None:
    values = [
        ("industry_demo_households", "370281", Q2, 120.0),
        ("industry_demo_households", PINGDU, Q2, 300.0),
        ("industry_demo_households", LAIXI, Q2, 80.0),
        ("industry_demo_households", "370281", Q3, 130.0),
        ("industry_demo_households", PINGDU, Q3, 320.0),
        ("industry_demo_households", LAIXI, Q3, 90.0),  # Q3 of 莱西 not approved: the city stays at Q2
        ("agri_tech_instructor_per_village", "370281", Q2, 1.0),
        ("agri_tech_instructor_per_village", PINGDU, Q2, 2.0),
        ("agri_tech_instructor_per_village", LAIXI, Q2, 1.0),
        ("high_standard_farmland_2018", CITY_CODE, Q2, 92.5),
    ]
    frames = approved_history(values, [("agriculture-Q", LAIXI, Q3)])
    with duckdb.connect(str(roster), read_only=True) as con:
        city = goal_progress(con, Scope(small_roster.AS_OF), frames).set_index("target_id")
        pingdu = goal_progress(con, Scope(small_roster.AS_OF, district=PINGDU), frames).set_index("target_id")
    assert city.loc["industry_demo_households", ["value", "target", "unit"]].tolist() == [500.0, 1000.0, "名"]
    assert city.loc["industry_demo_households", "source"] == "市农业委员会报送（2017年第2季度，已审定）"
    assert city.loc["industry_demo_households", "series"] == [500.0]
    assert pingdu.loc["industry_demo_households", ["value", "judged_at"]].tolist() == [320.0, Q3.start]
    assert pingdu.loc["industry_demo_households", "series"] == [300.0, 320.0]
    # 4 of the 5 designated villages (1 + 3 + 1) have an instructor; a standing obligation not kept
    assert city.loc["agri_tech_instructor_per_village", ["value", "target", "unit", "status"]].tolist() == [
        80.0,
        100.0,
        "%",
        BEHIND,
    ]
    assert city.loc["agri_tech_instructor_per_village", "note"] == "4 / 5 个村"
    assert city.loc["high_standard_farmland_2018", "value"] == 92.5
    assert pingdu.loc["high_standard_farmland_2018", "status"] == NO_DATA
    assert city.loc["afforestation_2020", ["status", "basis"]].tolist() == [NO_DATA, "尚无审定的报送数据"]


def test_every_target_has_a_status_or_a_stated_reason_on_the_demo(demo: duckdb.DuckDBPyConnection) -> None:
    values, states, steps, meta = demo_history(demo)
    goals = goal_progress(
        demo, Scope(dt.date(2017, 9, 1)), ReportFrames(values, states, dt.date.fromisoformat(meta["clock"]))
    )
    assert len(goals) == 137 and goals["status"].isin(STATUSES).all() and goals["basis"].str.len().gt(0).all()
    reported = goals[goals["kind"] == "reported"]
    assert reported["value"].notna().sum() >= 85
    assert reported["owner"].str.len().gt(0).all()
    by_id = goals.set_index("target_id")
    assert by_id.loc["afforestation_2020", "status"] == BEHIND
    assert by_id.loc["rural_tourism_demo_villages", "basis"].startswith("逾期未报或未审定")
    assert by_id.loc["dispatch_frequency", "status"] == MET
    assert (goals["status"] != NO_DATA).sum() + (goals["kind"] != "unmeasurable").sum() > 0


def test_the_demo_history_is_deterministic_and_behaves_as_documented(demo: duckdb.DuckDBPyConnection) -> None:
    first, second = demo_history(demo), demo_history(demo)
    for a, b in zip(first[:3], second[:3], strict=True):
        pd.testing.assert_frame_equal(a, b)
    values, states, steps, meta = first
    assert meta["clock"] == "2017-10-05" and meta["source"] == "synthetic"
    assert set(steps.columns) == set(STEP_COLUMNS)
    assert (pd.to_datetime(steps["done_at"]).dt.date < dt.date(2017, 10, 5)).all()
    tourism = states[states["dataset_id"].str.startswith("tourism")]
    assert pd.to_datetime(tourism["period"]).max() < pd.Timestamp("2017-01-01")
    assert steps["action"].eq("return").sum() > 0
    assert set(states["state"]) >= {"approved", "submitted"}


def test_an_accounts_file_from_before_reporting_gains_the_new_roles(tmp_path: Path) -> None:
    path = tmp_path / "old.access.sqlite"
    with sqlite3.connect(path) as con:
        con.executescript(
            """CREATE TABLE account (name TEXT PRIMARY KEY, role TEXT NOT NULL CHECK (role IN ('admin', 'analyst',
            'viewer')), area TEXT NOT NULL, pii INTEGER NOT NULL DEFAULT 0, demo INTEGER NOT NULL DEFAULT 0,
            disabled INTEGER NOT NULL DEFAULT 0, password_hash TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT, created_at TEXT NOT NULL);
            INSERT INTO account (name, role, area, password_hash, created_at)
            VALUES ('老账号', 'analyst', 'city', 'x', 'then');"""
        )
    store = AccessStore(path)
    store.add_user("农委填报员", "reporter", PINGDU, "a-long-password", unit="agriculture")
    users = store.users().set_index("name")
    assert users.loc["老账号", ["role", "unit"]].tolist() == ["analyst", ""]
    assert store.user("农委填报员").actor() == Actor("农委填报员", "reporter", "agriculture", PINGDU)  # type: ignore[union-attr]


def test_targets_newly_measured_from_the_roster_match_an_independent_count(demo: duckdb.DuckDBPyConnection) -> None:
    """The 4 targets the roster could measure but listed as unmeasurable: recomputed in pandas from raw tables."""
    as_of = dt.date(2017, 9, 1)
    goals = goal_progress(demo, Scope(as_of)).set_index("target_id")
    villages = demo.execute("SELECT village_code, designation FROM village WHERE designation IS NOT NULL").df()
    indicators = demo.execute("SELECT * FROM village_indicator").df()
    latest = indicators[indicators["year"] <= as_of.year].sort_values("year").groupby("village_code").tail(1)
    flags = villages.merge(latest, on="village_code", how="left").fillna(False)
    for target, flag in (
        ("village_cultural_facilities_2018", "proj_culture_square"),
        ("grid_upgrade_villages", "proj_electricity"),
    ):
        assert goals.loc[target, ["value", "target"]].tolist() == [flags[flag].sum(), len(villages)], target
    for target, designation in (
        ("water_safety_prov_villages_2017", "provincial_poor"),
        ("water_safety_muni_villages_2017", "municipal_weak"),
    ):
        done = flags[(flags["designation"] == designation) & flags["proj_drinking_water"].astype(bool)]
        assert goals.loc[target, "value"] == len(done), target

    events = demo.execute("SELECT household_id, person_id, event_type, event_month FROM status_event").df()
    events["event_month"] = pd.to_datetime(events["event_month"]).dt.date
    seen = events[events["person_id"].isna() & (events["event_month"] <= as_of)]
    active = set(seen["household_id"]) - set(seen.loc[seen["event_type"] == "removed", "household_id"])
    gone = set(
        events.loc[
            events["person_id"].notna() & (events["event_type"] == "removed") & (events["event_month"] <= as_of),
            "person_id",
        ]
    )
    persons = demo.execute("SELECT person_id, household_id, birth_date, joined_month FROM person").df()
    joined = pd.to_datetime(persons["joined_month"]).dt.date
    eligible = persons[
        persons["household_id"].isin(active)
        & ~persons["person_id"].isin(gone)
        & (joined.isna() | (joined <= as_of))
        & (pd.to_datetime(persons["birth_date"]).dt.date <= dt.date(1981, 12, 31))
    ]
    checked = demo.execute(
        "SELECT DISTINCT person_id FROM measure WHERE measure_code = 'health_checkup_35plus' AND start_month <= ?",
        [as_of],
    ).df()
    meets = eligible["person_id"].isin(set(checked["person_id"])).sum()
    assert goals.loc["health_check_min_age", ["value", "target", "unit"]].tolist() == [meets, len(eligible), "人"]


def test_policy_standards_list_the_records_that_break_them(tmp_path: Path) -> None:
    path = small_roster.build(tmp_path / "rules.duckdb")
    with duckdb.connect(str(path)) as con:
        household, person = first_row(con.execute("SELECT household_id, person_id FROM person ORDER BY 1 LIMIT 1"))
        # (id, code, start, end, yuan): 600 元 × 3 months keeps 500 元/月, 400 × 2 does not; a 6-万元 loan breaks 5 万元
        rows = [
            (9001, "pwj_post", "2017-01-01", "2017-03-01", 1800),
            (9002, "pwj_post", "2017-04-01", "2017-05-01", 800),
            (9003, "fin_fumin_loan", "2017-02-01", "2017-02-01", 60000),
            (9004, "fin_fumin_loan", "2017-03-01", "2017-03-01", 50000),
        ]
        for measure_id, code, start, end, yuan in rows:
            con.execute(
                "INSERT INTO measure SELECT ?, ?, ?, category_code, measure_code, ?, ?, ?, 'test' FROM measure_type"
                " WHERE measure_code = ?",
                [measure_id, household, person, start, end, yuan, code],
            )
    with duckdb.connect(str(path), read_only=True) as con:
        scope = Scope(small_roster.AS_OF)
        assert set(record_rules()) == {"public_welfare_job_subsidy", "fumin_loan_cap", "pv_income_per_household"}
        count, records = noncompliant_records(con, scope, "public_welfare_job_subsidy")
        assert count == 1 and records[["amount_yuan", "annualised"]].astype(float).values.tolist() == [[800.0, 4800.0]]
        count, records = noncompliant_records(con, scope, "fumin_loan_cap")
        assert count == 1 and records["amount_yuan"].astype(float).tolist() == [60000.0]
        goals = goal_progress(con, scope).set_index("target_id")
        assert goals.loc["public_welfare_job_subsidy", ["value", "target", "status"]].tolist() == [1.0, 2.0, BEHIND]
        assert goals.loc["fumin_loan_cap", ["value", "target"]].tolist() == [1.0, 2.0]
