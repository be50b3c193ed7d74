"""The app's server-side script (Streamlit AppTest): renders without exceptions, errors are clear."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_DIR


def run_app(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    monkeypatch.setenv("DASHBOARD_DB", str(db))
    monkeypatch.chdir(PROJECT_DIR)
    return AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=60).run()


def test_summary_page_shows_plan_totals(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    at = run_app(monkeypatch, demo_db)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["基期建档立卡户"] == "28,535"
    assert metrics["基期建档立卡人口"] == "63,887"
    assert metrics["省定贫困村 / 市定经济薄弱村"] == "200 / 310"
    assert metrics["经济薄弱镇"] == "10"
    assert any("示例数据（合成）" in w.value for w in at.warning)


def test_missing_database_gives_a_clear_message(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = run_app(monkeypatch, tmp_path / "absent.duckdb")
    assert not at.exception
    assert "找不到数据库文件" in at.error[0].value
    assert "DASHBOARD_DB" in at.error[0].value
