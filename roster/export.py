"""Export a roster database as import files under the template's Chinese headers (the inverse of ingest).

    python -m roster.export --db PATH [--month YYYY-MM] [--plain] [--format xlsx|csv] [--encoding gbk] --out DIR

A full export (default) holds every table with the 状态变动表, so an import rebuilds the same history. A
plain export (``--plain``) is what monthly exports of the national system look like: the households
still registered with their 贫困户状态 and 脱贫时间 at the month, and their current members, no events.
Household sizes are those of the month (the stored size less members who joined later, plus those who left later).
Personal data are exported as stored: the files are for moving a roster between systems, not for reading.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from roster.fields import TABLES, fields_of
from storage.cells import csv_text, neutralised_frame
from storage.db import single
from storage.files import use_private_umask
from storage.months import first_of_month

_LAST = """
WITH last AS (
    SELECT household_id, arg_max(event_type, (event_month, event_id)) AS last_type,
           max(event_month) FILTER (WHERE event_type = 'exited') AS exit_month
    FROM status_event WHERE person_id IS NULL AND event_month <= $month GROUP BY ALL
)
"""
_SQL = {
    "household": _LAST
    + """
        SELECT h.* REPLACE (h.size
                   + (SELECT count(*) FROM status_event e WHERE e.household_id = h.household_id
                       AND e.person_id IS NOT NULL
                      AND e.event_type = 'removed' AND e.event_month > $month)
                   - (SELECT count(*) FROM person p WHERE p.household_id = h.household_id
                       AND p.joined_month > $month) AS size),
               CASE l.last_type WHEN 'removed' THEN NULL WHEN 'exited' THEN 'exited' WHEN 'returned' THEN 'returned'
                   ELSE 'poor' END
                    AS poverty_status, l.exit_month
        FROM household h JOIN last l USING (household_id)
        WHERE $full OR l.last_type <> 'removed' ORDER BY h.household_id""",
    "person": _LAST
    + """
        SELECT p.* FROM person p JOIN last l USING (household_id)
        WHERE (p.joined_month IS NULL OR p.joined_month <= $month)
          AND ($full OR (l.last_type <> 'removed' AND NOT EXISTS (SELECT 1 FROM status_event e
               WHERE e.person_id = p.person_id AND e.event_type = 'removed' AND e.event_month <= $month)))
        ORDER BY p.person_id""",
    "status_event": "SELECT * FROM status_event WHERE event_month <= $month ORDER BY event_id",
    "measure": "SELECT * FROM measure WHERE start_month <= $month ORDER BY measure_id",
    "village_indicator": "SELECT * FROM village_indicator WHERE year <= year($month) ORDER BY village_code, year",
    "income": """SELECT * FROM income WHERE year <= year($month)
        AND household_id IN (SELECT household_id FROM status_event WHERE event_month <= $month) ORDER BY household_id,
            year""",
}
PLAIN_TABLES = ("household", "person")


def _as_text(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table's fields under their headers, written the way the template asks."""
    shown = {}
    for f in fields_of(table):
        values = frame[f.column] if f.column in frame else pd.Series(None, index=frame.index, dtype=object)
        if f.kind == "month":
            values = pd.to_datetime(values).dt.strftime("%Y-%m")
        elif f.kind == "date":
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif f.kind == "bool":
            values = values.map({True: "是", False: "否"})
        elif f.labels:
            values = values.map({code: label for label, code in f.labels})
        shown[f.header] = values.astype(object).where(values.notna(), None)
    return pd.DataFrame(shown)


def export_tables(con: duckdb.DuckDBPyConnection, month: dt.date, plain: bool = False) -> dict[str, pd.DataFrame]:
    """The roster at ``month`` as import tables with Chinese headers."""
    tables = PLAIN_TABLES if plain else tuple(_SQL)
    return {
        t: _as_text(
            con.execute(_SQL[t], {"month": month, "full": not plain} if "$full" in _SQL[t] else {"month": month}).df(),
            t,
        )
        for t in tables
    }


def write_files(
    tables: dict[str, pd.DataFrame], out: Path, fmt: str = "xlsx", encoding: str = "gb18030", stem: str = "名册"
) -> list[Path]:
    """One workbook with a sheet per table, or one CSV per table."""
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = out / f"{stem}.xlsx"
        with pd.ExcelWriter(path) as writer:
            for table, frame in tables.items():
                neutralised_frame(frame).to_excel(writer, sheet_name=TABLES[table][0], index=False)
        return [path]
    paths = []
    for table, frame in tables.items():
        paths.append(out / f"{stem}_{TABLES[table][0]}.csv")
        paths[-1].write_bytes(csv_text(frame).encode(encoding))
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m roster.export", description="把名册数据库导出为导入文件")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--month", help="截至月份 YYYY-MM（默认为数据的截至月份）")
    parser.add_argument("--plain", action="store_true", help="只导出户表和当前成员（不含状态变动表）")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--encoding", default="gb18030", help="CSV 编码（默认 GB18030，兼容 GBK）")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    use_private_umask()
    con = duckdb.connect(str(args.db), read_only=True)
    month_text = args.month or single(con.execute("SELECT value FROM dataset_meta WHERE key = 'as_of_month'"))
    month = first_of_month(month_text)
    paths = write_files(
        export_tables(con, month, args.plain), args.out, args.format, args.encoding, f"名册_{month_text}"
    )
    print("已导出 " + "、".join(str(p) for p in paths))


if __name__ == "__main__":
    main()
