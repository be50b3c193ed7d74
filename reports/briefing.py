"""Monthly briefing: ``python -m reports.briefing --db PATH --as-of YYYY-MM [--district CODE] --out DIR``.

Writes ``调度简报_<scope code>_<YYYY-MM>.pptx`` and ``.xlsx`` (deterministic names) and prints the time taken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.dataset import dataset_info
from analytics.db import connect
from analytics.scope import Scope, resolve_scope
from reports.deck import write_deck
from reports.slides import ExportMark, build_briefing
from reports.static_map import render_map
from reports.workbook import write_workbook


@dataclass(frozen=True)
class BriefingFiles:
    deck: Path
    workbook: Path
    seconds: float


def file_stem(scope: Scope) -> str:
    return f"调度简报_{scope.area_code}_{scope.as_of:%Y-%m}"


def generate(con: duckdb.DuckDBPyConnection, scope: Scope, out: Path, made_by: str) -> BriefingFiles:
    """Both files for one scope and month; ``made_by`` and the time go into each file's properties."""
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    briefing = build_briefing(con, scope)
    maps = {metric: render_map(con, scope, metric) for metric in {s.map_metric for s in briefing.slides if s.map_metric}}
    made = ExportMark(made_by, dt.datetime.now())
    deck = write_deck(briefing, maps, out / f"{file_stem(scope)}.pptx", made)
    workbook = write_workbook(briefing, out / f"{file_stem(scope)}.xlsx", made)
    return BriefingFiles(deck, workbook, time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reports.briefing", description="生成月度调度简报（PPTX + Excel）")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--as-of", required=True, help="YYYY-MM")
    parser.add_argument("--district")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--user", default=getpass.getuser(), help="记入文件属性的导出人")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"错误：找不到数据库 {args.db}", file=sys.stderr)
        return 2
    con = connect(args.db)
    scope, notices = resolve_scope(con, dataset_info(con), args.as_of, args.district)
    if notices:
        print("错误：" + "；".join(notices), file=sys.stderr)
        return 2
    files = generate(con, scope, args.out, args.user)
    print(f"已生成 {files.deck} 和 {files.workbook}，用时 {files.seconds:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
