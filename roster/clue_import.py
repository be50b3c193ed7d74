"""Import department warning clues (部门预警线索) as a new snapshot: validate everything first, then write all or
nothing — the same reading, problem report and atomic publication as the roster import.

    python -m roster.clue_import --db PATH [--user NAME] [--report REPORT.xlsx] FILE...
    python -m roster.clue_import --db PATH --check FILE...                  (validate only)
    python -m roster.clue_import --template OUT.xlsx --source 医保局        (the template of one department)

A clue file (CSV or XLSX, one per department and month as pushed) has one row per person and event or bill:
身份证号, 推送部门, 线索类型, 所属月份, 金额（元） (医保), 说明. Each is matched to a roster household by the ID
number of any of its members, else to a 边缘户 of the near-poor list; an ID number on neither is kept as a clue
outside both (a 突发严重困难户 candidate) and listed in the report — never dropped. A clue already stored (same
person, kind, month and amount) is reported and not stored twice. The new snapshot is the latest one (or the base
database) with the clues added.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import io
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from roster.fields import AMOUNT_KINDS, CLUE_KINDS_BY_SOURCE, CLUE_TABLES, fields_of
from roster.idcard import is_valid
from roster.ingest import report_xlsx
from roster.schema import insert_frame
from roster.snapshot import (
    Derive,
    ImportFailed,
    Snapshot,
    clean_partials,
    latest_before,
    publish,
    publish_name,
    store_dir,
)
from roster.validate import WARNING, Problem, Validation, read_file
from storage.db import single
from storage.files import make_private, private_dir, use_private_umask
from storage.months import BASELINE

SHEET = CLUE_TABLES["warning_clue"][0]
KEY = ["id_number", "kind", "month", "amount_yuan"]


def current_database(db: Path) -> Path:
    """The file the dashboard reads now: the latest snapshot, else the base database."""
    latest = latest_before(db, dt.date.max)
    return latest.path if latest else db


def as_of_month(con: duckdb.DuckDBPyConnection) -> dt.date:
    return dt.date.fromisoformat(
        str(single(con.execute("SELECT value FROM dataset_meta WHERE key = 'as_of_month'"))) + "-01"
    )


def validate_clues(paths: list[Path], con: duckdb.DuckDBPyConnection) -> Validation:
    """Read and check clue files against the roster, the 边缘户 list and the clues of ``con``;
    ``result.tables['warning_clue']`` holds the rows to store, with ``household_id`` (a roster member's) or
    ``near_poor_id`` (a 边缘户 member's), both None for a person on neither."""
    result = Validation()
    frames = [frame for path in paths for _, frame in read_file(path, result, CLUE_TABLES)]
    if not frames:
        if not result.errors:
            names = "、".join(p.name for p in paths)
            result.problems.append(Problem(names, "", None, "", "", f"没有可导入的{SHEET}（见导入模板）"))
        return result
    clues = pd.concat(frames, ignore_index=True)
    as_of = pd.Timestamp(as_of_month(con))
    checks = [
        (
            "身份证号",
            "id_number",
            [isinstance(number, str) and not is_valid(number) for number in clues["id_number"]],
            "校验码不符，无法可靠匹配到人（请核对号码）",
        ),
        (
            "线索类型",
            "kind",
            [
                source in CLUE_KINDS_BY_SOURCE and kind not in dict(CLUE_KINDS_BY_SOURCE[source]).values()
                for source, kind in zip(clues["source_zh"], clues["kind"], strict=True)
            ],
            "不是该推送部门的线索类型",
        ),
        (
            "金额（元）",
            "amount_yuan",
            clues["kind"].isin(AMOUNT_KINDS) & clues["amount_yuan"].isna(),
            "住院、门诊须填金额",
        ),
        ("所属月份", "month", pd.to_datetime(clues["month"]) > as_of, f"晚于名册截至月份 {as_of:%Y-%m}"),
        ("所属月份", "month", pd.to_datetime(clues["month"]) < pd.Timestamp(BASELINE), "早于规划基期"),
    ]
    for header, column, bad, reason in checks:
        result.add(clues[pd.Series(bad, index=clues.index).fillna(False).astype(bool)], column, header, reason)
    if result.errors:
        return result
    clues = clues.merge(_people(con), on="id_number", how="left")
    outside = clues[clues["household_id"].isna() & clues["near_poor_id"].isna()]
    result.add(outside, "id_number", "身份证号", "不在名册和边缘户名单中：作为名册外线索保存", WARNING)
    stored = con.execute("SELECT id_number, kind, month, amount_yuan FROM warning_clue").df()
    clues["month"] = pd.to_datetime(clues["month"])
    stored["month"] = pd.to_datetime(stored["month"])
    stored["amount_yuan"] = stored["amount_yuan"].astype(float)
    keyed = clues.assign(amount_yuan=clues["amount_yuan"].astype(float))
    seen = keyed.merge(stored.assign(seen=True), on=KEY, how="left")["seen"].eq(True).to_numpy()
    repeated = seen | keyed.duplicated(KEY).to_numpy()
    result.add(clues[repeated], "id_number", "身份证号", "同一线索已导入过，不重复保存", WARNING)
    result.tables["warning_clue"] = clues[~repeated].reset_index(drop=True)
    return result


_PEOPLE = """
SELECT id_number, household_id, NULL AS near_poor_id FROM person
UNION ALL  -- a 边缘户 member registered since is found in the roster first
SELECT id_number, NULL, near_poor_id FROM near_poor_person
WHERE id_number NOT IN (SELECT id_number FROM person WHERE id_number IS NOT NULL)
"""


def _people(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each ID number's roster household or, off the roster, its 边缘户."""
    return con.execute(_PEOPLE).df().drop_duplicates("id_number")


def write_clues(db: Path, result: Validation, imported_by: str, *, derive: Derive) -> Snapshot:
    """Publish the current database with the validated clues added as a new snapshot of the same month, with
    what ``derive`` computes from them (``analytics.cubes.build_monitoring``)."""
    if result.errors:
        raise ImportFailed(f"有 {result.errors} 个错误，未导入")
    source = current_database(db)
    store = private_dir(store_dir(db))
    clean_partials(store)
    with duckdb.connect(str(source), read_only=True) as con:
        as_of = as_of_month(con)
    partial = store / f".{as_of:%Y-%m}.{os.getpid()}.partial"
    try:
        shutil.copyfile(source, partial)
        name = publish_name(store, as_of)
        with duckdb.connect(str(partial)) as con:
            first = int(single(con.execute("SELECT coalesce(max(clue_id), 0) + 1 FROM warning_clue")))
            clues = result.tables["warning_clue"]
            rows = clues.assign(
                clue_id=range(first, first + len(clues)),
                detail=clues["detail"].fillna(clues["kind"].map(_kind_labels())),
                month=pd.to_datetime(clues["month"]).dt.date,
            )[
                [
                    "clue_id",
                    "household_id",
                    "near_poor_id",
                    "id_number",
                    "source_zh",
                    "kind",
                    "month",
                    "amount_yuan",
                    "detail",
                ]
            ]
            insert_frame(con, "warning_clue", rows)
            derive(con)
            for key, value in (
                ("snapshot", name),
                ("imported_at", dt.datetime.now().isoformat(timespec="seconds")),
                ("imported_by", imported_by),
                ("clues_imported", str(len(rows))),
            ):
                con.execute("INSERT OR REPLACE INTO dataset_meta VALUES ($k, $v)", {"k": key, "v": value})
            con.execute("CHECKPOINT")
        make_private(partial)
        return publish(partial, store / name)
    except duckdb.Error as err:
        raise ImportFailed(f"数据库拒绝写入线索（{err}），未导入；请把文件和本消息交给管理员") from None
    except OSError as err:
        raise ImportFailed(f"写入快照文件失败（{err.strerror or err}），请检查磁盘空间和目录权限") from None
    finally:
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _kind_labels() -> dict[str, str]:
    return {kind: label for kinds in CLUE_KINDS_BY_SOURCE.values() for label, kind in kinds}


def import_clues(
    db: Path, files: list[Path], imported_by: str, *, derive: Derive
) -> tuple[Validation, Snapshot | None]:
    """Validate ``files`` against the current database and, when no error blocks it, publish them (with
    ``derive``: see :func:`write_clues`)."""
    with duckdb.connect(str(current_database(db)), read_only=True) as con:
        result = validate_clues(files, con)
    if result.errors:
        return result, None
    return result, write_clues(db, result, imported_by, derive=derive)


def template_bytes(source: str) -> bytes:
    """The clue template of one department: the headers (required ones marked), its kinds as a drop-down."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    kinds = [label for label, _ in CLUE_KINDS_BY_SOURCE[source]]
    for j, field in enumerate(fields_of("warning_clue"), start=1):
        cell = sheet.cell(row=1, column=j, value=field.header)
        cell.font = Font(bold=True)
        note = "必填" if field.required else "选填"
        cell.comment = Comment(f"{note}{'；' + field.note if field.note else ''}", "精准扶贫调度平台")
        letter = chr(ord("A") + j - 1)
        sheet.column_dimensions[letter].width = max(12, 2 * len(field.header) + 4)
        allowed = [source] if field.column == "source_zh" else kinds if field.column == "kind" else []
        if allowed:
            validation = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=False)
            validation.add(f"{letter}2:{letter}100000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None, *, derive: Derive) -> int:
    parser = argparse.ArgumentParser(prog="python -m roster.clue_import", description="导入部门预警线索")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--check", action="store_true", help="只校验，不写入")
    parser.add_argument("--report", type=Path, help="把问题清单写成 xlsx")
    parser.add_argument("--template", type=Path, help="生成一个推送部门的线索模板")
    parser.add_argument("--source", choices=list(CLUE_KINDS_BY_SOURCE), help="模板的推送部门")
    parser.add_argument("--user", default=getpass.getuser(), help="记录在快照中的导入人")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    use_private_umask()
    if args.template:
        if not args.source:
            print("错误：生成模板须用 --source 指定推送部门", file=sys.stderr)
            return 2
        args.template.write_bytes(template_bytes(args.source))
        print(f"已生成 {args.template}")
        return 0
    if not args.db or not args.files:
        print("错误：须指定 --db 和至少一个线索文件", file=sys.stderr)
        return 2
    if not args.db.exists():
        print(f"错误：找不到数据库 {args.db}", file=sys.stderr)
        return 2
    try:
        if args.check:
            with duckdb.connect(str(current_database(args.db)), read_only=True) as con:
                result, snapshot = validate_clues(args.files, con), None
        else:
            result, snapshot = import_clues(args.db, args.files, args.user, derive=derive)
    except ImportFailed as failed:
        print(f"错误：{failed}", file=sys.stderr)
        return 1
    for problem in result.report.itertuples(index=False):
        print("\t".join("" if pd.isna(v) else str(v) for v in problem))
    if args.report:
        args.report.write_bytes(report_xlsx(result))
    if result.errors:
        print(f"有 {result.errors} 个错误，未导入。", file=sys.stderr)
        return 1
    stored = len(result.tables.get("warning_clue", []))
    print(f"线索 {stored:,} 条{'校验通过' if args.check else f'已导入 → {snapshot.path.name}' if snapshot else ''}")
    return 0


if __name__ == "__main__":  # the entry point wires the layers: the snapshot carries the risk scores of its clues
    from analytics.cubes import build_monitoring

    sys.exit(main(derive=build_monitoring))
