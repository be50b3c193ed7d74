"""The dashboard in a real browser: pages render, without exceptions, with the synthetic-data notice."""

from __future__ import annotations

from tests.browser import browser_page, exceptions_on, screenshot, wait_for_texts
from tests.conftest import ARTIFACTS


def test_summary_page_renders_in_chromium(dashboard_url: str) -> None:
    with browser_page() as page:
        page.goto(dashboard_url)
        wait_for_texts(page, "示例数据（合成）", "数据截至 2017年09月", "28,535", "63,887", "平度市", "莱西市", "基期为 2015 年 12 月末")
        assert exceptions_on(page) == []
        screenshot(page, ARTIFACTS / "summary.png")
