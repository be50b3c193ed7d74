"""Sessions in Chromium: a reload or a typed URL keeps the user signed in; sign-out ends it for good."""

from __future__ import annotations

from tests.browser import browser_page, exceptions_on, screenshot, wait_for_texts
from tests.conftest import ARTIFACTS
from tests.test_browser_import import sign_in

COOKIE = "dashboard_session"


def test_a_reload_keeps_the_session_and_sign_out_ends_it(dashboard_url: str) -> None:
    with browser_page(1920, 1080) as page:
        page.goto(dashboard_url)
        wait_for_texts(page, "演示模式")
        sign_in(page, "demo_pingdu", "demo-pingdu-2017", in_sidebar=True)
        wait_for_texts(page, "范围：平度市")  # signed in on the city page: lands on its own area, no refusal
        assert "无权查看" not in page.locator("body").inner_text()
        page.wait_for_function(f"() => document.cookie.includes('{COOKIE}=')", timeout=30_000)
        cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
        assert cookie["sameSite"] == "Strict" and cookie["expires"] > 0

        page.reload()  # a district user lands on their own area, signed in, with no refusal
        wait_for_texts(page, "当前用户：demo_pingdu", "范围：平度市")
        assert "无权查看" not in page.locator("body").inner_text()
        page.goto(f"{dashboard_url}/measures")  # a typed URL
        wait_for_texts(page, "图二 措施到户到人图", "当前用户：demo_pingdu")
        page.goto(f"{dashboard_url}/overview")  # every declared url_path opens its page
        wait_for_texts(page, "项核心目标中", "规划指标完成情况", "当前用户：demo_pingdu")
        assert exceptions_on(page) == []
        screenshot(page, ARTIFACTS / "session_after_reload.png")

        page.get_by_role("button", name="退出登录").click()
        wait_for_texts(page, "演示模式")
        page.wait_for_function(f"() => !document.cookie.includes('{COOKIE}=')", timeout=30_000)
        page.context.add_cookies([cookie])  # the old token, replayed, is refused: sign-out ended it
        page.reload()
        wait_for_texts(page, "演示模式")
        assert "当前用户：demo_pingdu" not in page.locator("body").inner_text()
