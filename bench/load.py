"""Load test: N simulated sessions open random pages at random scopes for a while, against one database
file; reports errors, wrong numbers and p50/p95 page times.

Each session is a separate process running AppTest (its own Streamlit runtime and read-only DuckDB
connection to the same file). Threads were tried first: AppTest re-parses scripts with the ``ast``
module on every run, and CPython 3.11 fails on concurrent ``ast`` conversion ("AST constructor
recursion depth mismatch") — a harness problem a real server does not have, but it makes threaded
AppTest useless as a load generator.

    python -m bench.load --db data/demo.duckdb [--sessions 20] [--seconds 60]

Every overview run's first KPI is compared with the same figure computed once, single-session, for that
scope: concurrency must not change a number.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import time
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from analytics.dataset import dataset_info
from analytics.progress import progress_figures
from analytics.scope import Scope
from bench.__main__ import PAGES
from bench.measure import PROJECT_DIR, peak_rss_mb

SCOPES = ({}, {"district": "370283"}, {"district": "370285"}, {"district": "370283", "town": "370283108"}, {"district": "370211"})


def expected_persons(db: Path) -> dict[str, str]:
    """The overview's 脱贫人口 figure per scope, computed once without concurrency."""
    with duckdb.connect(str(db), read_only=True) as con:
        as_of = dataset_info(con).as_of
        out = {}
        for params in SCOPES:
            f = progress_figures(con, Scope(as_of, params.get("district"), params.get("town")))
            out[params.get("town") or params.get("district") or "city"] = f"{f.persons_baseline_exited:,} / {f.persons_baseline_exited + f.persons_baseline_remaining:,}人"
        return out


def session(deadline: float, seed: int, expected: dict[str, str]) -> tuple[list[float], list[str]]:
    """One simulated user until ``deadline``: page times and problems."""
    rng, times, problems = random.Random(seed), [], []
    while time.monotonic() < deadline:
        params, page = rng.choice(SCOPES), rng.choice(PAGES)
        app = AppTest.from_file(str(PROJECT_DIR / "app.py"), default_timeout=300)
        for key, value in params.items():
            app.query_params[key] = value
        start = time.perf_counter()
        try:
            app.run()
            if page != PAGES[0]:
                app.switch_page(page).run()
        except Exception as err:  # a crash of the harness or the page is a finding, not a reason to stop
            problems.append(f"{page} {params}: {type(err).__name__}: {err}")
            continue
        times.append((time.perf_counter() - start) * 1000)
        if app.exception:
            problems.append(f"{page} {params}: {app.exception[0].value}")
        elif page == PAGES[0]:
            shown = next((m.value for m in app.metric if m.label == "脱贫人口"), None)
            key = params.get("town") or params.get("district") or "city"
            if shown != expected[key]:
                problems.append(f"wrong number on {key}: {shown} ≠ {expected[key]}")
    return times, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args(argv)
    os.environ["DASHBOARD_DB"] = str(args.db)
    expected = expected_persons(args.db)
    deadline = time.monotonic() + args.seconds
    with multiprocessing.get_context("spawn").Pool(args.sessions) as pool:
        results = pool.starmap(session, [(deadline, i, expected) for i in range(args.sessions)])
    times = [t for part, _ in results for t in part]
    problems = [p for _, part in results for p in part]
    cuts = statistics.quantiles(times, n=20) if len(times) > 1 else [0] * 19
    print(f"{args.sessions} sessions × {args.seconds:.0f} s: {len(times)} page runs, {len(problems)} problems; "
          f"p50 {statistics.median(times):.0f} ms, p95 {cuts[18]:.0f} ms; peak RSS of one session process {peak_rss_mb(children=True):.0f} MB")
    for problem in problems[:20]:
        print("  " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
