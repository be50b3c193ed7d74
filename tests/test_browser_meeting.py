"""The 调度会 page at 1920×1080 in Chromium: every slide, ←/→ and clicker keys, slide number in the URL."""

from __future__ import annotations

from playwright.sync_api import expect

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


def test_meeting_runs_through_every_slide(dashboard_url: str) -> None:
    with browser_page(1920, 1080) as page:
        seen = watch(page)
        page.goto(f"{dashboard_url}/meeting?month=2016-12")
        wait_for_texts(page, TITLES[0], "数据截至 2016年12月", "第 1 / 9 页")
        for number, title in enumerate(TITLES, start=1):
            if number > 1:
                page.keyboard.press("ArrowRight")
                wait_for_texts(page, title, f"第 {number} / 9 页")
            page.wait_for_function(f"() => window.location.href.includes('slide={number}')")
            assert exceptions_on(page) == []
            expect(page.locator('section[data-testid="stSidebar"]')).to_be_hidden(timeout=10_000)  # projector mode
            screenshot(page, ARTIFACTS / f"meeting_slide_{number}.png")
        page.keyboard.press("PageUp")  # a presenter clicker's "back"
        wait_for_texts(page, TITLES[7], "第 8 / 9 页")
        page.keyboard.press("ArrowLeft")
        wait_for_texts(page, TITLES[6])

        # A link opens a given slide.
        fresh = page.context.browser.new_page(viewport={"width": 1920, "height": 1080})
        fresh.goto(f"{dashboard_url}/meeting?month=2016-12&slide=5")
        wait_for_texts(fresh, TITLES[4], "第 5 / 9 页", "红榜（前三）", "黑榜（后三）")
        assert url_query(fresh)["slide"] == "5"
        assert problems(seen) == {}
