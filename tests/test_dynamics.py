"""Stock and flows from status events, checked against the hand-worked tiny roster."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics.dynamics import stock_flow_breaks, stock_flow_table
from analytics.scope import Scope
from tests import tiny_roster


@pytest.fixture
def tiny(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(tiny_roster.build(tmp_path / "tiny.duckdb")), read_only=True)


def test_stock_and_flows_match_hand_count(tiny: duckdb.DuckDBPyConnection) -> None:
    table = stock_flow_table(tiny, Scope(tiny_roster.AS_OF), "district")
    got = {
        (f"{r.month:%Y-%m}", r.area_code, r.unit): (r.opening, r.new, r.returned, r.exited, r.removed, r.closing)
        for r in table.itertuples()
    }
    assert got == tiny_roster.EXPECTED_FLOWS


def test_consistent_events_have_no_breaks(tiny: duckdb.DuckDBPyConnection) -> None:
    assert stock_flow_breaks(tiny, Scope(tiny_roster.AS_OF), "district").empty


def test_exit_of_an_exited_household_breaks_the_identity(tmp_path: Path) -> None:
    path = tiny_roster.build(tmp_path / "broken.duckdb", extra_events=[("H1", None, "2016-02", "exited")])
    con = duckdb.connect(str(path), read_only=True)
    breaks = stock_flow_breaks(con, Scope(tiny_roster.AS_OF), "district")
    assert {(f"{r.month:%Y-%m}", r.area_code, r.unit) for r in breaks.itertuples()} == {
        ("2016-02", tiny_roster.PINGDU, "households"),
        ("2016-02", tiny_roster.PINGDU, "persons"),
    }
    households = breaks[breaks["unit"] == "households"].iloc[0]
    assert (households.expected, households.closing) == (0, 1)


def test_baseline_households_are_never_new_entrants(small) -> None:
    """Issue 14 §1: registrations up to the baseline month are the baseline stock, not 新识别 in 2015-12."""
    import datetime as dt

    from analytics.dynamics import monthly_flows
    from tests.small_roster import AS_OF, BASELINE, households

    flows = monthly_flows(small, Scope(AS_OF), None, dt.date(2014, 1, 1), BASELINE)
    assert int(flows["new"].sum()) == 0
    later = monthly_flows(small, Scope(AS_OF), None, dt.date(2016, 1, 1), AS_OF)
    expected = sum(
        1
        for h in households()
        for month, kind in h.events
        if kind in ("new", "identified") and BASELINE < month <= AS_OF
    )
    assert int(later.loc[later["unit"] == "households", "new"].sum()) == expected
