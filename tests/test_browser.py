"""The dashboard in a real browser: pages render, without exceptions, with the synthetic-data notice."""

from __future__ import annotations

from tests.browser import browser_page, exceptions_on, screenshot, wait_for_app
from tests.conftest import ARTIFACTS


def test_summary_page_renders_in_chromium(dashboard_url: str) -> None:
    with browser_page() as page:
        page.goto(dashboard_url)
        wait_for_app(page, "基期为 2015 年 12 月末")  # the last element of the page
        assert exceptions_on(page) == []
        body = page.locator("body").inner_text()
        assert "示例数据（合成）" in body
        assert "数据截至 2017年09月" in body
        assert "28,535" in body and "63,887" in body
        assert "平度市" in body and "莱西市" in body
        screenshot(page, ARTIFACTS / "summary.png")
