"""Monthly briefing:
``python -m reports.briefing --db PATH --as-of YYYY-MM [--district CODE] --out DIR [--user NAME --password-stdin]``.

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

from access.cli import add_user_arguments, signed_in
from access.session import holds_real_data
from access.store import AccessStore, LoginRefused, store_path
from analytics import fmt
from analytics.dataset import dataset_info
from analytics.scope import Scope, resolve_scope
from cases.store import CaseFrames, CaseStore, cases_path
from reporting.store import ReportFrames, ReportStore, reports_path
from reports.deck import write_deck
from reports.slides import ExportMark, build_briefing
from reports.static_map import render_map
from reports.workbook import write_workbook
from storage.db import connect
from storage.files import use_private_umask


@dataclass(frozen=True)
class BriefingFiles:
    deck: Path
    workbook: Path
    seconds: float


def file_stem(scope: Scope) -> str:
    return f"调度简报_{scope.area_code}_{scope.as_of:%Y-%m}"


def generate(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    out: Path,
    made_by: str,
    hide_small: bool = False,
    reports: ReportFrames | None = None,
    cases: CaseFrames | None = None,
) -> BriefingFiles:
    """Both files for one scope and month; ``made_by`` and the time go into each file's properties;
    ``hide_small``: the small-count rule of the exporting viewer; ``reports``: the sector reports; ``cases``: the
    monitoring cases."""
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with fmt.small_counts_hidden(hide_small):
        briefing = build_briefing(con, scope, hide_small, reports, cases)
        maps = {
            metric: render_map(con, scope, metric) for metric in {s.map_metric for s in briefing.slides if s.map_metric}
        }
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
    parser.add_argument("--reports", type=Path, help="部门报送数据文件（默认：数据库旁的 .reports.duckdb）")
    add_user_arguments(parser, "以该账号的范围生成（记入文件属性的导出人）；数据库含真实名册时必填")
    args = parser.parse_args(argv)
    use_private_umask()
    if not args.db.exists():
        print(f"错误：找不到数据库 {args.db}", file=sys.stderr)
        return 2
    user = None
    if args.user:
        try:
            user = signed_in(args.db, args)
        except LoginRefused as refused:
            print(f"错误：{refused}", file=sys.stderr)
            return 2
    elif holds_real_data(args.db):
        print("错误：数据库含真实名册，须用 --user 指定账号（并提供密码）", file=sys.stderr)
        return 2
    con = connect(args.db)
    scope, notices = resolve_scope(
        con, dataset_info(con), args.as_of, args.district, limit=user.limit if user else None
    )
    store = AccessStore(store_path(args.db))
    if notices:
        store.record(
            user.name if user else None, "denied", command="briefing", district=args.district, reason="；".join(notices)
        )
        print("错误：" + "；".join(notices), file=sys.stderr)
        return 2
    hide_small = user.suppresses_small_counts(scope.level) if user else False
    reports = ReportStore(args.reports or reports_path(args.db)).frames()
    cases = CaseStore(cases_path(args.db)).frames()
    files = generate(con, scope, args.out, user.name if user else getpass.getuser(), hide_small, reports, cases)
    store.record(user.name if user else None, "export", file=files.deck.name, command="briefing")
    print(f"已生成 {files.deck} 和 {files.workbook}，用时 {files.seconds:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
