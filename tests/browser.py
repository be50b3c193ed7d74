"""Headless Debian Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from bench.browser import CHROMIUM, FLAGS


@contextmanager
def browser_page(width: int = 1600, height: int = 1000) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            yield page
        finally:
            browser.close()


def wait_for_texts(page: Page, *texts: str, timeout_ms: int = 60_000) -> None:
    """Wait until Streamlit has finished the script run and every text is on the page.

    Elements such as tables arrive a little after the script ends, so each text is awaited with retries.
    """
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    body = page.locator("body")
    for text in texts:
        expect(body).to_contain_text(text, timeout=timeout_ms)
    # Elements of the previous run stay on screen, faded, until the new run replaces them.
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')", timeout=timeout_ms)


def exceptions_on(page: Page) -> list[str]:
    """Texts of any exception boxes Streamlit rendered."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def screenshot(page: Page, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def drawn_share(page: Page, selector: str = '[data-testid="stDeckGlJsonChart"]') -> float:
    """Share of the map element's pixels that are not page background (white or near white)."""
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(page.locator(selector).first.screenshot())).convert("RGB")
    pixels = list(image.get_flattened_data())
    coloured = sum(1 for r, g, b in pixels if min(r, g, b) < 235)
    return coloured / max(len(pixels), 1)


def wait_for_map(page: Page, minimum: float = 0.05, timeout_s: float = 60) -> float:
    """Wait until the deck canvas has drawn at least ``minimum`` of its area."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        share = drawn_share(page)
        if share >= minimum or time.monotonic() > deadline:
            return share
        time.sleep(0.5)


STREAMLIT_PROBE_404 = "Failed to load resource: the server responded with a status of 404"


def watch(page: Page) -> dict[str, list[str]]:
    """Record every request URL, console error and HTTP error of a page.

    Opened on a page's own path (e.g. ``/distribution``), Streamlit's front end first probes
    ``<path>/_stcore/health`` and ``host-config`` in case the app is served under that base path; those
    404s are its normal start-up and are kept apart from real errors by :func:`problems`.
    """
    seen: dict[str, list[str]] = {"requests": [], "console": [], "http_errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("websocket", lambda w: seen["requests"].append(w.url))
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: seen["http_errors"].append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return seen


def problems(seen: dict[str, list[str]]) -> dict[str, list[str]]:
    """Console errors and HTTP errors other than Streamlit's base-path probes, and requests off localhost."""
    from urllib.parse import urlparse

    probes = [
        e
        for e in seen["http_errors"]
        if e.startswith("404 ") and e.endswith(("/_stcore/health", "/_stcore/host-config"))
    ]
    other_http = [e for e in seen["http_errors"] if e not in probes]
    console = [e for e in seen["console"] if not e.startswith(STREAMLIT_PROBE_404)]
    console += [e for e in seen["console"] if e.startswith(STREAMLIT_PROBE_404)][len(probes) :]
    outside = [
        u
        for u in seen["requests"]
        if not u.startswith(("data:", "blob:")) and urlparse(u).hostname not in ("127.0.0.1", "localhost")
    ]
    return {k: v for k, v in {"console": console, "http": other_http, "outside": outside}.items() if v}


def url_query(page: Page) -> dict[str, str]:
    """The page's current query parameters (``window.location``, which Streamlit updates in place)."""
    from urllib.parse import parse_qs, urlparse

    return {k: v[0] for k, v in parse_qs(urlparse(page.evaluate("window.location.href")).query).items()}
