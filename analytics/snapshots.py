"""Questions across snapshots: quality counts over time, and the stock–flow identity between two snapshots.

Between a snapshot S0 (as of M0) and the next S1 (as of M1), the identity
    S0 期末 (poor at M0 in S0) + 新识别 + 返贫 + 自然增加 − 脱贫 − 自然减少 (S1's flows in M0+1 .. M1)
    = S1 期末 (poor at M1 in S1)
holds when S1 did not rewrite history; a difference means S1 changed earlier months (e.g. a corrected
export or a retroactive status change) and is listed on the data-quality page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from analytics.dataset import dataset_info
from analytics.dynamics import FLOW_COLUMNS, monthly_flows, net_flow, poor_stock
from analytics.quality import quality_summary
from analytics.scope import Scope
from storage.db import connect
from storage.months import add_months

UNITS = ("persons", "households")


def _at(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[Scope, dt.date]:
    """The scope moved to the snapshot's own as-of month, and that month."""
    as_of = dataset_info(con).as_of
    return dataclasses.replace(scope, as_of=as_of), as_of


def quality_trend(paths: list[Path], scope: Scope) -> pd.DataFrame:
    """Each quality check's count in every snapshot at its own as-of month (scope's areas): snapshot, as_of, check,
    label, count."""
    frames = []
    for path in paths:
        with connect(path) as con:
            at, as_of = _at(con, scope)
            frames.append(quality_summary(con, at).assign(snapshot=path.name, as_of=as_of))
    return (
        pd.concat(frames, ignore_index=True)[["snapshot", "as_of", "check", "label", "count"]]
        if frames
        else pd.DataFrame(columns=["snapshot", "as_of", "check", "label", "count"])
    )


def snapshot_identity(previous: Path, current: Path, scope: Scope) -> pd.DataFrame:
    """One row per unit: opening (previous snapshot), flows since (current), closing (current), difference."""
    with connect(previous) as before, connect(current) as after:
        opened, first = _at(before, scope)
        closed, last = _at(after, scope)
        opening = poor_stock(before, opened, None, first, first)
        closing = poor_stock(after, closed, None, last, last)
        flows = (
            monthly_flows(after, closed, None, add_months(first, 1), last)
            if last > first
            else pd.DataFrame(columns=["unit", *FLOW_COLUMNS])
        )
    rows = []
    for unit in UNITS:
        moved = {c: int(flows.loc[flows["unit"] == unit, c].sum()) for c in FLOW_COLUMNS}
        start, end = int(opening[unit].sum()), int(closing[unit].sum())
        rows.append(
            {
                "previous": previous.name,
                "current": current.name,
                "unit": unit,
                "opening": start,
                **moved,
                "closing": end,
                "difference": end - (start + net_flow(moved)),
            }
        )
    return pd.DataFrame(rows)


def identity_between_snapshots(paths: list[Path], scope: Scope) -> pd.DataFrame:
    """:func:`snapshot_identity` for every consecutive pair of ``paths`` (oldest first)."""
    frames = [snapshot_identity(before, after, scope) for before, after in zip(paths, paths[1:], strict=False)]
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["previous", "current", "unit", "opening", *FLOW_COLUMNS, "closing", "difference"])
    )
