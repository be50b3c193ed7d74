"""The monitoring case workflow: order, required fields, who may act where, the 15-day time limit and the
conditions of 风险消除 — each refusal says why and writes nothing; every permitted step is appended."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analytics.monitoring.figures import case_figures, opened_and_closed_by_month, overdue_cases
from analytics.scope import Scope
from cases.service import act
from cases.store import CaseStore
from cases.workflow import Household, Staff, Step, overdue

TOWN = "370283108"
MONITOR = Staff("镇专干", "monitor", TOWN)
OTHER_TOWN = Staff("外镇专干", "monitor", "370283109")
REVIEWER = Staff("平度审核", "reviewer", "370283")
CITY = Staff("市审核", "reviewer", "city")
READY = Household("H1", TOWN, income_above_line=True, months_without_warning=8, has_working_age_labour=True)


class Clock:
    def __init__(self) -> None:
        self.day = dt.date(2017, 3, 1)

    def __call__(self) -> dt.date:
        return self.day


@pytest.fixture
def store(tmp_path: Path) -> tuple[CaseStore, Clock]:
    clock = Clock()
    return CaseStore(tmp_path / "x.monitoring.duckdb", clock), clock


def through_decision(store: CaseStore, clock: Clock, household: Household = READY) -> None:
    assert act(store, MONITOR, Step("open"), household, "本年住院自付累计≥5,000元").case_id == 1
    assert not act(store, MONITOR, Step("verify", finding="住院花费大，收入骤降"), household).refused
    start = clock.day
    clock.day += dt.timedelta(days=6)
    assert not act(store, MONITOR, Step("publicise", start=start, end=start + dt.timedelta(days=5)), household).refused
    assert not act(store, MONITOR, Step("town_review"), household).refused
    assert not act(store, REVIEWER, Step("decide", object_type="脱贫不稳定户"), household).refused


def test_a_case_runs_from_clue_to_risk_elimination_with_every_step_appended(store) -> None:
    cases, clock = store
    through_decision(cases, clock)
    assert not act(cases, MONITOR, Step("assign", measures=("ma_low_income",)), READY).refused
    clock.day = dt.date(2017, 9, 10)
    assert not act(cases, REVIEWER, Step("eliminate", secured=True), READY).refused
    case = cases.cases().iloc[0]
    assert (case["state"], case["object_type"], str(case["decided"])[:10]) == (
        "eliminated",
        "脱贫不稳定户",
        "2017-03-07",
    )
    assert case["deadline"].date() == dt.date(2017, 3, 16) and case["closed"].date() == dt.date(2017, 9, 10)
    steps = cases.steps().sort_values("step_id")
    assert steps["action"].tolist() == ["open", "verify", "publicise", "town_review", "decide", "assign", "eliminate"]
    assert steps["actor"].tolist() == ["镇专干"] * 4 + ["平度审核", "镇专干", "平度审核"]
    assert "住院花费大" in steps["fields"].iloc[1]
    assert cases.measures()["measure_code"].tolist() == ["ma_low_income"]


def test_steps_out_of_order_or_without_their_fields_are_refused_and_write_nothing(store) -> None:
    cases, clock = store
    assert act(cases, MONITOR, Step("verify", finding="已核实"), READY).refused == "该户还没有监测案件，请先立案核实"
    act(cases, MONITOR, Step("open"), READY, "线索")
    before = len(cases.steps())
    refusals = [
        (MONITOR, Step("publicise", start=clock.day, end=clock.day), "案件当前为“待入户核实”，不能办理“村评议公示”"),
        (MONITOR, Step("verify", finding="无"), "请填写核实结论（至少 4 个字）"),
        (MONITOR, Step("open"), "该户已有未办结的监测案件"),
        (OTHER_TOWN, Step("verify", finding="已入户核实"), "“入户核实”由农户所在镇（区市）的监测人员办理"),
        (REVIEWER, Step("verify", finding="已入户核实"), "“入户核实”由农户所在镇（区市）的监测人员办理"),
        (CITY, Step("decide", object_type="脱贫不稳定户"), "“区市审定”由农户所在区市的审核员办理"),
    ]
    for staff, step, reason in refusals:
        assert act(cases, staff, step, READY).refused == reason
    act(cases, MONITOR, Step("verify", finding="已入户核实"), READY)
    short = Step("publicise", start=clock.day, end=clock.day + dt.timedelta(days=4))
    assert act(cases, MONITOR, short, READY).refused == "公示期不少于 5 天（03月01日至03月05日不足）"
    future = Step("publicise", start=clock.day, end=clock.day + dt.timedelta(days=5))
    assert act(cases, MONITOR, future, READY).refused == "公示到 2017年03月06日 才结束，结束后才能提交"
    assert len(cases.steps()) == before + 1


def test_decision_needs_an_object_type_and_a_refusal_closes_the_case(store) -> None:
    cases, clock = store
    through_decision(cases, clock, replace(READY, household_id="H2"))  # another household's case runs alongside
    act(cases, MONITOR, Step("open"), READY, "线索")
    act(cases, MONITOR, Step("verify", finding="经核实收入稳定"), READY)
    assert act(cases, MONITOR, Step("town_review"), READY).refused.startswith("案件当前为“村评议公示”")
    act(cases, MONITOR, Step("publicise", start=dt.date(2017, 3, 1), end=dt.date(2017, 3, 6)), READY)
    act(cases, MONITOR, Step("town_review"), READY)
    assert act(cases, REVIEWER, Step("decide"), READY).refused == "纳入监测须选择监测对象类型"
    assert not act(cases, REVIEWER, Step("decide", eligible=False), READY).refused
    closed = cases.cases().set_index("household_id").loc["H1"]
    assert (closed["state"], closed["close_reason"]) == ("rejected", "核实、审核或审定不予纳入")
    assert act(cases, MONITOR, Step("open"), READY, "新线索").case_id == 3  # a closed case lets a new one open


def test_risk_elimination_is_refused_until_every_condition_holds(store) -> None:
    cases, clock = store
    through_decision(cases, clock)
    clock.day = dt.date(2017, 9, 10)
    conditions = [
        (
            replace(READY, has_working_age_labour=False),
            "家中无劳动年龄内有劳动能力的成员：不得标注风险消除，继续落实帮扶",
        ),
        (READY, "尚未落实任何帮扶措施"),
    ]
    for household, reason in conditions:
        assert act(cases, REVIEWER, Step("eliminate", secured=True), household).refused == reason
    act(cases, MONITOR, Step("assign", measures=("ss_dibao",)), READY)
    clock.day = dt.date(2017, 8, 31)
    assert act(cases, REVIEWER, Step("eliminate", secured=True), READY).refused == "纳入监测仅 5 个月，须满 6 个月"
    clock.day = dt.date(2017, 9, 10)
    low = replace(READY, income_above_line=False)
    assert act(cases, REVIEWER, Step("eliminate", secured=True), low).refused == "上年人均纯收入未稳定高于监测线"
    warned = replace(READY, months_without_warning=2)
    expected = "近 6 个月内仍有预警（已连续 2 个月无预警）"
    assert act(cases, REVIEWER, Step("eliminate", secured=True), warned).refused == expected
    unconfirmed = act(cases, REVIEWER, Step("eliminate"), READY).refused
    assert unconfirmed == "须确认义务教育、基本医疗、住房安全和饮水安全均有保障"
    assert cases.cases().iloc[0]["state"] == "monitored"


def test_an_undecided_case_is_overdue_after_fifteen_days() -> None:
    deadline = dt.date(2017, 3, 16)
    assert not overdue("verifying", deadline, deadline)
    assert overdue("verifying", deadline, deadline + dt.timedelta(days=1))
    assert overdue("deciding", deadline, dt.date(2017, 4, 1))
    assert not overdue("monitored", deadline, dt.date(2017, 4, 1))


def test_case_figures_on_a_hand_made_history(store) -> None:
    """Three households: one monitored with a measure (decided after 6 days), one refused at the visit, one still
    waiting for its visit 20 days after it was opened (overdue); counted by hand."""
    cases, clock = store
    through_decision(cases, clock)  # opened 03-01, decided 03-07
    act(cases, MONITOR, Step("assign", measures=("ss_dibao",)), READY)
    other = replace(READY, household_id="H2")
    act(cases, MONITOR, Step("open"), other, "线索")
    act(cases, MONITOR, Step("verify", finding="经核实收入稳定", eligible=False), other)
    late = replace(READY, household_id="H3", town_code="370283109")
    assert not act(cases, Staff("平度专干", "monitor", "370283"), Step("open"), late, "线索").refused
    clock.day += dt.timedelta(days=20)
    frames = cases.frames()
    city = case_figures(frames.cases, frames.measures, Scope(clock.day), frames.today)
    assert (city.monitored, city.with_measure, city.rejected, city.open_cases, city.overdue) == (1, 1, 1, 1, 1)
    assert city.median_days_to_decision == 6 and city.measure_share == 1.0
    town = case_figures(frames.cases, frames.measures, Scope(clock.day, "370283", "370283109"), frames.today)
    assert (town.monitored, town.open_cases, town.overdue) == (0, 1, 1)
    assert overdue_cases(frames.cases, Scope(clock.day), frames.today)["days_overdue"].tolist() == [5]
    monthly = opened_and_closed_by_month(frames.cases, Scope(clock.day))
    assert monthly.to_dict("records") == [{"month": pd.Timestamp("2017-03-01"), "opened": 3, "closed": 1}]
