"""Goal progress, flows, back-scheduling and the league table against the plain-Python oracle."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import fmt
from analytics.dynamics import stock_flow_breaks, stock_flow_table
from analytics.goals import BEHIND, MET, NO_DATA, goal_progress
from analytics.league import league_table
from analytics.progress import progress_figures, remaining_curve
from analytics.schedule import back_schedule
from analytics.scope import Scope
from storage.months import months_between
from tests import small_roster as sr
from tests.conftest import PROJECT_DIR

MONTHS = [
    dt.date(2016, 1, 1),
    dt.date(2016, 6, 1),
    dt.date(2016, 12, 1),
    dt.date(2017, 2, 1),
    dt.date(2017, 6, 1),
    sr.AS_OF,
]
AREAS = [(None, None), (sr.PINGDU, None), (sr.LAIXI, None), (sr.PINGDU, "370283109"), (sr.JIAOZHOU, None)]


@pytest.mark.parametrize("month", MONTHS)
@pytest.mark.parametrize("district, town", AREAS)
def test_progress_figures_match_the_oracle(small, month, district, town) -> None:
    figures = dataclasses.asdict(progress_figures(small, Scope(month, district, town)))
    expected = sr.expected_figures(month, district, town) | sr.expected_places(month, district, town)
    assert {k: figures[k] for k in expected} == expected


def test_the_fixture_covers_the_edge_cases(small) -> None:
    city = sr.expected_figures(sr.AS_OF)
    assert city["returned_households"] > 0 and city["removed_households"] > 0 and city["new_households"] > 0
    assert sr.expected_figures(sr.AS_OF, sr.JIAOZHOU)["baseline_households"] == 0
    assert any(p.left for hh in sr.households() for p in hh.persons)
    assert any(p.joined for hh in sr.households() for p in hh.persons)


@pytest.mark.parametrize("district", [sr.PINGDU, sr.LAIXI])
def test_monthly_flows_match_the_oracle(small, district) -> None:
    table = stock_flow_table(small, Scope(sr.AS_OF), "district")
    table = table[table["area_code"] == district]
    for month in months_between(dt.date(2016, 1, 1), sr.AS_OF):
        expected = sr.expected_flows(month, district)
        rows = table[table["month"].dt.date == month].set_index("unit")
        for unit, values in expected.items():
            got = tuple(
                int(rows.loc[unit, c]) for c in ("opening", "new", "returned", "born", "exited", "removed", "closing")
            )
            assert got == values, (month, unit)
    assert stock_flow_breaks(small, Scope(sr.AS_OF), "district").empty


def test_births_are_natural_increase_not_new_persons(small) -> None:
    """Issue 17 §1: a child born into a poor household is 自然增加, a flow of its own; an adult joining is 新识别."""
    table = stock_flow_table(small, Scope(sr.AS_OF), None)
    persons = table[table["unit"] == "persons"].set_index(table.loc[table["unit"] == "persons", "month"].dt.date)
    births = sum(p.joined == sr.m("2017-03") and p.is_birth() for hh in sr.households() for p in hh.persons)
    assert births > 0
    assert int(persons.loc[dt.date(2017, 3, 1), "born"]) == births


def _expected_schedule_row(total: int, done_now: int, done_before: int, deadline: dt.date, batch: bool = False) -> dict:
    remaining = total - done_now
    left = (deadline.year * 12 + deadline.month) - (sr.AS_OF.year * 12 + sr.AS_OF.month)
    actual = (done_now - done_before) / 3
    required = remaining / left if left > 0 else None
    if remaining == 0:
        rag = "已完成"
    elif batch and left > 0:
        rag = "待验收"  # weak towns are assessed one by one: no monthly pace before the deadline month
    elif left <= 0 or actual == 0 or required > 1.5 * actual:
        rag = "红"
    elif required > actual:
        rag = "黄"
    else:
        rag = "绿"
    return {"remaining": remaining, "months_left": left, "required_pace": required, "actual_pace": actual, "rag": rag}


def test_back_schedule_matches_hand_formulas(small) -> None:
    rows = back_schedule(small, Scope(sr.AS_OF), "district").set_index(["area_code", "target"])
    before_month = dt.date(2017, 6, 1)
    for district in (sr.PINGDU, sr.LAIXI):
        now, before = sr.expected_figures(sr.AS_OF, district), sr.expected_figures(before_month, district)
        places_now, places_before = sr.expected_places(sr.AS_OF, district), sr.expected_places(before_month, district)
        checks = {
            "households": (
                now["baseline_exited_households"] + now["baseline_remaining_households"],
                now["baseline_exited_households"],
                before["baseline_exited_households"],
                dt.date(2016, 12, 31),
            ),
            "provincial_villages": (
                places_now["provincial_villages_total"],
                places_now["provincial_villages_exited"],
                places_before["provincial_villages_exited"],
                dt.date(2017, 12, 31),
                True,  # villages exit in the annual verification: a batch target
            ),
            "weak_towns": (
                places_now["weak_towns_total"],
                places_now["weak_towns_exited"],
                places_before["weak_towns_exited"],
                dt.date(2017, 12, 31),
                True,
            ),
        }
        for target, args in checks.items():
            if args[0] == 0:
                assert (district, target) not in rows.index
                continue
            expected = _expected_schedule_row(*args)
            row = rows.loc[(district, target)]
            for key, value in expected.items():
                if value is None:
                    assert row[key] is None or math.isnan(row[key])
                else:
                    assert row[key] == pytest.approx(value), (district, target, key)


def test_back_schedule_of_the_empty_district_has_only_its_village(small) -> None:
    rows = back_schedule(small, Scope(sr.AS_OF, sr.JIAOZHOU))
    assert list(rows["target"]) == ["weak_villages"]
    assert rows.iloc[0]["rag"] == "待验收"  # villages are verified at the year's end: no monthly pace before it
    assert rows.iloc[0]["projected_month"] is None
    after_deadline = back_schedule(small, Scope(dt.date(2018, 1, 1), sr.JIAOZHOU))
    assert after_deadline.iloc[0]["rag"] == "红"  # the deadline passed unmet


def test_league_table_exit_rates(small) -> None:
    table = league_table(small, Scope(sr.AS_OF)).set_index("area_code")
    for district in (sr.PINGDU, sr.LAIXI):
        f = sr.expected_figures(sr.AS_OF, district)
        task = f["baseline_exited_households"] + f["baseline_remaining_households"]
        assert table.loc[district, "exit_rate"] == pytest.approx(f["baseline_exited_households"] / task)
        assert table.loc[district, "returns_per_1000"] == pytest.approx(
            1000 * f["returned_households"] / f["baseline_households"]
        )
    assert sr.JIAOZHOU not in table.index
    assert list(table["rank"]) == [1, 2]
    assert table["exit_rate"].is_monotonic_decreasing


def test_goal_statuses(small) -> None:
    goals = goal_progress(small, Scope(sr.AS_OF)).set_index("target_id")
    # Households still poor at 2016-12 → the 2016 stage goal was missed.
    assert goals.loc["exit_households_2016", "status"] == BEHIND
    assert goals.loc["exit_households_2016", "judged_at"] == dt.date(2016, 12, 1)
    at_deadline = sr.expected_figures(dt.date(2016, 12, 1))
    assert goals.loc["exit_households_2016", "value"] == at_deadline["baseline_exited_households"]
    # Only 1 provincial village against the city-wide 51: behind; a district is not given the city figure.
    assert goals.loc["prov_poor_villages_exit_2016", "status"] == BEHIND
    district_goals = goal_progress(small, Scope(sr.AS_OF, sr.PINGDU)).set_index("target_id")
    assert district_goals.loc["prov_poor_villages_exit_2016", "status"] == NO_DATA
    # The unmeasurable ones are listed, each with its own reason; reported ones without reports say so.
    unmeasurable = goals[~goals["measurable"]]
    assert len(unmeasurable) == 15 and (unmeasurable["status"] == NO_DATA).all()
    assert unmeasurable["basis"].nunique() == 15
    reported = goals[goals["kind"] == "reported"]
    assert len(reported) == 89 and (reported["basis"] == "尚无审定的报送数据").all()
    assert set(goals["status"]) <= {MET, "进度正常", BEHIND, NO_DATA}


def test_goal_status_is_earned_by_pace(small) -> None:
    goals = goal_progress(small, Scope(sr.AS_OF)).set_index("target_id")
    # 应保尽保 is a standing obligation: 6 of 10 低保 households covered at the as-of month is behind now.
    assert goals.loc["dibao_coverage", ["value", "target", "status"]].tolist() == [6.0, 10.0, BEHIND]
    # A deadline ahead does not make a target on track: no collective income reached, no progress in three months.
    assert goals.loc["village_collective_income", "status"] == BEHIND
    before = goal_progress(small, Scope(dt.date(2017, 6, 1))).set_index("target_id")
    for target in ("income_project_per_household", "village_eight_projects_2018"):
        now, then = goals.loc[target], before.loc[target]
        required = (1 - now["value"] / now["target"]) / ((now["deadline"].year - 2017) * 12 + now["deadline"].month - 9)
        actual = (now["value"] / now["target"] - then["value"] / then["target"]) / 3
        assert now["status"] == ("进度正常" if actual >= required else BEHIND), target
    # The roster holds only registered households, not the plan's 6,000 rural houses: 市城乡建设委员会 reports them.
    assert goals.loc["dilapidated_housing_2016", ["kind", "status"]].tolist() == ["reported", NO_DATA]
    # Weak towns exit in one assessment each: before the deadline month there is no monthly pace to judge.
    assert goals.loc["weak_towns_exit_2017", "status"] == NO_DATA
    assert "2017年12月" in goals.loc["weak_towns_exit_2017", "basis"]
    assert goals.loc["dibao_coverage", "basis"] and goals.loc["income_project_per_household", "basis"]


def test_remaining_curve_and_plan_path(small) -> None:
    curve = remaining_curve(small, Scope(sr.AS_OF)).set_index("month")
    baseline = sr.expected_figures(sr.BASELINE)["baseline_persons"]
    assert curve["persons"].iloc[0] == baseline == curve["plan_persons"].iloc[0]
    assert curve.loc["2016-12-01", "plan_persons"] == 0
    assert curve.loc["2016-06-01", "plan_persons"] == pytest.approx(baseline * 6 / 12)
    for month in MONTHS:
        assert curve.loc[str(month), "persons"] == sr.expected_figures(month)["remaining_persons"]


def test_cli_progress_json_equals_analytics(tmp_path: Path, small) -> None:
    path = sr.build(tmp_path / "cli.duckdb")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analytics",
            "progress",
            "--db",
            str(path),
            "--as-of",
            "2017-06",
            "--district",
            sr.PINGDU,
            "--json",
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    printed = json.loads(result.stdout)
    assert printed == dataclasses.asdict(progress_figures(small, Scope(dt.date(2017, 6, 1), sr.PINGDU)))
    for key in (
        "baseline_households",
        "baseline_persons",
        "exited_households",
        "exited_persons",
        "remaining_households",
        "remaining_persons",
        "returned_households",
        "new_households",
        "provincial_villages_total",
        "provincial_villages_exited",
        "weak_villages_total",
        "weak_villages_exited",
        "weak_towns_total",
        "weak_towns_exited",
    ):
        assert key in printed


def test_cli_refuses_a_month_outside_the_data(tmp_path: Path) -> None:
    path = sr.build(tmp_path / "cli.duckdb")
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "progress", "--db", str(path), "--as-of", "2019-01"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "月份 2019-01 无效或超出数据范围" in result.stderr and "Traceback" not in result.stderr


def test_chinese_number_formats() -> None:
    assert fmt.count(28535) == "28,535"
    assert fmt.large_column([6_388_700, 63_887]) == ["638.9万", "6.4万"] and fmt.large_column([63_887]) == ["63,887"]
    assert fmt.percent(0.99337) == "99.3%"
    assert fmt.number(float("nan")) == "—" and fmt.number(2.0) == "2" and fmt.number(2.345, 1) == "2.3"
    assert fmt.month(dt.date(2017, 9, 1)) == "2017年09月"
    assert fmt.day(dt.date(2017, 9, 30)) == "2017年9月30日" and fmt.day(None) == "—"
    assert [fmt.months_left(m) for m in (3, 0, -9)] == ["3个月", "本月到期", "已过期9个月"]
    assert fmt.large_column([87_900, 148_000, None]) == ["8.8万", "14.8万", "—"]  # one unit per column
    assert fmt.large_column([87_900, 5]) == ["87,900", "5"]


def test_small_counts_are_suppressed_but_ratios_and_places_never() -> None:
    fmt.suppress_small_counts(True)
    try:
        assert fmt.count(1) == "<3" and fmt.count(0) == "0" and fmt.count(3) == "3"
        assert fmt.number(1.0) == "1" and fmt.number(2.0, 2) == "2" and fmt.number(2.7) == "2.7"  # ratios and averages
        assert fmt.whole(2) == "2"  # places (villages, towns), ranks
        # Tables: households/persons columns (by their unit) suppressed, others not.
        assert fmt.column("现存贫困户", [5, 1, 40]) == [
            "保密",
            "<3",
            "40",
        ]  # complementary: the total cannot give the 1 away
        assert fmt.column("现存贫困人口", [5, 1, 2, 40]) == ["5", "<3", "<3", "40"]  # two hidden already: no third
        assert fmt.column("已摘帽村", [1, 2]) == ["1", "2"] and fmt.column("名次", [1, 2]) == ["1", "2"]
        assert fmt.column("覆盖率", [0.5, 1.0]) == ["50.0%", "100.0%"]
        assert fmt.column("现存贫困户", [0, 1]) == [
            "0",
            "<3",
        ]  # nothing else to hide but a zero: a zero reveals nothing
        assert fmt.bar_values([1, 7, None]) == ([None, 7.0, None], ["<3", "7", "—"])
    finally:
        fmt.suppress_small_counts(False)
    assert fmt.column("现存贫困户", [5, 1, 40]) == ["5", "1", "40"] and fmt.bar_values([1]) == ([1.0], ["1"])


def test_plan_figures_are_read_from_the_catalogue_not_retyped(demo) -> None:
    """Every figure and deadline the goals, notes and captions state comes from plan_targets.csv."""
    import csv

    from analytics.exits import stage_goals, stage_goals_text
    from analytics.places import scope_places

    with (PROJECT_DIR / "data" / "reference" / "plan_targets.csv").open(encoding="utf-8") as f:
        catalogue = {row["id"]: row for row in csv.DictReader(f)}
    city = Scope(dt.date(2017, 9, 1))
    goals = goal_progress(demo, city).set_index("target_id")
    assert (goals["plan_value"] == [float(catalogue[t]["target_value"]) for t in goals.index]).all()
    households = catalogue["exit_households_total"]["target_value"]
    assert f"规划口径 {int(float(households)):,}" in goals.at["exit_households_total", "note"]
    for target in ("preschool_grant", "university_grant", "pv_income_per_household"):
        assert goals.at[target, "target"] == float(catalogue[target]["target_value"])
    assert goals.at["prov_poor_villages_exit_2016", "target"] == float(
        catalogue["prov_poor_villages_exit_2016"]["target_value"]
    )
    places = scope_places(demo, city)
    first = {(series, count) for month, series, count in stage_goals(city, places) if month == dt.date(2016, 12, 1)}
    assert first == {
        ("provincial_villages", int(catalogue["prov_poor_villages_exit_2016"]["target_value"])),
        ("weak_villages", int(catalogue["muni_weak_villages_exit_2016"]["target_value"])),
    }
    caption = stage_goals_text(city, places)
    assert (
        caption.startswith("阶段目标：2016 年底 51 个省定贫困村、79 个市定经济薄弱村摘帽")
        and "10 个经济薄弱镇" in caption
    )
    district = stage_goals_text(Scope(city.as_of, "370283"), scope_places(demo, Scope(city.as_of, "370283")))
    assert "51" not in district and district.startswith("阶段目标：2017 年底全部村")
