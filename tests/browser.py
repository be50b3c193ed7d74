"""Headless Debian Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


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


def exceptions_on(page: Page) -> list[str]:
    """Texts of any exception boxes Streamlit rendered."""
    return page.locator('[data-testid="stException"]').all_inner_texts()


def screenshot(page: Page, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
