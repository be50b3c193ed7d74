"""The load test's harness drives a real server over websockets and notices a wrong number."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.load import expected_cards, load


def test_sessions_run_pages_and_check_numbers(demo_db: Path, dashboard_url: str) -> None:
    expected = expected_cards(demo_db)
    findings = asyncio.run(load(dashboard_url, 2, 4, expected, pages=("overview", "summary")))
    assert findings.times_ms and findings.checked > 0 and findings.problems == []
    wrong = {key: "0 / 0人" for key in expected}
    findings = asyncio.run(load(dashboard_url, 1, 1, wrong, pages=("overview",)))
    assert (
        findings.checked > 0
        and all(p.startswith("wrong number on") for p in findings.problems)
        and len(findings.problems) == findings.checked
    )
