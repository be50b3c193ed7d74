"""Command line access to the analytics, for scripts and checks.

python -m analytics progress --db PATH --as-of YYYY-MM [--district CODE] [--town CODE] [--json] [--user NAME
[--password-stdin]]
python -m analytics timings --db PATH
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from access.cli import add_user_arguments, signed_in
from access.session import holds_real_data
from access.store import AccessStore, LoginRefused, store_path
from analytics import dynamics, goals, league, progress, schedule
from analytics.dataset import dataset_info
from analytics.scope import Scope, resolve_scope
from storage.db import connect


class CliError(Exception):
    """A problem to report to the user in one line, exit code 2."""


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise CliError(f"找不到数据库 {path}（可用 python -m roster.generate 生成示例数据）")
    return connect(path)


def _limit(args: argparse.Namespace) -> str | None:
    """The area of ``--user`` after its password was checked (required once the database holds real data)."""
    if not args.user:
        if holds_real_data(args.db):
            raise CliError("数据库含真实名册，须用 --user 指定账号（并提供密码）")
        return None
    try:
        return signed_in(args.db, args).limit
    except LoginRefused as refused:
        raise CliError(str(refused)) from None


def _scope(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> Scope:
    """The requested scope under the same clamp as the dashboard: outside the user's area is refused (and audited)."""
    scope, notices = resolve_scope(con, dataset_info(con), args.as_of, args.district, args.town, limit=_limit(args))
    if notices:  # every refused request is audited: outside the area, a town not in the district, a bad month
        AccessStore(store_path(args.db)).record(
            args.user, "denied", command="analytics", district=args.district, town=args.town, reason="；".join(notices)
        )
        raise CliError("；".join(notices))
    return scope


def cmd_progress(args: argparse.Namespace) -> str:
    con = _open(args.db)
    figures = progress.progress_figures(con, _scope(con, args))
    if args.json:
        return json.dumps(figures.as_dict(), ensure_ascii=False, indent=2)
    return "\n".join(f"{key}: {value}" for key, value in figures.as_dict().items())


def timed_calls(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, Callable[[], object]]:
    """Every public analytics question for one scope (used for timings)."""
    return {
        "progress_figures": lambda: progress.progress_figures(con, scope),
        "remaining_curve": lambda: progress.remaining_curve(con, scope),
        "goal_progress": lambda: goals.goal_progress(con, scope),
        "back_schedule(district)": lambda: schedule.back_schedule(con, scope, "district"),
        "league_table": lambda: league.league_table(con, scope),
        "stock_flow_breaks(district)": lambda: dynamics.stock_flow_breaks(con, scope, "district"),
    }


def cmd_timings(args: argparse.Namespace) -> str:
    con = _open(args.db)
    info = dataset_info(con)
    scopes = {
        "全市": Scope(info.as_of),
        "平度市": Scope(info.as_of, district="370283"),
        "蓼兰镇": Scope(info.as_of, district="370283", town="370283108"),
    }
    lines = [f"{'函数':<30}" + "".join(f"{name:>12}" for name in scopes)]
    names = list(timed_calls(con, Scope(info.as_of)))
    results: dict[str, list[float]] = {name: [] for name in names}
    for scope in scopes.values():
        for name, call in timed_calls(con, scope).items():
            call()  # warm
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                call()
                runs.append((time.perf_counter() - start) * 1000)
            results[name].append(sorted(runs)[len(runs) // 2])
    for name in names:
        lines.append(f"{name:<30}" + "".join(f"{ms:>10.1f}ms" for ms in results[name]))
    return "\n".join(lines) + f"\n（中位数，{args.repeat} 次热运行；数据截至 {info.as_of:%Y-%m}）"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="扶贫目标进度分析")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("progress", help="目标进度数字")
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--as-of", required=True, help="YYYY-MM")
    p.add_argument("--district")
    p.add_argument("--town")
    p.add_argument("--json", action="store_true")
    add_user_arguments(p, "以该账号的范围运行（与看板相同的限制）")
    p.set_defaults(run=cmd_progress)
    t = sub.add_parser("timings", help="每个分析函数在该数据库上的耗时")
    t.add_argument("--db", type=Path, required=True)
    t.add_argument("--repeat", type=int, default=5)
    t.set_defaults(run=cmd_timings)
    args = parser.parse_args(argv)
    try:
        print(args.run(args))
    except CliError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
