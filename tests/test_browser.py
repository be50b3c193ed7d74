"""The dashboard in a real browser (Debian Chromium via Playwright): pages render, numbers match the
analytics, filters round-trip through the URL, nothing leaves localhost and the console stays clean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from analytics.progress import progress_figures
from analytics.scope import Scope
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


def test_overview_in_chromium(dashboard_url: str, demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        city = progress_figures(con, Scope(dt.date(2017, 9, 1)))
        laixi = progress_figures(con, Scope(dt.date(2017, 9, 1), "370285"))
    with browser_page(1920, 1080) as page:
        seen = watch(page)
        page.goto(dashboard_url)
        persons = (
            f"{city.baseline_exited_persons:,} / {city.baseline_exited_persons + city.baseline_remaining_persons:,}人"
        )
        exited, remaining = city.baseline_exited_households, city.baseline_remaining_households
        households = f"{exited:,} / {exited + remaining:,}户"
        villages = f"{city.provincial_villages_exited} / {city.provincial_villages_total}个"
        wait_for_texts(
            page,
            "总览",
            "示例数据（合成），非真实名单",
            "数据截至 2017年09月",
            persons,
            households,
            villages,
            "区市排名",
            "倒排工期预警",
            "规划指标完成情况",
            "莱西市",
        )
        assert exceptions_on(page) == []
        screenshot(page, ARTIFACTS / "overview_city.png")

        # Choosing a district narrows everything and is written into the URL.
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="莱西市").click()
        wait_for_texts(
            page,
            "范围：莱西市",
            f"{laixi.baseline_exited_households:,} / "
            f"{laixi.baseline_exited_households + laixi.baseline_remaining_households:,}户",
            "镇街排名",
        )
        page.wait_for_function("() => window.location.href.includes('district=370285')")
        assert url_query(page) == {"month": "2017-09", "district": "370285"}
        screenshot(page, ARTIFACTS / "overview_laixi.png")

        # The filters survive a page switch, and the copied URL reproduces the view in a new tab.
        page.get_by_role("link", name="数据概况").click()
        wait_for_texts(page, "数据概况", "分镇街统计")
        page.wait_for_function("() => window.location.href.includes('district=370285')")
        copied = page.evaluate("window.location.href").replace("/summary", "/overview")
        fresh = page.context.browser.new_page(viewport={"width": 1920, "height": 1080})
        fresh.goto(copied)
        wait_for_texts(fresh, "范围：莱西市", "镇街排名")
        assert exceptions_on(fresh) == []

        assert problems(seen) == {}


def test_every_declared_url_path_opens_its_page(dashboard_url: str) -> None:
    """Issue 14 (sessions): /overview used to show Streamlit's English "Page not found" (the default page is
    served at "/" only)."""
    pages = {
        "overview": "规划指标完成情况",
        "distribution": "图一 贫困人口分布",
        "measures": "图二 措施到户到人",
        "dynamics": "图三 动态管理",
        "summary": "数据概况",
        "quality": "数据质量",
    }
    with browser_page(1600, 1000) as page:
        for path, title in pages.items():
            page.goto(f"{dashboard_url}/{path}")
            wait_for_texts(page, title, "数据截至 2017年09月")
            assert "not found" not in page.locator("body").inner_text().lower(), path
            assert exceptions_on(page) == []
