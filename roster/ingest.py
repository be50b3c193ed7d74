"""Import roster files as a new snapshot: validate everything first, then write all or nothing.

    python -m roster.ingest --db PATH --as-of YYYY-MM [--user NAME] [--report REPORT.xlsx] FILE...
    python -m roster.ingest [--db PATH] [--as-of YYYY-MM] --check FILE...      (validate only; with the same --db and
                                                                            --as-of it refuses exactly what the import
                                                                            refuses)

Tables (户表, 人员表, 帮扶措施表, 村级指标表, 状态变动表, 收入表) are recognised by their Chinese headers in
CSV (UTF-8 or GBK) and XLSX files. Exit code 0 only when the snapshot was written (or, with --check,
when nothing blocks an import); 1 when anything was refused, with the report; 2 for usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import io
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

from roster.snapshot import Derive, ImportFailed, Snapshot, latest_before, write_snapshot
from roster.validate import Known, Validation, validate
from storage.cells import neutralised_frame
from storage.files import use_private_umask
from storage.months import BASELINE, current_month, parse_month


def known_in(db: Path, as_of: dt.date | None) -> Known:
    """Codes of the reference database and the roster of the snapshot a new import is compared with."""
    reference = duckdb.connect(str(db), read_only=True)
    previous_snapshot = latest_before(db, as_of) if as_of else None
    previous = duckdb.connect(str(previous_snapshot.path), read_only=True) if previous_snapshot else None
    try:
        return Known.from_db(reference, previous)
    finally:
        reference.close()
        if previous:
            previous.close()


def as_of_refusal(as_of: dt.date) -> str | None:
    """Why a roster cannot be as of ``as_of``: before the plan's baseline month, or in the future."""
    if as_of < BASELINE:
        return f"截至月份 {as_of:%Y-%m} 早于规划基期 {BASELINE:%Y-%m}"
    if as_of > current_month():
        return f"截至月份 {as_of:%Y-%m} 晚于本月 {current_month():%Y-%m}"
    return None


def import_files(
    db: Path, files: list[Path], as_of: dt.date, imported_by: str, *, derive: Derive
) -> tuple[Validation, Snapshot | None]:
    """Validate ``files`` and, when no error blocks it, write them (with what ``derive`` adds) as a new snapshot of
    ``db``."""
    if refusal := as_of_refusal(as_of):
        raise ImportFailed(refusal)
    result = validate(files, known_in(db, as_of), as_of)
    if result.errors:
        return result, None
    return result, write_snapshot(db, result, as_of, files, imported_by, derive=derive)


def report_xlsx(result: Validation) -> bytes:
    """The full problem list as an xlsx file, with the summary counts on a second sheet."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        neutralised_frame(result.report).to_excel(writer, sheet_name="问题清单", index=False)
        pd.DataFrame({"项目": ["错误", "警告"], "条数": [result.errors, result.warnings]}).to_excel(
            writer, sheet_name="汇总", index=False
        )
    return buffer.getvalue()


def _month(text: str) -> dt.date:
    month = parse_month(text)
    if month is None:
        raise argparse.ArgumentTypeError(f"应为 YYYY-MM，收到 {text}")
    return month


def _print_report(result: Validation, report_path: Path | None) -> None:
    report = result.report
    if report_path:
        report_path.write_bytes(report_xlsx(result))
    for row in report.head(50).itertuples(index=False):
        print("｜".join("" if pd.isna(v) else str(v) for v in row))
    if len(report) > 50:
        print(
            f"……共 {len(report)} 条" + (f"，完整清单见 {report_path}" if report_path else "，用 --report 导出完整清单")
        )
    print(
        f"错误 {result.errors} 条，警告 {result.warnings} 条"
        + ("；未发现阻止导入的问题" if result.errors == 0 else "；未导入")
    )


def main(argv: list[str] | None = None, *, derive: Derive) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m roster.ingest", description="校验并导入建档立卡名册文件（CSV/XLSX）"
    )
    parser.add_argument("--db", type=Path, help="数据库（导入的快照写在其旁边的 .snapshots 目录）")
    parser.add_argument("--as-of", type=_month, help="名册的截至月份 YYYY-MM")
    parser.add_argument("--user", default=getpass.getuser(), help="记录在快照中的导入人")
    parser.add_argument("--report", type=Path, help="把问题清单写入 xlsx")
    parser.add_argument("--check", action="store_true", help="只校验，不写入")
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    use_private_umask()
    missing = [p for p in [*args.files, *([args.db] if args.db else [])] if not p.exists()]
    if missing:
        print("错误：找不到文件 " + "、".join(str(p) for p in missing), file=sys.stderr)
        return 2
    if not args.check and (args.db is None or args.as_of is None):
        print("错误：导入需要 --db 和 --as-of（只校验请加 --check）", file=sys.stderr)
        return 2
    if args.as_of and (refusal := as_of_refusal(args.as_of)):
        print(f"错误：{refusal}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    known = known_in(args.db, args.as_of) if args.db else Known()
    result = validate(
        args.files, known, args.as_of
    )  # --check with the same --db and --as-of decides as the import does
    _print_report(result, args.report)
    if args.check or result.errors:
        return 0 if result.errors == 0 and args.check else 1
    try:
        snapshot = write_snapshot(args.db, result, args.as_of, args.files, args.user, derive=derive)
    except ImportFailed as err:
        print(f"错误：{err}", file=sys.stderr)
        return 1
    counts = "，".join(f"{table} {len(frame):,} 行" for table, frame in result.tables.items())
    print(f"已写入快照 {snapshot.path}（{counts}；用时 {time.perf_counter() - started:.1f} 秒）")
    return 0


if __name__ == "__main__":  # the entry point wires the layers: snapshots carry the analytics cubes
    from analytics.cubes import build_cubes

    sys.exit(main(derive=build_cubes))
