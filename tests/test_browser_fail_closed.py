"""Issue 13 in a real browser: Markdown in stored data and in the URL stays text — no image is fetched, no link
is made — and masked values appear verbatim on the household card."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import duckdb

from access.store import store_path
from tests.browser import browser_page, exceptions_on, screenshot, wait_for_texts, watch
from tests.conftest import ARTIFACTS, streamlit_server
from tests.test_browser_import import open_page, sign_in

TRAP = "127.0.0.1:8699"  # nothing listens there: a request to it means data became markup
IMAGE, LINK = f"![t](http://{TRAP}/leak.png)", f"[点此核实](http://{TRAP}/phish)"
VILLAGE = {"district": "370283", "town": "370283108", "village": "370283108201"}


def _markup_on(page) -> dict[str, int]:
    return page.evaluate(f"""() => ({{
        links: [...document.querySelectorAll('a[href*="{TRAP}"]')].length,
        images: [...document.querySelectorAll('img[src*="{TRAP}"]')].length,
    }})""")


def test_stored_and_reflected_markdown_stay_text(tmp_path: Path, demo_db: Path) -> None:
    db = tmp_path / "markup.duckdb"
    shutil.copy(demo_db, db)
    shutil.copy(store_path(demo_db), store_path(db))
    with duckdb.connect(str(db)) as con:
        first = con.execute(
            "SELECT min(household_id) FROM household WHERE village_code = ?", [VILLAGE["village"]]
        ).fetchone()[0]
        con.execute(
            "UPDATE household SET helper_unit = ?, helper_name = '崔小云', phone = '18612344887' WHERE household_id = "
            "?",
            [IMAGE + LINK, first],
        )
    with streamlit_server(db, "streamlit-markup.log") as url, browser_page(1920, 1080) as page:
        seen = watch(page)
        link = quote("[登录已过期，请点此重新登录](http://" + TRAP + "/phish)")
        reflected = f"{url}/?district={link}&month={quote('![x](http://' + TRAP + '/beacon.png)')}"
        page.goto(reflected)
        wait_for_texts(page, "总览", "无法识别的值", "区市排名", "莱西市")
        assert _markup_on(page) == {"links": 0, "images": 0}
        screenshot(page, ARTIFACTS / "reflected_markdown.png")

        page.goto(f"{url}/?" + "&".join(f"{k}={v}" for k, v in VILLAGE.items()))
        wait_for_texts(page, "总览")
        sign_in(page, "demo_city", "demo-city-2017", in_sidebar=True)
        open_page(page, "图一 贫困人口分布", "户卡", "帮扶责任人")
        card = page.locator('[data-testid="stCaptionContainer"]', has_text="证件号码").first
        shown = card.inner_text().replace("\u2060", "")  # the invisible word joiner that keeps URLs from becoming links
        assert IMAGE + LINK in shown and "186****4887" in shown and "崔*云" in shown, shown
        assert _markup_on(page) == {"links": 0, "images": 0} and exceptions_on(page) == []
        card.scroll_into_view_if_needed()
        screenshot(page, ARTIFACTS / "household_card_markup.png")
    assert not [u for u in seen["requests"] if TRAP in u]
