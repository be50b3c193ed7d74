"""The 监测预警 page in Chromium, on a copy of the demo data: a township monitor sees its town's flagged households
(masked) with their reasons, opens a case from a flag, records the visit that finds no risk — and the case is
closed as 不纳入监测, with both steps in the case history and the audit log."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from playwright.sync_api import Page

from access.store import AccessStore, store_path
from analytics.monitoring.records import Record, as_json, stored_path
from cases.store import CaseStore, cases_path
from reporting.store import reports_path
from tests.browser import browser_page, exceptions_on, screenshot, wait_for_texts
from tests.conftest import ARTIFACTS, streamlit_server
from tests.test_browser_import import open_page, sign_in

MONITOR = ("demo_monitor_liaolan", "demo-monitor-2017")


COLUMN_JS = """(header) => {
  const tables = [...document.querySelectorAll('[data-testid="stTable"] table')];
  const table = tables.find((t) => [...t.querySelectorAll("thead th")].some((th) => th.innerText.trim() === header));
  if (!table) return null;
  const i = [...table.querySelectorAll("thead th")].findIndex((th) => th.innerText.trim() === header);
  return [...table.querySelectorAll("tbody tr")].map((row) => row.querySelectorAll("td")[i].innerText.trim());
}"""


def table_column(page: Page, header: str) -> list[str]:
    """The cells of the first table on the page that has ``header``, as drawn (tables arrive after the texts
    around them: waited for)."""
    page.wait_for_function(f"() => ({COLUMN_JS})({header!r}) !== null", timeout=60_000)
    return list(page.evaluate(COLUMN_JS, header))


def test_a_monitor_opens_a_case_from_a_flag_and_closes_it_after_the_visit(tmp_path: Path, demo_db: Path) -> None:
    db = tmp_path / "demo.duckdb"
    for source in (demo_db, reports_path(demo_db), cases_path(demo_db), store_path(demo_db)):
        shutil.copy(source, tmp_path / source.name)
    # A stored backtest (hand-made figures): the page shows its returns and 新识别 columns as written.
    record = Record("score", 3, 20, 0.496, 0.014, 0.801, 1.8, 6, 252, 120, 105, 0.371, 147, 0.585)
    stored_path(db).write_text(json.dumps(as_json([record])), encoding="utf-8")
    before = CaseStore(cases_path(db)).cases()
    with streamlit_server(db, "streamlit-monitoring.log") as url, browser_page(1920, 1080) as page:
        page.goto(url + "/")
        sign_in(page, *MONITOR, in_sidebar=True)
        open_page(page, "监测预警", "预警户与建议走访名单", "红色预警户", "蓼兰镇")
        heads, reasons = table_column(page, "户主"), table_column(page, "预警原因")
        assert len(heads) == 50 and all(re.fullmatch(r"\S\*\S?", h) for h in heads), heads  # masked, verbatim
        assert "本年住院自付累计≥5,000元（脱贫户）" in reasons
        # The worklist's first case was 监测帮扶中: its measures form raised (measure_choices asked with a scope).
        wait_for_texts(page)  # the whole run has ended
        assert "页面出现错误" not in page.locator("body").inner_text()
        watched = table_column(page, "对象")
        assert len(watched) == 50 and set(watched) <= {"脱贫户", "边缘户"} and "边缘户" in watched, watched
        assert table_column(page, "其中返贫") == ["37.1%"] and table_column(page, "其中新识别") == ["58.5%"]
        assert table_column(page, "事件数（返贫/新识别）") == ["105/147"]
        screenshot(page, ARTIFACTS / "monitoring-page.png")

        form = page.locator('[data-testid="stForm"]').filter(has_text="立案核实的预警户")
        form.get_by_role("button", name="立案核实").click()
        wait_for_texts(page, "立案核实已办理（第")
        opened = CaseStore(cases_path(db)).cases()
        assert len(opened) == len(before) + 1
        new = opened.iloc[0]
        assert (new["state"], new["town_code"]) == ("verifying", "370283108")
        wait_for_texts(page, f"立案核实已办理（第{new['case_id']}号案件）")
        chosen = page.get_by_label("案件", exact=True).input_value()
        assert chosen == f"第{new['case_id']}号 · 待入户核实", chosen  # the new case is the one to work next

        step = page.locator('[data-testid="stForm"]').filter(has_text="核实结论")
        step.get_by_label("核实结论").fill("入户核实：已外出务工，收入稳定")
        step.get_by_text("经核实无风险，不纳入").click()
        step.get_by_role("button", name="提交核实结论").click()
        wait_for_texts(page, f"入户核实已办理（第{new['case_id']}号案件）")
        screenshot(page, ARTIFACTS / "monitoring-closed.png")
        assert exceptions_on(page) == []

    closed = CaseStore(cases_path(db)).cases().set_index("case_id").loc[new["case_id"]]
    mine = CaseStore(cases_path(db)).steps().query("actor == @MONITOR[0]").head(5).to_string()
    assert (closed["state"], closed["close_reason"]) == ("rejected", "核实、审核或审定不予纳入"), mine
    steps = CaseStore(cases_path(db)).steps(int(new["case_id"])).sort_values("step_id")
    assert steps["action"].tolist() == ["open", "verify"] and set(steps["actor"]) == {MONITOR[0]}
    audited = AccessStore(store_path(db)).audit(user=MONITOR[0], action="monitor")
    assert len(audited) == 2 and audited["details"].str.contains('"done": true').all()
