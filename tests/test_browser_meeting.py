"""The 调度会 page at 1920×1080 in Chromium: every slide, ←/→ and clicker keys, slide number in the URL."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import duckdb
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from analytics.scope import Scope
from cases.store import CaseStore, cases_path
from reporting.store import ReportStore, reports_path
from reports.slides import build_briefing
from tests.browser import (
    browser_page,
    exceptions_on,
    problems,
    screenshot,
    url_query,
    wait_for_texts,
    watch,
)
from tests.conftest import ARTIFACTS
from tests.test_briefing import TITLES


def slide_titles(db: Path, month: dt.date) -> list[str]:
    """The meeting's slides for the city at ``month``, with the demo's sector reports (as the page builds them)."""
    with duckdb.connect(str(db), read_only=True) as con:
        reports, cases = ReportStore(reports_path(db)).frames(), CaseStore(cases_path(db)).frames()
        briefing = build_briefing(con, Scope(month), False, reports, cases)
    return [slide.title for slide in briefing.slides]


DISTRICTS = ("平度市", "莱西市", "胶州市", "即墨区", "黄岛区")


def test_meeting_runs_through_every_slide(dashboard_url: str, demo_db: Path) -> None:
    titles = slide_titles(demo_db, dt.date(2016, 12, 1))
    assert titles[: len(TITLES)] == TITLES and titles[len(TITLES) : len(TITLES) + 2] == [
        "十、部门报送通报",
        "十一、防返贫监测预警",
    ]
    total = len(titles)
    with browser_page(1920, 1080) as page:
        seen = watch(page)
        page.goto(f"{dashboard_url}/meeting?month=2016-12")
        wait_for_texts(page, TITLES[0], "数据截至 2016年12月", f"第 1 / {total} 页")
        for number, title in enumerate(titles, start=1):
            if number > 1:
                page.keyboard.press("ArrowRight")
                wait_for_texts(page, title, f"第 {number} / {total} 页")
            page.wait_for_function(f"() => window.location.href.includes('slide={number}')")
            assert exceptions_on(page) == []
            expect(page.locator('section[data-testid="stSidebar"]')).to_be_hidden(timeout=10_000)  # projector mode
            screenshot(page, ARTIFACTS / f"meeting_slide_{number}.png")
        page.keyboard.press("PageUp")  # a presenter clicker's "back"
        wait_for_texts(page, titles[-2], f"第 {total - 1} / {total} 页")
        page.keyboard.press("ArrowLeft")
        wait_for_texts(page, titles[-3])

        # A link opens a given slide.
        fresh = page.context.browser.new_page(viewport={"width": 1920, "height": 1080})
        fresh.goto(f"{dashboard_url}/meeting?month=2016-12&slide=5")
        # Five districts: two on each list and the middle one named, so no district is left out.
        wait_for_texts(
            fresh, TITLES[4], f"第 5 / {total} 页", "红榜（前2）", "黑榜（后2）", "居中", "其余1个居中", *DISTRICTS
        )
        assert url_query(fresh)["slide"] == "5"
        assert problems(seen) == {}


SCROLL = """() => { const main = document.querySelector('[data-testid="stMain"]');
  return [main.scrollHeight, main.clientHeight, document.documentElement.scrollHeight, window.innerHeight]; }"""


def test_every_slide_fits_the_screen_in_both_themes(dashboard_url: str, demo_db: Path) -> None:
    """Projector mode never scrolls: each slide's scroll height ≤ the viewport at 1920×1080 and 1280×720,
    light and dark; the control bar is hidden and the keys (→, D) still work."""
    total = len(slide_titles(demo_db, dt.date(2017, 9, 1)))
    for width, height in ((1920, 1080), (1280, 720)):
        with browser_page(width, height) as page:
            page.goto(f"{dashboard_url}/meeting?month=2017-09&slide=1")
            wait_for_texts(page, TITLES[0].split("（")[0], f"第 1 / {total} 页")
            expect(page.get_by_role("button", name="下一页 ▶")).to_be_hidden()  # keys only
            for dark in (False, True):
                if dark:
                    page.keyboard.press("d")
                    page.wait_for_function(
                        "() => getComputedStyle(document.querySelector('.stApp')).backgroundColor === 'rgb(14, 17, "
                        "23)'",
                        timeout=60_000,
                    )
                for number in range(1, total + 1):
                    if number > 1 or dark:  # in dark, from the last slide → wraps round to 1
                        page.keyboard.press("ArrowRight")
                    wait_for_texts(page, f"第 {number} / {total} 页")
                    page.wait_for_function(
                        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
                        " && Array.from(document.images).every((image) => image.complete)",
                        timeout=60_000,
                    )
                    # The zoom-to-fit script runs in a component iframe that may load after the slide on a busy
                    # machine: wait (up to a minute) for the settled layout, then check it.
                    with contextlib.suppress(PlaywrightTimeout):
                        page.wait_for_function(
                            f"() => {{ const [m, c, d, v] = ({SCROLL})(); return m <= c && d <= v; }}", timeout=60_000
                        )
                    main, client, document, viewport = page.evaluate(SCROLL)
                    assert main <= client and document <= viewport, (
                        width,
                        dark,
                        number,
                        main,
                        client,
                        document,
                        viewport,
                    )
                    screenshot(page, ARTIFACTS / f"meeting_fit_{width}_{'dark' if dark else 'light'}_{number}.png")
