"""Load test: N concurrent sessions against one running dashboard server, for a while.

    python -m bench.load --db data/demo.duckdb [--sessions 20] [--seconds 60] [--url http://host:port]

It starts ``streamlit run app.py`` on the database (one process: one shared read-only DuckDB connection,
shared caches) and opens N websocket connections speaking Streamlit's own protocol, as N browsers would.
Each session opens a shared link to a random scope (a new connection whose first ``rerun_script`` message
carries the page and the query string, as a browser loading the URL sends) and moves through one to three
random pages there, waiting for each run to finish and recording its time; then the next link. Reported: page runs,
errors (exceptions shown on a page, failed runs, dropped connections), wrong numbers, p50/p95 page times
and the server's peak RSS. Every overview's 脱贫人口 card is compared with the same figure computed once,
single-session, for that scope: concurrency must not change a number.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.typing import Origin, Subprotocol

from analytics.dataset import dataset_info
from analytics.progress import progress_figures
from analytics.scope import Scope
from bench.server import dashboard_server
from ui.navigation import PAGES as ALL_PAGES

# The pages every user has (ui.page), by name; the overview is the app's main page, at "/".
PAGES = ("overview", *[page.url_path for page in ALL_PAGES if page.permission is None][1:])
URL_PATHS = {"overview": ""} | {page: page for page in PAGES[1:]}
SCOPES: tuple[dict[str, str], ...] = (
    {},
    {"district": "370283"},
    {"district": "370285"},
    {"district": "370283", "town": "370283108"},
    {"district": "370211"},
)
EXPECTED_CARD = "脱贫人口"
KPI_CARD = re.compile(r"<div class='kpi-name'>([^<]+)</div><div class='kpi-figure'>([^<]+)</div>")  # ui.status.kpi_card


@dataclass
class Findings:
    times_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    checked: int = 0  # overview cards compared with the single-session figure


def scope_key(params: dict[str, str]) -> str:
    return params.get("town") or params.get("district") or "city"


def expected_cards(db: Path) -> dict[str, str]:
    """The overview's 脱贫人口 card per scope, computed once without concurrency."""
    with duckdb.connect(str(db), read_only=True) as con:
        as_of = dataset_info(con).as_of
        cards = {}
        for params in SCOPES:
            f = progress_figures(con, Scope(as_of, params.get("district"), params.get("town")))
            cards[scope_key(params)] = (
                f"{f.baseline_exited_persons:,} / {f.baseline_exited_persons + f.baseline_remaining_persons:,}人"
            )
        return cards


async def run_page(
    ws: websockets.ClientConnection, page: str, params: dict[str, str]
) -> tuple[float, dict[str, str], list[str]]:
    """Ask for one page run; (milliseconds to its end, KPI cards shown, exceptions shown)."""
    request = BackMsg()
    request.rerun_script.page_name = URL_PATHS[page]
    request.rerun_script.query_string = "&".join(f"{k}={v}" for k, v in params.items())
    start = time.perf_counter()
    await ws.send(request.SerializeToString())
    cards: dict[str, str] = {}
    exceptions: list[str] = []
    while True:
        message = ForwardMsg()
        message.ParseFromString(await ws.recv())
        kind = message.WhichOneof("type")
        if kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "html":
                cards.update(KPI_CARD.findall(element.html.body))
            elif element.WhichOneof("type") == "exception":
                exceptions.append(element.exception.message)
        elif kind == "page_not_found":
            exceptions.append(f"page not found: {page}")
        elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                exceptions.append("script did not compile")
            return (time.perf_counter() - start) * 1000, cards, exceptions


async def session(
    url: str, deadline: float, seed: int, expected: dict[str, str], pages: tuple[str, ...], findings: Findings
) -> None:
    """One simulated user until ``deadline``: opens a shared link to a random scope (a new connection, as a
    browser loading the URL) and moves through one to three random ``pages`` there; then the next link."""
    rng = random.Random(seed)
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    while time.monotonic() < deadline:
        params = rng.choice(SCOPES)
        try:
            browser = {"Cookie": f"_streamlit_xsrf=load-test-{seed}-{rng.random():.12f}"}  # each link: its own browser
            async with websockets.connect(
                stream,
                subprotocols=[Subprotocol("streamlit")],
                origin=Origin(url),
                max_size=None,
                additional_headers=browser,
            ) as ws:
                for _ in range(rng.randint(1, 3)):
                    page = rng.choice(pages)
                    ms, cards, exceptions = await asyncio.wait_for(run_page(ws, page, params), timeout=600)
                    findings.times_ms.append(ms)
                    findings.problems += [f"{page} {params}: {e}" for e in exceptions]
                    if page == "overview":
                        findings.checked += 1
                        if cards.get(EXPECTED_CARD) != expected[scope_key(params)]:
                            findings.problems.append(
                                f"wrong number on {scope_key(params)}: {cards.get(EXPECTED_CARD)} ≠ "
                                f"{expected[scope_key(params)]}"
                            )
        except (OSError, TimeoutError, websockets.WebSocketException) as err:
            findings.problems.append(f"session {seed}: {type(err).__name__}: {err}")


def cold_start_s(db: Path, log: Path) -> float:
    """Seconds from starting a server process on ``db`` to the end of the first overview's run."""

    async def first_overview(url: str) -> None:
        async with websockets.connect(
            url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=[Subprotocol("streamlit")],
            origin=Origin(url),
            max_size=None,
        ) as ws:
            await run_page(ws, "overview", {})

    start = time.perf_counter()
    with dashboard_server(db, log) as server:
        asyncio.run(first_overview(server.url))
        return time.perf_counter() - start


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory of a running process (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def load(
    url: str, sessions: int, seconds: float, expected: dict[str, str], pages: tuple[str, ...] = PAGES
) -> Findings:
    """``sessions`` concurrent sessions against the server at ``url`` for ``seconds``."""
    findings, deadline = Findings(), time.monotonic() + seconds
    await asyncio.gather(*(session(url, deadline, seed, expected, pages, findings) for seed in range(sessions)))
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--log", type=Path, default=Path("bench_out/load-server.log"))
    parser.add_argument(
        "--url", help="a running dashboard (e.g. replicas behind nginx) instead of starting one on --db"
    )
    args = parser.parse_args(argv)
    expected = expected_cards(args.db)
    if args.url:
        findings, where = asyncio.run(load(args.url, args.sessions, args.seconds, expected)), args.url
    else:
        with dashboard_server(args.db, args.log) as server:
            findings = asyncio.run(load(server.url, args.sessions, args.seconds, expected))
            where = f"one server (peak RSS {peak_rss_mb(server.pid):.0f} MB)"
    times = findings.times_ms
    p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else float("nan")
    print(
        f"{args.sessions} sessions × {args.seconds:.0f} s against {where}: {len(times)} page runs, "
        f"{len(findings.problems)} problems "
        f"({findings.checked} overview figures checked); p50 "
        f"{statistics.median(times) if times else float('nan'):.0f} ms, p95 {p95:.0f} ms"
    )
    for problem in findings.problems[:20]:
        print("  " + problem)
    return 1 if findings.problems or not times else 0


if __name__ == "__main__":
    raise SystemExit(main())
