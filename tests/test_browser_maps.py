"""The three maps in Chromium (WebGL by SwiftShader): the deck draws, a click drills down, the URL follows."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser import (
    browser_page,
    exceptions_on,
    problems,
    screenshot,
    url_query,
    wait_for_map,
    wait_for_texts,
    watch,
)
from tests.conftest import ARTIFACTS

PAGES = [
    ("distribution", "图一 贫困人口分布图"),
    ("measures", "图二 扶贫措施到户到人图"),
    ("dynamics", "图三 脱贫人口动态管理图"),
]


def click_map_until(page, condition: str, attempts: int = 6) -> None:
    """Click the middle of the map until ``condition`` holds (a busy machine may still be drawing the first time,
    and a page run after a click takes longer than 15 s when the CI machine is loaded)."""
    box = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for attempt in range(attempts):
        page.mouse.move(x, y)
        page.mouse.click(x, y)
        try:
            page.wait_for_function(condition, timeout=30_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise


@pytest.mark.parametrize("path, title", PAGES)
def test_map_page_draws_and_drills_down(dashboard_url: str, path: str, title: str) -> None:
    with browser_page(1920, 1080) as page:
        seen = watch(page)

        page.goto(f"{dashboard_url}/{path}")
        wait_for_texts(page, title, "示例数据（合成），非真实名单", "© OpenStreetMap contributors", "无数据")
        assert wait_for_map(page) >= 0.05, "the deck canvas drew nothing"
        assert exceptions_on(page) == []
        screenshot(page, ARTIFACTS / f"map_{path}_city.png")

        # In 平度市 the map shows its towns; a click in the middle of the map picks one of them.
        page.goto(f"{dashboard_url}/{path}?month=2017-09&district=370283")
        wait_for_texts(page, "范围：平度市", "© OpenStreetMap contributors")
        wait_for_map(page)
        click_map_until(page, "() => window.location.href.includes('town=370283')")
        town = url_query(page)["town"]
        assert town.startswith("370283") and len(town) == 9
        wait_for_texts(page, "范围：平度市 · ")
        wait_for_map(page)
        screenshot(page, ARTIFACTS / f"map_{path}_town.png")

        # The breadcrumb goes back up to the city.
        page.get_by_role("button", name="青岛市").click()
        page.wait_for_function("() => !window.location.href.includes('district=')", timeout=30_000)
        wait_for_texts(page, "范围：全市")
        assert exceptions_on(page) == []

        assert problems(seen) == {}
