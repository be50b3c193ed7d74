"""The reporting workflow end to end in Chromium, on a copy of the demo data: a unit reporter enters values, the
district reviewer returns them with a reason, the unit corrects and resubmits, the district reviews, the city
approves — and the overview of the district shows the approved value and its new status."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from reporting.store import ReportStore, reports_path
from tests.browser import browser_page, exceptions_on, screenshot, wait_for_texts
from tests.conftest import ARTIFACTS, streamlit_server
from tests.test_browser_import import sign_in

UNIT = "市农业委员会季报 · 平度市 · 2017年第3季度"
INSTRUCTORS = "每个贫困村农业技术指导员"


def switch_user(page: Page, url: str, name: str, password: str) -> None:
    """Sign out, open ``url`` and sign in as ``name``."""
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="退出登录").click()
    wait_for_texts(page, "演示模式")
    page.goto(url)
    wait_for_texts(page, "演示模式")
    screenshot(page, ARTIFACTS / "reporting-switch.png")
    sign_in(page, name, password, in_sidebar=True)


def fill_values(page: Page, values: list[str]) -> None:
    """Type into the 本期值 column of the entry form (the 6th), top to bottom: focus the grid, move to the first
    row's 本期值 by keys, and edit each cell in turn (Enter opens the editor, Enter commits and moves down)."""
    grid = page.locator('[data-testid="stDataFrameResizable"]').first
    box = grid.bounding_box()
    assert box is not None
    editor = page.locator("#portal input, #portal textarea").first
    for _ in range(4):  # right after a rerun a click may only focus the grid: try again
        page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)
        time.sleep(0.5)
        for key in ["ArrowUp"] * 5 + ["ArrowLeft"] * 7 + ["ArrowRight"] * 5:  # from wherever the selection is
            page.keyboard.press(key)
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    for i, value in enumerate(values):
        if i:
            page.keyboard.press("Enter")
        editor.wait_for(timeout=15_000)
        editor.fill(value)
        page.keyboard.press("Enter")
        time.sleep(0.5)
    entered = grid_cells(page)[5::7][: len(values)]
    assert entered == values, "|".join(grid_cells(page))


def grid_cells(page: Page, until: Callable[[list[str]], bool] = bool, timeout_s: float = 60) -> list[str]:
    """The texts of the cells the data grids on the page draw (their accessible tables), once they are drawn:
    grids arrive one after another, so wait until ``until`` holds for the cells (or the time is up)."""
    locator = page.locator('table[role="grid"] td')
    locator.first.wait_for(state="attached", timeout=30_000)
    deadline = time.monotonic() + timeout_s
    while not until(cells := locator.all_inner_texts()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return cells


def steps_shown(cells: list[str]) -> list[str]:
    """The actions of the 办理记录 table among the cells."""
    return [c for c in cells if c in ("保存", "提交", "退回", "审核通过")]


def select(page: Page, label: str, option: str, exact: bool = True) -> None:
    """Pick ``option`` in the page's select box ``label`` (retried: a rerun may close the list as it opens)."""
    box = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(has_text=label)
    choice = page.get_by_role("option", name=option, exact=exact).first
    for _ in range(5):
        box.get_by_role("button", name="Open").click()
        try:
            choice.click(timeout=10_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"{label}: no option {option}")


def choose_unit(page: Page) -> None:
    select(page, "待审数据", UNIT, exact=False)
    wait_for_texts(page, "办理记录")


def goal_row(page: Page) -> list[str]:
    """The district's goal-table row of the instructors target (filtered to its owner)."""
    wait_for_texts(page, "规划指标完成情况")
    select(page, "责任单位", "市农业委员会")
    wait_for_texts(page, INSTRUCTORS)
    page.get_by_text("规划指标完成情况").scroll_into_view_if_needed()
    cells = grid_cells(page, until=lambda cells: INSTRUCTORS in cells)
    start = cells.index(INSTRUCTORS)
    return cells[start - 1 : start + 11]


def test_report_returned_corrected_and_approved_reaches_the_overview(tmp_path: Path, demo_db: Path) -> None:
    db = tmp_path / "demo.duckdb"
    for source in (demo_db, reports_path(demo_db), demo_db.with_name("demo.access.sqlite")):
        shutil.copy(source, tmp_path / source.name)
    with streamlit_server(db, "streamlit-reporting.log") as url, browser_page(1920, 1080) as page:
        page.goto(url + "/")
        sign_in(page, "demo_pingdu", "demo-pingdu-2017", in_sidebar=True)
        before = goal_row(page)
        assert before[:4] == ["第四章第二节", INSTRUCTORS, "市农业委员会", "达标"], before

        switch_user(page, url + "/report", "demo_report_pingdu", "demo-report-2017")
        wait_for_texts(page, "指标填报", "本期还没有办理记录")
        assert page.get_by_label("报送期").input_value() == "2017年第3季度（未填报，10月15日截止）"
        cells = grid_cells(page)
        assert cells[:6] == ["产业脱贫致富示范户", "平度市", "名", "≥ 1,000 名", "333", ""], cells
        fill_values(page, ["320", "190", "700"])
        page.get_by_role("button", name="保存并提交").click()
        wait_for_texts(page, "累计数不能小于上期（333）")  # refused: nothing written
        fill_values(page, ["345"])
        page.get_by_role("button", name="保存并提交").click()
        wait_for_texts(page, "2017年第3季度的数据已提交，等待区市审核")
        screenshot(page, ARTIFACTS / "reporting-entry.png")

        switch_user(page, url + "/review", "demo_review_pingdu", "demo-review-2017")
        wait_for_texts(page, "指标审核", "待审数据")
        choose_unit(page)
        page.get_by_label("审核意见（退回时必填）").fill("指导员人数与花名册不符，请核实")
        page.get_by_role("button", name="退回修改").click()
        wait_for_texts(page, f"{UNIT}：已退回修改")

        switch_user(page, url + "/report", "demo_report_pingdu", "demo-report-2017")
        wait_for_texts(page, "本期数据已被退回：指导员人数与花名册不符，请核实")
        fill_values(page, ["345", "192"])
        page.get_by_role("button", name="保存并提交").click()
        wait_for_texts(page, "2017年第3季度的数据已提交")

        switch_user(page, url + "/review", "demo_review_pingdu", "demo-review-2017")
        choose_unit(page)
        page.get_by_role("button", name="审核通过").click()
        wait_for_texts(page, f"{UNIT}：已审核通过")

        switch_user(page, url + "/review", "demo_review_city", "demo-approve-2017")
        choose_unit(page)
        history = ["审核通过", "提交", "保存", "退回", "提交", "保存"]
        cells = grid_cells(page, until=lambda cells: len(steps_shown(cells)) >= len(history))
        assert cells[cells.index(INSTRUCTORS) : cells.index(INSTRUCTORS) + 6][-1] == "192", cells
        assert steps_shown(cells) == history, cells
        screenshot(page, ARTIFACTS / "reporting-review.png")
        page.get_by_role("button", name="审定通过").click()
        wait_for_texts(page, f"{UNIT}：已审定通过", "没有待审的数据")
        steps = ReportStore(reports_path(db)).steps().query("dataset_id == 'agriculture-Q' and area_code == '370283'")
        steps = steps[steps["period"] == pd.Timestamp("2017-07-01")].sort_values("step_id")
        assert list(zip(steps["action"], steps["actor"], strict=True)) == [
            ("save", "demo_report_pingdu"),
            ("submit", "demo_report_pingdu"),
            ("return", "demo_review_pingdu"),
            ("save", "demo_report_pingdu"),
            ("submit", "demo_report_pingdu"),
            ("review", "demo_review_pingdu"),
            ("approve", "demo_review_city"),
        ]
        assert steps["comment"].tolist()[2] == "指导员人数与花名册不符，请核实"

        switch_user(page, url + "/", "demo_pingdu", "demo-pingdu-2017")
        after = goal_row(page)
        # 192 of 平度市's 200 designated villages: 96.0 %, a standing obligation no longer kept
        assert after[:7] == ["第四章第二节", INSTRUCTORS, "市农业委员会", "滞后", "96", "100", "%"], after
        assert "市农业委员会报送（2017年第3季度，已审定）" in after, after
        screenshot(page, ARTIFACTS / "reporting-overview.png")
        assert exceptions_on(page) == []
