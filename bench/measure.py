"""Measuring: median warm timings, memory bandwidth, the bytes a question must read, page runs, RSS."""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
SERVED_PACKAGES = ("access", "analytics", "cases", "geo", "reporting", "reports", "storage")  # what the pages use


def median_ms(call: Callable[[], object], repeat: int, warm_up: bool = True) -> float:
    """Median of ``repeat`` runs (after one unmeasured run, unless ``warm_up`` is false), in milliseconds."""
    if warm_up:
        call()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def cube_build_s(db: Path) -> float:
    """Seconds ``analytics.cubes.build_cubes`` takes to rebuild every cube of ``db`` (rolled back after)."""
    from analytics.cubes import build_cubes

    with duckdb.connect(str(db)) as con:
        con.begin()
        start = time.perf_counter()
        build_cubes(con)
        seconds = time.perf_counter() - start
        con.rollback()
    return seconds


def memory_bandwidth(megabytes: int = 256, repeat: int = 5) -> float:
    """Bytes per second this machine copies (read + write), measured now, side by side with the queries."""
    source = np.ones(megabytes * 1024 * 1024 // 8)
    target = np.empty_like(source)
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        np.copyto(target, source)
        seconds.append(time.perf_counter() - start)
    return 2 * source.nbytes / statistics.median(seconds)


def table_bytes(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> int:
    """In-memory (Arrow) size of whole tables: what a question reading them must at least scan."""
    return sum(con.sql(f"SELECT * FROM {t}").to_arrow_table().nbytes for t in tables)


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of the largest finished child process), MB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF).ru_maxrss / 1024


# A page that makes Streamlit and pandas load what they load lazily, once per process (Pillow's image plugins for
# the favicon, Streamlit's emoji table for the first alert, its check for a Python prompt on the first element,
# pandas' Styler for the first styled table): about 0.7 s that only the first page a server ever shows pays.
_SERVED_ONCE = f"""
import pandas as pd
import streamlit as st
st.set_page_config(page_icon={str(PROJECT_DIR / "assets" / "icon.png")!r})
st.warning("已启动")
st.table(pd.DataFrame({{"列": [1]}}).style)
"""


@functools.cache
def import_served_modules() -> float:
    """Milliseconds importing every module the pages use and running one page takes (done once per process): what
    a running server has behind it before a page's first view, so that a page's cold run is not charged with
    starting Python's libraries (pandas alone takes about 0.6 s) or with what Streamlit does once per process."""
    from streamlit.testing.v1 import AppTest

    start = time.perf_counter()
    for package in SERVED_PACKAGES:
        for module in pkgutil.walk_packages([str(PROJECT_DIR / package)], f"{package}."):
            if not module.name.endswith("__main__"):
                importlib.import_module(module.name)
    AppTest.from_string(_SERVED_ONCE).run()
    return (time.perf_counter() - start) * 1000


def page_ms(db: Path, page: str, repeat: int, query: dict[str, str] | None = None) -> tuple[float, float]:
    """(cold, median warm) milliseconds of one page's whole server-side script run (AppTest, demo viewer) with the
    URL's ``query`` (the scope): cold = the first run of the page (its caches empty, the modules imported as in a
    running server: :func:`import_served_modules`), warm = the median over ``repeat`` new sessions (each a new
    AppTest: a rerun of the same one would replay its widget states, which AppTest formats outside the script run
    and so without its small-count setting)."""
    import_served_modules()
    cold = _timed_page_run(db, page, query)
    return cold, statistics.median(_timed_page_run(db, page, query) for _ in range(repeat))


def _timed_page_run(db: Path, page: str, query: dict[str, str] | None) -> float:
    """Milliseconds of the page's run in a new AppTest session (after the overview it switches from)."""
    from streamlit.testing.v1 import AppTest

    os.environ["DASHBOARD_DB"] = str(db)
    app = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=1800)
    for key, value in (query or {}).items():
        app.query_params[key] = value
    if page != "views/overview.py":
        app.run()
        app.switch_page(page)
    start = time.perf_counter()
    app.run()
    ms = (time.perf_counter() - start) * 1000
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception[0].value}")
    return ms
