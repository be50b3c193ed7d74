"""Uploading a roster on the 数据管理 page in Chromium, as an administrator: a broken file is refused with
its row and column and nothing changes; clean files become a snapshot the whole dashboard switches to,
after which the app asks everyone to sign in."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from access.store import AccessStore, store_path
from analytics.progress import progress_figures
from analytics.scope import Scope
from geo import boundaries
from roster.export import export_tables, write_files
from roster.idcard import check_digit
from roster.snapshot import list_snapshots
from tests.browser import browser_page, exceptions_on, screenshot, wait_for_texts
from tests.conftest import ARTIFACTS, streamlit_server
from tests.test_boundaries import _shapefile_zip
from tests.test_ingest import store_hash

AS_OF = dt.date(2017, 9, 1)
ADMIN = ("管理员甲", "an-admin-passw0rd")


def sign_in(page: Page, name: str, password: str, in_sidebar: bool, attempts: int = 3) -> None:
    """Fill the login form (in the sidebar's 登录 box in demo mode, on the page once login is required).

    A submit that reaches the server while the page's previous run is still being replaced can be dropped by
    Streamlit (the form stays filled-in or cleared, nobody signed in); like a person, try again."""
    where = page.locator('[data-testid="stSidebar"]') if in_sidebar else page.locator('[data-testid="stMain"]')
    for attempt in range(1, attempts + 1):
        wait_for_texts(page)
        if in_sidebar and not where.get_by_label("用户名").is_visible():
            where.get_by_text("登录", exact=True).first.click()
        where.get_by_label("用户名").fill(name)
        where.get_by_label("密码").fill(password)
        where.get_by_role("button", name="登录").click()
        try:
            wait_for_texts(page, f"当前用户：{name}", timeout_ms=40_000)
            return
        except (AssertionError, PlaywrightTimeout):
            screenshot(page, ARTIFACTS / f"sign-in-attempt-{attempt}.png")
            if attempt == attempts:
                raise


def open_page(page: Page, title: str, *texts: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()
    wait_for_texts(page, *texts)


def test_upload_refuses_bad_files_then_imports_a_snapshot(tmp_path: Path, demo_db: Path) -> None:
    base = Path(shutil.copy(demo_db, tmp_path / "base.duckdb"))
    AccessStore(store_path(base)).add_user(*ADMIN[:1], "admin", "city", ADMIN[1])
    with duckdb.connect(str(demo_db), read_only=True) as con:
        tables = export_tables(con, AS_OF)
        city = progress_figures(con, Scope(AS_OF))
    good = write_files({t: tables[t] for t in ("household", "person", "status_event")}, tmp_path / "good", "csv", "gbk")
    broken = tables["household"].copy()
    broken.loc[4, "家庭人口数"] = "五口"
    bad = write_files(
        {"household": broken, "person": tables["person"], "status_event": tables["status_event"]},
        tmp_path / "bad",
        "csv",
        "gbk",
    )
    before = store_hash(base)
    with streamlit_server(base, "streamlit-import.log") as url, browser_page(1600, 1000) as page:
        page.goto(url)
        wait_for_texts(page, "总览", "演示模式")
        assert (
            page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="数据管理").count() == 0
        )  # not for the demo viewer
        sign_in(page, *ADMIN, in_sidebar=True)
        open_page(page, "数据管理", "数据管理", "尚未导入名册", "下载导入模板")
        page.locator("input[type=file]").first.set_input_files([str(p) for p in bad])
        page.get_by_role("button", name="校验并导入", exact=True).click()
        wait_for_texts(page, "有 1 个错误，未导入", "应为整数，实际为“五口”", "下载完整问题清单")
        screenshot(page, ARTIFACTS / "data_import_refused.png")
        assert store_hash(base) == before and exceptions_on(page) == []

        open_page(page, "总览", "总览")  # leaving the page clears the uploader
        open_page(page, "数据管理", "尚未导入名册")
        page.locator("input[type=file]").first.set_input_files([str(p) for p in good])
        page.get_by_role("button", name="校验并导入", exact=True).click()
        wait_for_texts(page, "已导入", "2017-09_001.duckdb", ADMIN[0], timeout_ms=120_000)
        screenshot(page, ARTIFACTS / "data_import_done.png")
        assert [s.path.name for s in list_snapshots(base)] == ["2017-09_001.duckdb"]

        open_page(page, "总览", "建档立卡名册导入数据", "数据版本")
        persons = (
            f"{city.baseline_exited_persons:,} / {city.baseline_exited_persons + city.baseline_remaining_persons:,}人"
        )
        wait_for_texts(page, persons)
        assert "示例数据（合成），非真实名单" not in page.locator("body").inner_text()
        assert exceptions_on(page) == []

        # Real data now: this browser's reload keeps the admin's session (a real account), but a new visit
        # must sign in, and demo accounts no longer work.
        page.reload()
        wait_for_texts(page, f"当前用户：{ADMIN[0]}")
        page = page.context.browser.new_context(
            viewport={"width": 1920, "height": 1080}, locale="zh-CN"
        ).new_page()  # another browser
        page.goto(url)
        wait_for_texts(page, "请先登录")
        page.get_by_label("用户名").fill("demo_admin")
        page.get_by_label("密码").fill("demo-admin-2017")
        page.get_by_role("button", name="登录").click()
        wait_for_texts(page, "用户名或密码错误")
        sign_in(page, *ADMIN, in_sidebar=False)

        # Real town boundaries uploaded on the same page are used by the maps at once.
        open_page(page, "数据管理", "导入真实边界")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="选择边界文件")
        uploader.locator("input[type=file]").set_input_files(str(_pingdu_towns(tmp_path)))
        page.get_by_role("button", name="导入边界").click()
        wait_for_texts(page, "已匹配 17 个", "地图已改用新边界")
        screenshot(page, ARTIFACTS / "data_import_boundaries.png")
        open_page(page, "图一 贫困人口分布", "镇界：17 个为导入边界")
        assert exceptions_on(page) == []
    log = AccessStore(store_path(base)).audit(ADMIN[0])
    assert {"login", "import", "page_view"} <= set(log["action"])


def _pingdu_towns(folder: Path) -> Path:
    """平度市's 17 towns, 200 m smaller than the shipped shapes, as a zipped Shapefile in CGCS2000 / GK zone 40."""
    towns = boundaries.towns("full", imported=False)
    pingdu = towns[towns["district_code"] == "370283"]
    shrunk = pingdu.to_crs("EPSG:4547").assign(geometry=lambda t: t.geometry.buffer(-200))
    return _shapefile_zip(
        shrunk.rename(columns={"town_code": "code"})[["code", "name", "geometry"]], folder / "pingdu_towns"
    )


def test_department_clues_upload_as_a_snapshot_with_the_unmatched_listed(tmp_path: Path, demo_db: Path) -> None:
    """An administrator uploads a 医保局 clue file on 数据管理: one clue matches a roster member, one ID number is
    on no roster household nor 边缘户 — both are stored (the second as a clue outside both lists) and the second is
    listed."""
    base = Path(shutil.copy(demo_db, tmp_path / "base.duckdb"))
    AccessStore(store_path(base)).add_user(*ADMIN[:1], "admin", "city", ADMIN[1])
    with duckdb.connect(str(demo_db), read_only=True) as con:
        member = con.execute("SELECT id_number FROM person ORDER BY person_id LIMIT 1").fetchone()[0]
        before = con.execute("SELECT count(*) FROM warning_clue").fetchone()[0]
    outsider = "37028319700505123" + check_digit("37028319700505123")
    clues = tmp_path / "医保局_2017-09.csv"
    clues.write_text(
        "身份证号,推送部门,线索类型,所属月份,金额（元）,说明\n"
        f"{member},医保局,住院自付,2017-09,8000,住院\n{outsider},医保局,住院自付,2017-09,30000,住院\n",
        encoding="gbk",
    )
    with streamlit_server(base, "streamlit-clues.log") as url, browser_page(1600, 1000) as page:
        page.goto(url)
        sign_in(page, *ADMIN, in_sidebar=True)
        open_page(page, "数据管理", "导入部门预警线索", "下载医保局线索模板")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="选择线索文件")
        uploader.locator("input[type=file]").set_input_files(str(clues))
        page.get_by_role("button", name="校验并导入线索").click()
        wait_for_texts(page, "已导入 2 条线索", "不在名册和边缘户名单中：作为名册外线索保存")
        assert outsider not in page.locator("body").inner_text()  # the problem list masks the ID number
        screenshot(page, ARTIFACTS / "clue-import.png")
        assert exceptions_on(page) == []
    snapshots = list_snapshots(base)
    assert len(snapshots) == 1
    with duckdb.connect(str(snapshots[0].path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM warning_clue").fetchone()[0] == before + 2
        outside = "SELECT count(*) FROM warning_clue WHERE household_id IS NULL AND near_poor_id IS NULL"
        assert con.execute(outside).fetchone()[0] == 1  # (the demo's own clues all name a household or 边缘户)
