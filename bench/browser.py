"""The browser budget: every page in real Chromium (Debian's, driven by Playwright) from navigation to settled,
beside a one-line Streamlit page measured the same way in the same run (the floor no page can beat).

*Settled* = the page's script run has finished (Streamlit's ``script_finished`` message on the page's own
websocket) and the browser has drawn it (no running indicator, no faded element of an earlier run), with no
further run starting within ``QUIET_MS`` (else the next run's end counts). Each measurement opens a new tab,
so each is a new session; the server's caches are shared, as for real users. The floor is measured before
every page and reported as the run's median.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, WebSocket, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.server import dashboard_server
from ui.navigation import PAGES

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1920, "height": 1080}
QUIET_MS = 400  # a run that starts this soon after the last one ended belongs to the same navigation
FLOOR_SCRIPT = 'import streamlit as st\n\nst.write("基准页")\n'
SCOPE_QUERIES = {"city": "", "district": "?district=370283", "town": "?district=370283&town=370283108"}
_DRAWN = (
    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
    " && !document.querySelector('[data-stale=\"true\"]')"
)


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium (no browser download)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def settled_ms(browser: Browser, url: str, timeout_s: float) -> float | None:
    """Milliseconds from navigating a new tab to ``url`` until the page has settled; None after ``timeout_s``."""
    page: Page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")  # type: ignore[arg-type]
    runs: list[tuple[str, float]] = []

    def watch(socket: WebSocket) -> None:
        def received(payload: str | bytes) -> None:
            if isinstance(payload, bytes):
                message = ForwardMsg.FromString(payload)
                kind = message.WhichOneof("type")
                if kind == "new_session" or (
                    kind == "script_finished"
                    and message.script_finished != ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                ):
                    runs.append((kind, time.perf_counter()))

        socket.on("framereceived", received)

    page.on("websocket", watch)
    try:
        start = time.perf_counter()
        page.goto(url)
        deadline = start + timeout_s
        while time.perf_counter() < deadline:
            page.wait_for_timeout(20)
            if not runs or runs[-1][0] != "script_finished":
                continue
            seen = len(runs)
            page.wait_for_function(_DRAWN, polling="raf", timeout=max(1.0, deadline - time.perf_counter()) * 1000)
            drawn = time.perf_counter()
            page.wait_for_timeout(QUIET_MS)
            if len(runs) == seen:  # no further run: this navigation has settled
                return (drawn - start) * 1000
        return None
    finally:
        page.close()


def browser_records(db: Path, scale: float, work: Path, timeout_s: float = 600) -> list[dict[str, Any]]:
    """``{kind: "browser", scale, page, scope, ms, floor_ms}`` for every page every signed-in user has, at city,
    district and town scope (``ms`` None when it did not settle within ``timeout_s``)."""
    floor_app = work / "floor_app.py"
    floor_app.write_text(FLOOR_SCRIPT, encoding="utf-8")
    pages = [spec for spec in PAGES if spec.permission is None]
    records: list[dict[str, Any]] = []
    floors: list[float] = []
    with (
        dashboard_server(db, work / f"browser-{scale:g}.log") as app,
        dashboard_server(db, work / "browser-floor.log", script=floor_app) as floor,
        chromium() as browser,
    ):
        settled_ms(browser, floor.url, timeout_s)  # the browser's own cache of Streamlit's scripts, warmed once
        for spec in pages:
            for scope, query in SCOPE_QUERIES.items():
                floors.append(settled_ms(browser, floor.url, timeout_s) or float("nan"))
                path = "" if spec is PAGES[0] else spec.url_path
                ms = settled_ms(browser, f"{app.url}/{path}{query}", timeout_s)
                records.append({"kind": "browser", "scale": scale, "page": spec.path, "scope": scope, "ms": ms})
                print(f"{scale:>6g} browser {spec.url_path:<14} {scope:<9} {ms or float('nan'):9.0f} ms", flush=True)
    floor_ms = round(statistics.median(floors))
    return [r | {"ms": None if r["ms"] is None else round(r["ms"]), "floor_ms": floor_ms} for r in records]
