"""Benchmark harness: our analytics against a naive pandas baseline, side by side in one run.

    python -m bench [--scales 1,10] [--quick] [--repeat 5] [--json OUT] [--work bench_out]

For each scale (1 = Qingdao's roster; N = N copies) it generates or reuses a database and measures,
as medians of warm runs: each analytics question for a city, a district and a town scope; the pandas
baseline for the questions it answers the same way (bench/baseline.py, checked equal by a test); the
time floor (bytes of the raw tables the question is about ÷ memory bandwidth measured in the same run: a
cube answer can beat it); the cube build time (rebuilt and rolled back); each page's
full server-side run (AppTest); each map's JSON payload; the cold start (server process start to the end
of the first overview, over a websocket as a browser); generation time, database size and peak RSS.
``--quick`` runs scales 0.2 and 1 with 3 repeats and skips pages other than the overview (city scope).
``--browser`` adds every page in real Chromium at city, district and town scope, as a multiple of a trivial
Streamlit page measured in the same run (``bench/browser.py``). Pages, payloads and the city briefing are measured
at every scope the pages offer (city, 平度市, 蓼兰镇).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from analytics import (
    coverage,
    distribution,
    dynamics,
    goals,
    league,
    progress,
    quality,
    schedule,
    summary,
)
from analytics.cubes import build_cubes
from analytics.dataset import dataset_info
from analytics.scope import Scope
from bench import baseline
from bench.browser import browser_records
from bench.load import cold_start_s
from bench.measure import (
    cube_build_s,
    median_ms,
    memory_bandwidth,
    page_ms,
    peak_rss_mb,
    table_bytes,
)
from geo import maps
from reports.slides import build_briefing
from roster.generate import generate
from roster.schema import create_schema
from storage.months import BASELINE
from ui.navigation import DATA_PAGES

CHILD = {"city": "district", "district": "town", "town": "village"}
REBUILD_UP_TO = 10  # the cube build is timed again (rebuilt, rolled back) up to this scale; above, it takes minutes
PAGE_QUERIES = {"city": {}, "district": {"district": "370283"}, "town": {"district": "370283", "town": "370283108"}}
ROSTER_TABLES = ("household", "village", "town", "status_event", "person", "measure")
PAGES = DATA_PAGES
Question = tuple[
    Callable[[duckdb.DuckDBPyConnection, Scope], object],
    Callable[[dict[str, Any], Scope], object] | None,
    tuple[str, ...],
]


def questions() -> dict[str, Question]:
    """name → (ours, pandas baseline or None, tables it must read)."""

    def child(scope: Scope) -> str:
        return CHILD[scope.level]

    return {
        "progress_figures": (progress.progress_figures, None, ROSTER_TABLES[:5]),
        "remaining_persons": (
            lambda c, s: dynamics.scope_outcomes(c, s)["remaining_persons"],
            baseline.remaining_persons,
            ("household", "village", "town", "status_event", "person"),
        ),
        "coverage_by_area": (
            lambda c, s: coverage.coverage_by_area(c, s, child(s), "health"),
            lambda f, s: baseline.coverage(f, s, child(s), "health"),
            ("household", "village", "town", "status_event", "measure"),
        ),
        "poor_households_by_month": (
            lambda c, s: dynamics.poor_stock(c, s, child(s), BASELINE, s.as_of),
            lambda f, s: baseline.poor_households_by_month(f, s, child(s)),
            ("household", "village", "town", "status_event"),
        ),
        "remaining_curve": (progress.remaining_curve, None, ROSTER_TABLES[:5]),
        "goal_progress": (goals.goal_progress, None, ROSTER_TABLES),
        "back_schedule": (lambda c, s: schedule.back_schedule(c, s, child(s)), None, ROSTER_TABLES[:5]),
        "league_table": (league.league_table, None, ROSTER_TABLES),
        "area_metrics": (lambda c, s: distribution.area_metrics(c, s, child(s)), None, ROSTER_TABLES[:5]),
        "stock_flow_table": (lambda c, s: dynamics.stock_flow_table(c, s, None), None, ROSTER_TABLES[:5]),
        "quality_summary": (quality.quality_summary, None, ROSTER_TABLES),
        "district_summary": (summary.district_summary, None, ROSTER_TABLES[:5]),
    }


def _columns(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return set(con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall())


def has_current_schema(path: Path) -> bool:
    """``path`` has exactly the tables and columns of ``roster/schema.sql`` (else it is regenerated)."""
    with duckdb.connect() as fresh, duckdb.connect(str(path), read_only=True) as existing:
        create_schema(fresh)
        return _columns(fresh) == _columns(existing)


def ensure_db(work: Path, scale: float) -> tuple[Path, float | None]:
    """The database of a scale (generated when missing or made with another schema) and the seconds generation
    took (None if reused)."""
    path = work / f"scale{scale:g}.duckdb"
    if path.exists() and has_current_schema(path):
        return path, None
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    generate(2017, scale, path, derive=build_cubes)
    return path, time.perf_counter() - start


def baseline_runs(scale: float, repeat: int) -> tuple[int, bool]:
    """(runs, warm-up first) for the pandas baseline: half our repeats, or one cold run from scale 10 on, where a
    single pandas answer takes up to minutes (it works on frames already in memory, so it has nothing to warm)."""
    return (max(1, repeat // 2), True) if scale < 10 else (1, False)


def scopes(as_of: dt.date) -> dict[str, Scope]:
    return {"city": Scope(as_of), "district": Scope(as_of, "370283"), "town": Scope(as_of, "370283", "370283108")}


def run_scale(scale: float, args: argparse.Namespace, bandwidth: float) -> list[dict[str, Any]]:
    db, generated = ensure_db(args.work, scale)
    build = {
        "scale": scale,
        "kind": "build",
        "generate_s": generated,
        "cube_build_s": round(cube_build_s(db), 2) if scale <= REBUILD_UP_TO else None,
        "db_mb": round(db.stat().st_size / 1e6, 1),
    }
    con = duckdb.connect(str(db), read_only=True)
    as_of = dataset_info(con).as_of
    records: list[dict[str, Any]] = [
        build
        | {
            "households": con.execute("SELECT count(*) FROM household").fetchall()[0][0],
            "persons": con.execute("SELECT count(*) FROM person").fetchall()[0][0],
        }
    ]
    frames = None
    sizes = {t: table_bytes(con, (t,)) for t in ROSTER_TABLES}
    for name, (ours, naive, tables) in questions().items():
        for scope_name, scope in scopes(as_of).items():
            record: dict[str, Any] = {
                "scale": scale,
                "kind": "question",
                "question": name,
                "scope": scope_name,
                "ours_ms": round(median_ms(functools.partial(ours, con, scope), args.repeat), 1),
                "floor_ms": round(1000 * sum(sizes[t] for t in tables) / bandwidth, 2),
                "baseline_ms": None,
            }
            if naive is not None:
                frames = frames or baseline.load(con)
                record["baseline_ms"] = round(
                    median_ms(functools.partial(naive, frames, scope), *baseline_runs(scale, args.repeat)), 1
                )
            records.append(record)
            print(_line(record), flush=True)
    for scope_name, scope in scopes(as_of).items():
        level = CHILD[scope.level]
        specs = {
            "distribution": maps.distribution_map(con, scope, level, "remaining_persons", "quantile", 5, True)[0],
            "measures": maps.coverage_map(con, scope, level, "any", "quantile", 5)[0],
            "dynamics": maps.flow_map(con, scope, level, "exited", as_of, as_of, "quantile", 5)[0],
        }
        for page, spec in specs.items():
            records.append(
                {"scale": scale, "kind": "payload", "page": page, "scope": scope_name, "bytes": spec.payload_bytes}
            )
    city = scopes(as_of)["city"]
    briefing_ms = median_ms(functools.partial(build_briefing, con, city), 1, warm_up=False)
    records.append({"scale": scale, "kind": "briefing", "scope": "city", "ms": round(briefing_ms)})
    for page in PAGES[:1] if args.quick else PAGES:
        for scope_name, query in PAGE_QUERIES.items() if not args.quick else list(PAGE_QUERIES.items())[:1]:
            cold, warm = page_ms(db, page, args.repeat, query)
            records.append(
                {
                    "scale": scale,
                    "kind": "page",
                    "page": page,
                    "scope": scope_name,
                    "cold_ms": round(cold),
                    "warm_ms": round(warm),
                }
            )
    if args.browser:
        records += browser_records(db, scale, args.work)
    records.append(
        {"scale": scale, "kind": "cold_start", "seconds": round(cold_start_s(db, args.work / "cold-start.log"), 2)}
    )
    records.append({"scale": scale, "kind": "memory", "peak_rss_mb": round(peak_rss_mb())})
    return records


def _line(r: dict[str, Any]) -> str:
    ratio = f"{r['baseline_ms'] / r['ours_ms']:8.1f}×" if r.get("baseline_ms") and r["ours_ms"] else " " * 9
    multiple = r["ours_ms"] / r["floor_ms"] if r["floor_ms"] else None
    floor = "" if multiple is None else f"{multiple:8.2f}×" if multiple < 10 else f"{multiple:8.0f}×"
    baseline_ms = f"{r['baseline_ms']:10.1f}" if r.get("baseline_ms") is not None else " " * 10
    return (
        f"{r['scale']:>6g} {r['question']:<26} {r['scope']:<9} {r['ours_ms']:9.1f} {baseline_ms} {ratio}"
        f" {r['floor_ms']:9.2f} {floor}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--work", type=Path, default=Path("bench_out"))
    parser.add_argument("--browser", action="store_true", help="also every page in Chromium against the floor")
    args = parser.parse_args(argv)
    if args.quick:
        args.scales, args.repeat = "0.2,1", 3
    args.work.mkdir(parents=True, exist_ok=True)
    bandwidth = memory_bandwidth()
    print(f"memory bandwidth {bandwidth / 1e9:.1f} GB/s (copy, measured now)")
    print(
        f"{'scale':>6} {'question':<26} {'scope':<9} {'ours_ms':>9} {'pandas_ms':>10} {'ratio':>9} {'floor_ms':>9} "
        f"{'ours/floor':>9}"
    )
    records: list[dict[str, Any]] = [
        {
            "kind": "machine",
            "date": dt.date.today().isoformat(),
            "cpus": os.cpu_count(),
            "load_1min": round(os.getloadavg()[0], 2),
            "bandwidth_gb_s": round(bandwidth / 1e9, 1),
            "repeat": args.repeat,
        }
    ]
    for scale in (float(s) for s in args.scales.split(",")):
        records += run_scale(scale, args, bandwidth)
    for r in records:
        if r["kind"] != "question":
            print("  ".join(f"{k}={v}" for k, v in r.items()))
    if args.json:
        args.json.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
