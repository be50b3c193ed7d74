"""The dispatch meeting: ranking and comparisons on the fixture, the briefing deck and workbook on the demo data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation

from analytics import fmt
from analytics.coverage import coverage_by_area
from analytics.distribution import area_metrics
from analytics.exits import flows_by_area
from analytics.goals import goal_progress
from analytics.judgement import BEHIND
from analytics.league import composite_score, league_table
from analytics.meeting import (
    month_comparison,
    movers,
    red_black_lists,
    split_ranking,
)
from analytics.monitoring.figures import case_figures
from analytics.monitoring.rules import flagged_by_area
from analytics.plan import CHAPTER_TITLES, chapter_of
from analytics.progress import progress_figures
from analytics.schedule import RAG_RED, TARGET_ORDER, back_schedule
from analytics.scope import Scope
from cases.store import CaseStore, cases_path
from reporting.store import STATE_COLUMNS, VALUE_COLUMNS, ReportFrames
from reports.briefing import file_stem, generate
from reports.slides import build_briefing, closing_owners
from tests import small_roster as sr
from tests.conftest import PROJECT_DIR
from ui import tables

TITLES = [
    "一、目标进度总览",
    "二、图一 贫困人口分布",
    "三、图二 措施到户覆盖与缺口",
    "四、图三 本月动态（2016年12月）",
    "五、红榜与黑榜（按综合得分）",
    "六、倒排工期预警",
    "七、本月返贫与新识别（2016年12月）",
    "八、与上月、去年同月比较",
    "九、滞后事项与责任单位",
]
DECEMBER = Scope(dt.date(2016, 12, 1))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(sr.build(tmp_path_factory.mktemp("meeting") / "small.duckdb")), read_only=True)


def test_composite_score_formula() -> None:
    table = pd.DataFrame(
        {
            "exit_rate": [1.0, 0.5],
            "pace_ratio": [3.0, None],
            "measures_coverage": [1.0, 0.0],
            "returns_per_1000": [0.0, 100.0],
        }
    )
    assert composite_score(table).tolist() == [100.0, 0.5 * 40 + 30 + 0 + 0]


def test_ranking_and_lists_on_the_fixture(small) -> None:
    table = league_table(small, Scope(sr.AS_OF))
    assert list(table["rank"]) == [1, 2] and table["score"].is_monotonic_decreasing
    lists = red_black_lists(small, Scope(sr.AS_OF))
    assert list(lists.red["area_code"]) == [table.iloc[0]["area_code"]] and list(lists.black["area_code"]) == [
        table.iloc[1]["area_code"]
    ]
    moves = movers(small, Scope(sr.AS_OF))
    assert (moves["rank_change"] == moves["rank_before"] - moves["rank"]).all()


def test_overdue_work_scores_zero_pace_points(small) -> None:
    # At 2017-09 both districts still have baseline households to lift, due 2016-12: overdue, so no pace points.
    table = league_table(small, Scope(sr.AS_OF)).set_index("area_code")
    for district in (sr.PINGDU, sr.LAIXI):
        f = sr.expected_figures(sr.AS_OF, district)
        assert f["baseline_remaining_households"] > 0
        assert table.loc[district, "pace_ratio"] == 0
        expected = (
            40 * table.loc[district, "exit_rate"]
            + 20 * table.loc[district, "measures_coverage"]
            + 10 * (1 - min(table.loc[district, "returns_per_1000"] / 50, 1))
        )
        assert table.loc[district, "score"] == pytest.approx(round(expected, 1))


def test_a_batch_target_before_its_deadline_does_not_zero_the_pace(small) -> None:
    # 2016-09: households due 2016-12 have pace; the weak towns (batch, due 2017-12) had no exit in three months.
    scope = Scope(dt.date(2016, 9, 1))
    table = league_table(small, scope).set_index("area_code")
    from analytics.schedule import back_schedule

    rows = back_schedule(small, scope, "district")
    towns = rows[rows["target"] == "weak_towns"]
    assert (towns["rag"] == "待验收").all() and len(towns)
    households = rows[(rows["target"] == "households") & (rows["remaining"] > 0)].set_index("area_code")
    for district in households.index:
        judged = rows[(rows["area_code"] == district) & (rows["remaining"] > 0) & (rows["target"] != "weak_towns")]
        assert table.loc[district, "pace_ratio"] == pytest.approx(
            (judged["actual_pace"] / judged["required_pace"]).min()
        )


@pytest.mark.parametrize(
    "areas, red, black, middle", [(5, 2, 2, 1), (6, 3, 3, 0), (9, 3, 3, 3), (2, 1, 1, 0), (1, 0, 0, 1)]
)
def test_red_and_black_lists_hold_every_area_once(areas: int, red: int, black: int, middle: int) -> None:
    table = pd.DataFrame(
        {
            "area_code": [f"A{i}" for i in range(areas)],
            "area_name": [f"区{i}" for i in range(areas)],
            "score": sorted(range(areas), reverse=True),
        }
    )
    lists = split_ranking(table)
    assert (len(lists.red), len(lists.black), len(lists.middle)) == (red, black, middle)
    shown = list(lists.red["area_code"]) + list(lists.black["area_code"]) + list(lists.middle["area_code"])
    assert sorted(shown) == sorted(table["area_code"])
    assert list(lists.black["area_code"]) == list(table["area_code"].iloc[::-1].head(black))
    assert ("居中" in lists.rule) == (middle > 0)


def test_month_comparison_on_the_fixture(small) -> None:
    table = month_comparison(small, Scope(sr.AS_OF)).set_index("key")
    for column, month in (
        ("this_month", sr.AS_OF),
        ("last_month", dt.date(2017, 8, 1)),
        ("last_year", dt.date(2016, 9, 1)),
    ):
        expected = sr.expected_figures(month)
        assert table.loc["remaining_persons", column] == expected["remaining_persons"]
        assert table.loc["returned_households", column] == expected["returned_households"]
    assert (
        table.loc["remaining_persons", "change_vs_last_month"]
        == table.loc["remaining_persons", "this_month"] - table.loc["remaining_persons", "last_month"]
    )


def test_small_counts_follow_the_viewer_on_slides_and_exports(small, tmp_path: Path) -> None:
    """Slides keep numbers; a viewer below their level reads <3 (and 保密 for the complementary cell) on the
    page, in the deck and in the workbook; everyone else reads the exact counts."""
    from analytics import fmt
    from reports.slides import ExportMark
    from reports.workbook import write_workbook

    briefing = build_briefing(small, Scope(sr.AS_OF))
    table = briefing.slides[1].tables["现存贫困分布"]
    households = table["现存贫困户"].tolist()
    assert all(isinstance(v, int) for v in households) and any(0 < v < 3 for v in households), households
    mark = ExportMark("测试", dt.datetime(2026, 12, 2, 9, 0))
    exact = pd.read_excel(write_workbook(briefing, tmp_path / "exact.xlsx", mark), sheet_name=2, skiprows=1)
    assert exact["现存贫困户"].tolist() == households
    fmt.suppress_small_counts(True)
    try:
        shown = tables.as_read(table, 8).data["现存贫困户"].tolist()
        expected = fmt.column("现存贫困户", households)
        hidden = pd.read_excel(write_workbook(briefing, tmp_path / "hidden.xlsx", mark), sheet_name=2, skiprows=1)
    finally:
        fmt.suppress_small_counts(False)
    assert shown == expected and "<3" in shown and "保密" in shown
    assert [str(v) for v in hidden["现存贫困户"]] == [v.replace(",", "") for v in shown]
    assert hidden["仍未脱贫比例"].tolist() == exact["仍未脱贫比例"].tolist()  # ratios never


@pytest.fixture(scope="module")
def briefing_files(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("briefing")
    with duckdb.connect(str(demo_db), read_only=True) as con:
        city = generate(con, DECEMBER, out, "张三")
        district = generate(con, Scope(DECEMBER.as_of, "370283"), out, "张三")
    return city, district


def test_exported_files_record_who_made_them_and_when(briefing_files) -> None:
    from openpyxl import load_workbook

    deck = Presentation(str(briefing_files[0].deck))
    assert deck.core_properties.author == "张三" and deck.core_properties.created.date() == dt.date.today()
    assert any("导出人：张三" in shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    book = load_workbook(briefing_files[0].workbook)
    assert book.properties.creator == "张三"
    assert ["导出人", "张三"] in [[c.value for c in row] for row in book["说明"].iter_rows()]


def test_the_briefing_asks_the_pages_questions_through_its_hook(small) -> None:
    """Issue 18: on the dashboard the briefing asks through the pages' cache (``ask``), so a meeting reuses their
    answers; the slides are the same whichever way the questions are answered."""
    asked: list[str] = []

    def ask(function, scope, *args):
        asked.append(function.__name__)
        return function(small, scope, *args)

    hooked, plain = build_briefing(small, Scope(sr.AS_OF), ask=ask), build_briefing(small, Scope(sr.AS_OF))
    assert {"progress_figures", "area_metrics", "coverage_by_area", "gap_counts", "flows_by_area"} <= set(asked)
    assert {"red_black_lists", "returns_and_new_this_month", "month_comparison", "back_schedule"} <= set(asked)
    assert [s.title for s in hooked.slides] == [s.title for s in plain.slides]
    for ours, theirs in zip(hooked.slides, plain.slides, strict=True):
        assert ours.kpis == theirs.kpis and list(ours.tables) == list(theirs.tables)
        for name, table in ours.tables.items():
            pd.testing.assert_frame_equal(table, theirs.tables[name])


def test_the_briefing_asks_the_reported_questions_through_their_hook(small) -> None:
    """Issue 18 §2: the questions that take the sector reports (the targets' progress, the areas behind schedule)
    are asked through their own hook too (on the dashboard the pages' cache of them), with the briefing's reports,
    instead of being computed again; the slides are the same."""
    asked: list[str] = []
    frames = ReportFrames(pd.DataFrame(columns=VALUE_COLUMNS), pd.DataFrame(columns=STATE_COLUMNS), sr.AS_OF)

    def ask_reported(function, scope, *args):
        asked.append(function.__name__)
        return function(small, scope, *args, reports=frames)

    hooked = build_briefing(small, Scope(sr.AS_OF), reports=frames, ask_reported=ask_reported)
    plain = build_briefing(small, Scope(sr.AS_OF), reports=frames)
    assert {"goal_progress", "behind_with_reports"} <= set(asked)
    assert [s.title for s in hooked.slides] == [s.title for s in plain.slides]
    for ours, theirs in zip(hooked.slides, plain.slides, strict=True):
        for name, table in ours.tables.items():
            pd.testing.assert_frame_equal(table, theirs.tables[name])


def test_slides_follow_the_analytics(demo: duckdb.DuckDBPyConnection) -> None:
    briefing = build_briefing(demo, DECEMBER)
    assert [s.title for s in briefing.slides][: len(TITLES)] == TITLES
    # Then a slide per chapter with targets behind schedule, in the plan's order, listing exactly those targets.
    goals = goal_progress(demo, DECEMBER)
    behind = goals[goals["status"] == BEHIND]
    chapters = list(
        dict.fromkeys(sorted(behind["chapter"].map(chapter_of), key=list(map(chapter_of, CHAPTER_TITLES)).index))
    )
    assert [s.title for s in briefing.slides][len(TITLES) :] == [f"滞后指标：{c}" for c in chapters]
    listed = [i for s in briefing.slides[len(TITLES) :] for i in s.tables["滞后指标与责任单位"]["指标"]]
    assert sorted(listed) == sorted(behind["indicator"])
    assert briefing.appendix["全部规划指标"]["指标"].tolist() == goals["indicator"].tolist()
    figures = progress_figures(demo, DECEMBER)
    kpi_chart = briefing.slides[0].charts[0]
    share = figures.baseline_exited_persons / (figures.baseline_exited_persons + figures.baseline_remaining_persons)
    assert kpi_chart.series["完成率"][0] == round(100 * share, 1)
    distribution = (
        area_metrics(demo, DECEMBER, "district")
        .dropna(subset=["remaining_persons"])
        .sort_values("remaining_persons", ascending=False)
    )
    assert (
        briefing.slides[1].charts[0].series["现存贫困人口"] == distribution["remaining_persons"].astype(float).tolist()
    )
    coverage = coverage_by_area(demo, DECEMBER, "district", "any").sort_values("coverage")
    assert briefing.slides[2].charts[0].series["覆盖率"] == (100 * coverage["coverage"]).round(1).tolist()
    flows = flows_by_area(demo, DECEMBER, "district", DECEMBER.as_of, DECEMBER.as_of)
    assert briefing.slides[3].charts[0].series["脱贫"] == flows["exited"].astype(float).tolist()


def _slide_texts(deck: Path) -> list[list[str]]:
    texts = []
    for slide in Presentation(str(deck)).slides:
        runs = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                runs += [p.text for p in shape.text_frame.paragraphs]
            if shape.has_table:
                runs += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append(runs)
    return texts


def test_deck_has_every_slide_native_charts_maps_and_no_personal_data(
    briefing_files, demo: duckdb.DuckDBPyConnection
) -> None:
    city, district = briefing_files
    assert city.deck.name == f"{file_stem(DECEMBER)}.pptx" == "调度简报_370200_2016-12.pptx"
    assert district.deck.name == "调度简报_370283_2016-12.pptx"
    assert city.seconds < 30
    prs = Presentation(str(city.deck))
    assert len(prs.slides) == 1 + len(build_briefing(demo, DECEMBER).slides)
    assert prs.slide_width * 9 == prs.slide_height * 16
    texts = _slide_texts(city.deck)
    titles = [s.title for s in build_briefing(demo, DECEMBER).slides]
    for title, slide_texts in zip(titles, texts[1:], strict=True):
        assert title in slide_texts and any("数据截至 2016年12月" in t for t in slide_texts)
    charts = [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    kpi = build_briefing(demo, DECEMBER).slides[0].charts[0]
    assert list(charts[0].plots[0].series[0].values) == kpi.series["完成率"]
    pictures = [shape for slide in prs.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 2
    for picture in pictures:
        image = Image.open(io.BytesIO(picture.image.blob)).convert("L")
        assert len(set(image.resize((64, 64)).get_flattened_data())) > 10  # not blank
    names = {r[0] for r in demo.execute("SELECT name FROM person").fetchall()} | {
        r[0] for r in demo.execute("SELECT helper_name FROM household").fetchall()
    }
    everything = [t for slide in texts for t in slide]
    assert not any(t.strip() in names for t in everything)
    assert not any(re.search(r"\d{17}[\dX]|1[3589]\d{9}", t) for t in everything)


def test_exports_store_counts_as_numbers_and_rates_as_percentages(briefing_files) -> None:
    from openpyxl import load_workbook

    book = load_workbook(briefing_files[0].workbook)
    sheet = book[book.sheetnames[3]]  # 三、图二 措施覆盖: 在册户, 已有措施户 (counts), 覆盖率 (a share)
    header = [c.value for c in sheet[2]]
    first = {name: sheet.cell(row=3, column=j + 1) for j, name in enumerate(header)}
    assert isinstance(first["在册户"].value, int) and first["在册户"].number_format == "#,##0"
    assert isinstance(first["覆盖率"].value, float) and first["覆盖率"].number_format == "0.0%"
    distribution = book[book.sheetnames[2]]  # 现存贫困户 passes the small-count rule: still numbers
    header = [c.value for c in distribution[2]]
    households = [row[header.index("现存贫困户")] for row in distribution.iter_rows(min_row=3, max_row=7)]
    assert all(isinstance(c.value, int) and c.number_format == "#,##0" for c in households), [
        c.value for c in households
    ]
    kpi = book[book.sheetnames[1]]
    rates = [row[3] for row in kpi.iter_rows(min_row=3, max_row=7)]
    assert [c.number_format for c in rates] == ["0.0%"] * 5 and all(0 <= c.value <= 1 for c in rates)
    text = [t for slide in _slide_texts(briefing_files[0].deck) for t in slide]
    assert not [t for t in text if re.fullmatch(r"0\.\d\d+", t)], "a rate printed as a fraction (0.97)"
    assert any(re.fullmatch(r"\d+\.\d%", t) for t in text)
    assert not [t for t in text if re.fullmatch(r"\d+(,\d{3})*", t) is None and re.fullmatch(r"\d{4,}", t)], (
        "a count without separators"
    )


def test_workbook_sheets_hold_the_slide_tables(briefing_files, demo: duckdb.DuckDBPyConnection) -> None:
    city, _ = briefing_files
    briefing = build_briefing(demo, DECEMBER)
    sheets = pd.ExcelFile(city.workbook).sheet_names
    assert sheets[0] == "说明" and sheets[-1] == "全部规划指标" and len(sheets) == 2 + len(briefing.slides)
    assert len(pd.read_excel(city.workbook, sheet_name="全部规划指标")) == 137
    for sheet, slide in zip(sheets[1:-1], briefing.slides, strict=True):
        row = 0
        for title, expected in slide.tables.items():
            read = pd.read_excel(city.workbook, sheet_name=sheet, skiprows=row + 1, nrows=len(expected))
            read = read.loc[
                :, ~read.columns.astype(str).str.startswith("Unnamed")
            ]  # the sheet is as wide as its widest table
            assert pd.read_excel(city.workbook, sheet_name=sheet, skiprows=row, nrows=0).columns[0] == title
            assert read.columns.tolist() == expected.columns.tolist(), (sheet, title)
            for column in expected.columns:
                got, want = read[column], expected[column].reset_index(drop=True)
                if pd.api.types.is_numeric_dtype(want):
                    assert (
                        got.astype(float).round(4).fillna(-1).tolist()
                        == want.astype(float).round(4).fillna(-1).tolist()
                    ), (sheet, title, column)
                else:
                    assert got.astype(str).tolist() == want.astype(str).tolist(), (sheet, title, column)
            row += len(expected) + 4


def test_cli_writes_both_files(tmp_path: Path, demo_db: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reports.briefing",
            "--db",
            str(demo_db),
            "--as-of",
            "2016-12",
            "--district",
            "370283",
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "用时" in result.stdout
    assert (tmp_path / "调度简报_370283_2016-12.pptx").exists() and (tmp_path / "调度简报_370283_2016-12.xlsx").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "reports.briefing", "--db", str(demo_db), "--as-of", "2030-01", "--out", str(tmp_path)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "无效或超出数据范围" in bad.stderr


def test_progress_figures_are_a_dataclass(small) -> None:
    assert dataclasses.is_dataclass(progress_figures(small, Scope(sr.AS_OF)))


def test_a_font_cache_built_before_the_cjk_fonts_registers_them_by_path(monkeypatch) -> None:
    """`make run` then `make test` on a fresh machine: matplotlib's font cache may predate fonts-noto-cjk.
    The slide renderer must look again instead of telling the user to install fonts that are installed."""
    import copy

    from matplotlib import font_manager

    from reports.static_map import CJK_FONTS, cjk_font

    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [f for f in font_manager.fontManager.ttflist if f.name not in CJK_FONTS]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    assert cjk_font() in CJK_FONTS
    assert any(f.name in CJK_FONTS for f in font_manager.fontManager.ttflist)


def test_a_machine_without_cjk_fonts_is_told_which_package_to_install(monkeypatch) -> None:
    import copy

    from matplotlib import font_manager

    from reports.static_map import CJK_FONTS, cjk_font

    stale = copy.copy(font_manager.fontManager)
    stale.ttflist = [f for f in font_manager.fontManager.ttflist if f.name not in CJK_FONTS]
    monkeypatch.setattr(font_manager, "fontManager", stale)
    monkeypatch.setattr(
        font_manager, "findSystemFonts", lambda *a, **k: ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
    )
    with pytest.raises(RuntimeError, match="Noto Sans CJK SC.*fonts-noto-cjk"):
        cjk_font()


def test_pages_and_slides_read_the_same_league_and_schedule_cells(demo: duckdb.DuckDBPyConnection) -> None:
    """One table builder (analytics.tables): an area's ranking and warning rows read alike on the overview and
    on the meeting slides (the slide keeps the first seven ranking columns)."""
    from analytics.schedule import behind_schedule

    scope = Scope(dt.date(2017, 9, 1))
    page = tables.league(league_table(demo, scope), "区市").data.set_index("区市")
    slides = {s.key: s for s in build_briefing(demo, scope).slides}
    on_slide = pd.concat(
        tables.as_read(t).data for title, t in slides["league"].tables.items() if "榜" in title or title == "居中"
    ).set_index("区市")
    assert len(on_slide) == len(page) == 5
    pd.testing.assert_frame_equal(on_slide.loc[page.index], page[on_slide.columns])
    assert list(on_slide.columns) == ["名次", "综合得分", "脱贫率（户）", "进度/应有进度", "措施覆盖率", "每千户返贫"]
    warnings = tables.schedule(behind_schedule(demo, scope, "district")).data.rename(columns={"区域": "区市"})
    assert warnings.equals(tables.as_read(slides["warnings"].tables["滞后单位"]).data)


def test_the_closing_slide_puts_the_most_severe_first(demo) -> None:
    """Slide 九 lists the red back-scheduling rows by severity — the earliest deadline first, the largest gap first
    within a target — not by district name (issue 14: 即墨区's gaps of 1–6 were on screen, 莱西市's 989 off it)."""
    scope = Scope(dt.date(2017, 9, 1))
    rows = back_schedule(demo, scope, "town")
    red = rows[rows["rag"] == RAG_RED]
    listed = closing_owners(demo, scope)
    assert len(listed) == len(red) > 10
    assert listed["截止"].tolist() == [fmt.day(d) for d in sorted(red["deadline"])]
    earliest = red[red["deadline"] == red["deadline"].min()]
    first_target = min(earliest["target"], key=TARGET_ORDER.__getitem__)
    assert listed.iloc[0]["剩余"] == earliest[earliest["target"] == first_target]["remaining"].max()


def test_the_monitoring_slide_reads_the_rules_and_the_cases(demo, demo_db: Path) -> None:
    """Slide 十一 (with the monitoring cases): its tiles are the rule engine's and the case store's figures, its
    table the districts with the most red warnings first; without the cases there is no such slide."""
    frames = CaseStore(cases_path(demo_db)).frames()
    scope = Scope(dt.date(2017, 9, 1))
    slides = {s.key: s for s in build_briefing(demo, scope, cases=frames).slides}
    assert "monitoring" not in {s.key for s in build_briefing(demo, scope).slides}
    slide = slides["monitoring"]
    flagged = flagged_by_area(demo, scope, "district")
    figures = case_figures(frames.cases, frames.measures, scope, frames.today)
    tiles = {t.label: t.value for t in slide.kpis}
    assert tiles["红色预警户"] == fmt.count(int(flagged["red"].sum()))
    assert tiles["黄色预警户"] == fmt.count(int((flagged["flagged"] - flagged["red"]).sum()))
    assert tiles["监测帮扶户"] == fmt.count(figures.monitored) and tiles["待审定案件"] == fmt.count(figures.open_cases)
    table = slide.tables["预警户最多的区市"]
    assert table["红色预警户"].is_monotonic_decreasing and len(table) == len(flagged)
