"""Questions across snapshots, checked against the small roster's oracle and deliberate rewrites."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from analytics.cubes import build_cubes
from analytics.scope import Scope
from analytics.snapshots import quality_trend, snapshot_identity
from roster.export import export_tables, write_files
from roster.ingest import import_files
from tests import small_roster as sr

FIRST, SECOND, THIRD = dt.date(2016, 12, 1), dt.date(2017, 9, 1), dt.date(2017, 10, 1)


def _poor(month: dt.date) -> int:
    return sum(hh.status_at(month) in sr.POOR for hh in sr.households())


@pytest.fixture
def chain(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Plain exports at 2016-12 and 2017-09, then a full export at 2017-10 that rewrites one past exit."""
    db = sr.build(tmp_path / "small.duckdb")
    source = duckdb.connect(str(db), read_only=True)
    paths = []
    for month in (FIRST, SECOND):
        tables = export_tables(source, month, plain=True)
        if month == SECOND:
            tables["household"].loc[0, "家庭人口数"] = str(int(tables["household"].loc[0, "家庭人口数"]) + 1)
        paths.append(
            import_files(db, write_files(tables, tmp_path / f"{month}", "csv"), month, "测试", derive=build_cubes)[
                1
            ].path
        )
    full = export_tables(source, SECOND)
    events = full["status_event"]
    last = events[events["人编号"].isna()].groupby("户编号").tail(1)
    undone = last[(last["变动类型"] == "脱贫") & (last["变动月份"] < "2017-09")].iloc[0]
    full["status_event"] = events.drop(index=undone.name)
    full["household"].loc[full["household"]["户编号"] == undone["户编号"], ["贫困户状态", "脱贫时间"]] = [
        "未脱贫",
        None,
    ]
    paths.append(
        import_files(db, write_files(full, tmp_path / "rewrite", "csv"), THIRD, "测试", derive=build_cubes)[1].path
    )
    return db, paths


def test_identity_between_diffed_snapshots_holds_and_matches_the_oracle(chain) -> None:
    _, (first, second, _) = chain
    identity = snapshot_identity(first, second, Scope(SECOND)).set_index("unit")
    assert identity.loc["households", "opening"] == _poor(FIRST)
    assert identity.loc["households", "closing"] == _poor(SECOND)
    assert identity["difference"].tolist() == [0, 0]


def test_a_snapshot_that_rewrites_history_breaks_the_identity(chain) -> None:
    _, (_, second, third) = chain
    identity = snapshot_identity(second, third, Scope(THIRD)).set_index("unit")
    assert identity.loc["households", "difference"] == 1  # one exit undone retroactively: poor again with no flow


def test_quality_trend_follows_each_snapshot(chain) -> None:
    _, paths = chain
    trend = quality_trend(paths, Scope(THIRD))
    sizes = trend[trend["check"] == "size_mismatches"].set_index("snapshot")["count"]
    assert sizes.tolist() == [0, 1, 0]  # the second export reported one household one person too large
    assert trend.groupby("snapshot")["as_of"].first().tolist() == [FIRST, SECOND, THIRD]
