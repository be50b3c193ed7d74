"""Monitoring cases from the command line.

python -m cases demo --db data/demo.duckdb     (a synthetic case history for a synthetic roster)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.dataset import dataset_info
from analytics.monitoring.demo import demo_cases
from cases.store import cases_path
from storage.db import connect
from storage.files import use_private_umask


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m cases", description="防返贫监测案件")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="为示例名册生成合成的监测案件历史（仅限合成数据）")
    demo.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    use_private_umask()
    with connect(args.db) as con:
        if not dataset_info(con).is_synthetic:
            sys.exit("只能为合成的示例名册生成示例监测案件")
        steps = demo_cases(con, cases_path(args.db))
    print(f"示例监测案件：{steps:,} 个步骤 → {cases_path(args.db)}")


if __name__ == "__main__":
    main()
