"""python -m analytics.monitoring backtest --db PATH [--top-n 20] [--seed 2017] [--every 1] [--json OUT] [--user NAME
[--password-stdin]]

Prints, side by side, recall@N, precision, AUC and lead time of the rules, the risk score and the naive baseline
at 3 and 6 months; ``--json`` also writes them as a list of records.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from access.cli import add_user_arguments
from analytics import fmt
from analytics.__main__ import CliError, _limit, _open
from analytics.monitoring.backtest import TOP_N, backtest
from analytics.monitoring.records import METHOD_LABELS, Record, as_json
from analytics.monitoring.score import SEED


def table(records: list[Record]) -> str:
    """The records as a plain-text table, one line per method and horizon."""
    lines = [
        f"{'方法':<14}{'期限':>6}{'召回率@N':>10}{'精确率':>8}{'AUC':>8}{'提前月数':>8}{'时点':>6}{'事件':>6}"
        f"{'返贫召回':>8}{'返贫事件':>6}{'新识别召回':>8}{'新识别事件':>6}"
    ]
    for r in records:
        lines.append(
            f"{METHOD_LABELS[r.method]:<14}{r.horizon_months:>5}月{fmt.percent(r.recall):>10}"
            f"{fmt.percent(r.precision):>10}{fmt.fixed(r.auc, 3):>9}{fmt.fixed(r.lead_months):>10}"
            f"{r.origins:>8}{r.events:>8}{fmt.percent(r.return_recall):>12}{r.return_events:>10}"
            f"{fmt.percent(r.new_recall):>13}{r.new_events:>11}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics.monitoring", description="防返贫监测预警")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("backtest", help="滚动回测：规则、风险评分与基线的召回率、精确率、AUC、提前期")
    run.add_argument("--db", type=Path, required=True)
    run.add_argument("--top-n", type=int, default=TOP_N, help="每个乡镇每月走访户数（默认 20）")
    run.add_argument("--seed", type=int, default=SEED)
    run.add_argument("--every", type=int, default=1, help="每隔几个月取一个回测时点（默认每月）")
    run.add_argument("--json", type=Path, help="把结果写成 JSON 记录列表")
    add_user_arguments(run, "以该账号运行（含真实名册时必须，且须为全市范围）")
    args = parser.parse_args(argv)
    try:
        if args.top_n < 1 or args.every < 1:
            raise CliError("--top-n 和 --every 必须是正整数")
        if _limit(args) is not None:
            raise CliError("回测覆盖全市各乡镇，须用全市范围的账号")
        with _open(args.db) as con:
            records = backtest(con, args.top_n, seed=args.seed, every=args.every)
    except CliError as problem:
        print(problem, file=sys.stderr)
        return 2
    print(f"每乡镇每月前 {args.top_n} 户；召回率、精确率按各时点合计")
    print(table(records))
    if args.json:
        args.json.write_text(json.dumps(as_json(records), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
