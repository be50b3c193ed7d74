"""Sector reporting from the command line.

python -m reporting demo --db data/demo.duckdb     (the synthetic report history of a synthetic roster)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reporting.demo import write_demo_history
from reporting.store import ReportStore, reports_path
from storage.db import connect, single
from storage.files import use_private_umask


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reporting", description="部门指标报送")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="为示例名册生成合成的报送历史（仅限合成数据）")
    demo.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    use_private_umask()
    with connect(args.db) as con:
        if single(con.execute("SELECT value FROM dataset_meta WHERE key = 'source'")) != "synthetic":
            sys.exit("只能为合成的示例名册生成示例报送数据")
        steps = write_demo_history(con, ReportStore(reports_path(args.db)))
    print(f"示例报送历史：{steps:,} 个步骤 → {reports_path(args.db)}")


if __name__ == "__main__":
    main()
