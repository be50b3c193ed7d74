"""The headline goal-progress figures of a scope, and the remaining-poor curve against the plan's path."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from analytics.dynamics import poor_stock, scope_outcomes
from analytics.places import scope_places
from analytics.plan import HOUSEHOLD_STAGE_DEADLINE
from analytics.scope import Scope
from storage.months import BASELINE, months_between


@dataclass(frozen=True)
class ProgressFigures:
    """Goal progress of one scope at its as-of month: the outcome figures under their names in
    ``analytics.dynamics.OUTCOME_COLUMNS`` (definitions there) and the place counts of ``analytics.places``."""

    as_of: str
    scope: str
    baseline_households: int
    baseline_persons: int
    exited_households: int
    exited_persons: int
    remaining_households: int
    remaining_persons: int
    returned_households: int
    new_households: int
    removed_households: int
    baseline_exited_households: int
    baseline_exited_persons: int
    baseline_remaining_households: int
    baseline_remaining_persons: int
    provincial_villages_total: int
    provincial_villages_exited: int
    weak_villages_total: int
    weak_villages_exited: int
    weak_towns_total: int
    weak_towns_exited: int

    def as_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def progress_figures(con: duckdb.DuckDBPyConnection, scope: Scope) -> ProgressFigures:
    """Households, persons, villages and towns: baseline, exited, remaining, returned, new."""
    o = scope_outcomes(con, scope)
    p = scope_places(con, scope)
    outcomes = [f.name for f in dataclasses.fields(ProgressFigures) if f.name in o.index]
    return ProgressFigures(
        as_of=f"{scope.as_of:%Y-%m}",
        scope=scope.area_code,
        **{k: int(o[k]) for k in outcomes},
        **{k: int(v) for k, v in p.items()},
    )


def plan_path(baseline: int, month: dt.date) -> float:
    """The plan's straight path for the baseline poor: all out by 2016-12, nothing left after."""
    elapsed = (month.year - BASELINE.year) * 12 + month.month - BASELINE.month
    span = (HOUSEHOLD_STAGE_DEADLINE.year - BASELINE.year) * 12 + HOUSEHOLD_STAGE_DEADLINE.month - BASELINE.month
    return max(0.0, baseline * (1 - elapsed / span))


def remaining_curve(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """Month by month from 2015-12: remaining poor persons and households, and the plan's path for persons."""
    stock = poor_stock(con, scope, None, BASELINE, scope.as_of).set_index("month")
    months = pd.DatetimeIndex([pd.Timestamp(m) for m in months_between(BASELINE, scope.as_of)])
    curve = (
        stock.reindex(months.astype(stock.index.dtype) if len(stock) else months)[["households", "persons"]]
        .fillna(0)
        .astype("int64")
    )
    curve.index.name = "month"
    baseline = int(curve["persons"].iloc[0]) if len(curve) else 0
    curve["plan_persons"] = [round(plan_path(baseline, m.date()), 1) for m in curve.index]
    return curve.reset_index()
