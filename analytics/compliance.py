"""Policy standards checked record by record (措施记录核对): for each target a single measure record must keep (公益
岗位补贴 ≥ 500 元/人/月, 富民农户贷 ≤ 5 万元, 光伏扶贫收益 ≥ 3,000 元/户/年), the records in the scope that do not.

Averaged standards (助学金 and 养老保险补贴 on average) and coverage rules are judged on the whole, not per record,
so they have no such list (``analytics.goals``)."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.goals import ANNUALISED, EVALUATORS, SCOPED_MEASURES, AnnualStandard, RowsWithin
from analytics.scope import Scope
from analytics.sql import execute
from storage.db import single

RECORD_COLUMNS = ["household_id", "town_name", "village_name", "start_month", "end_month", "amount_yuan", "annualised"]
SHOWN_RECORDS = 200


def record_rules() -> dict[str, str]:
    """Targets with a rule every record must keep: id → the rule's SQL over ``m`` (``$plan``: the plan's figure)."""
    rules: dict[str, str] = {}
    for target, evaluator in EVALUATORS.items():
        if isinstance(evaluator, RowsWithin):
            rules[target] = evaluator.rule("$plan")
        elif isinstance(evaluator, AnnualStandard) and evaluator.at_least:
            rules[target] = f"{ANNUALISED} >= $plan"
    return rules


def noncompliant_records(
    con: duckdb.DuckDBPyConnection, scope: Scope, target_id: str, limit: int = SHOWN_RECORDS
) -> tuple[int, pd.DataFrame]:
    """How many of the target's records started by the as-of month break its rule, and the first ``limit`` of them
    (by village and household)."""
    plan = float(single(execute(con, "SELECT target_value FROM plan_target WHERE id = $id", {"id": target_id})))
    evaluator = EVALUATORS[target_id]
    assert isinstance(evaluator, RowsWithin | AnnualStandard)
    where = (
        f"FROM {SCOPED_MEASURES} AND m.measure_code = $code AND m.start_month <= $at"
        f" AND NOT ({record_rules()[target_id]})"
    )
    params = {**scope.sql_params(), "at": scope.as_of, "code": evaluator.code, "plan": plan}
    count = int(single(execute(con, f"SELECT count(*) {where}", params)))
    rows = execute(
        con,
        f"""SELECT m.household_id, t.name, v.name, m.start_month, m.end_month, m.amount_yuan, {ANNUALISED} {where}
            ORDER BY v.village_code, m.household_id, m.start_month LIMIT $limit""",
        {**params, "limit": limit},
    ).fetchall()
    return count, pd.DataFrame(rows, columns=RECORD_COLUMNS)
