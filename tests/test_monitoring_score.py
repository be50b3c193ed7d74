"""The risk score and its backtest: features read nothing after the month they describe, the backtest is
reproducible from its seed, the reasons read like a worker's notes, and on the demo data the score beats the
naive baseline (lowest income first) on recall@20."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics.cube_switch import raw_tables_only, recording
from analytics.cubes import build_cubes, build_monitoring
from analytics.monitoring import score
from analytics.monitoring.backtest import backtest
from analytics.monitoring.features import household_months
from analytics.monitoring.records import METHODS
from analytics.monitoring.rules import flagged_by_area, flagged_households
from analytics.monitoring.score import (
    NEAR_LINE_YUAN,
    _reason,
    current_risk,
    reasons,
    risk,
    train,
)
from analytics.monitoring.visits import visit_counts, visit_page
from analytics.scope import Scope
from roster.clue_import import import_clues
from roster.generate import generate
from tests.conftest import PROJECT_DIR

ORIGIN = dt.date(2017, 9, 1)
FIRST = dt.date(2016, 1, 1)
HISTORY_AS_OF = dt.date(2018, 12, 1)
STORED_SCOPES = [Scope(HISTORY_AS_OF), Scope(HISTORY_AS_OF, "370283"), Scope(HISTORY_AS_OF, "370283", "370283108")]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tenth of the roster carried on to 2018-12: enough returns to train on."""
    path = tmp_path_factory.mktemp("monitoring") / "history.duckdb"
    generate(seed=11, scale=0.1, out=path, until="2018-12", derive=build_cubes)
    return path


def scores_at_origin(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = household_months(con, Scope(dt.date(2018, 12, 1)), FIRST)
    booster = train(frame, 3, ORIGIN, seed=1)
    assert booster is not None
    rows = frame[pd.to_datetime(frame["month"]) <= pd.Timestamp(ORIGIN)]
    return rows.assign(risk=risk(booster, rows))[["household_id", "month", "risk"]].reset_index(drop=True)


def test_scores_do_not_change_when_the_future_does(history: Path, tmp_path: Path) -> None:
    """Scramble everything after the origin — clue months and amounts, incomes of later years, returns — and the
    features up to the origin, the model trained at it and its scores stay identical."""
    before = scores_at_origin(history)
    scrambled = Path(shutil.copy(history, tmp_path / "scrambled.duckdb"))
    with duckdb.connect(str(scrambled)) as con:
        con.execute(
            "UPDATE warning_clue SET amount_yuan = amount_yuan * 7, "
            "month = DATE '2018-12-01' - to_months(CAST(clue_id % 14 AS INTEGER)) WHERE month > $o",
            {"o": ORIGIN},
        )
        con.execute("UPDATE income SET per_capita_income_yuan = 1 WHERE year >= 2017")
        con.execute(
            "UPDATE status_event SET event_month = DATE '2018-12-01'"
            " WHERE event_type = 'returned' AND event_month > $o",
            {"o": ORIGIN},
        )
        changed = con.execute("SELECT count(*) FROM warning_clue WHERE month > $o", {"o": ORIGIN}).fetchone()
    assert changed and changed[0] > 100
    after = scores_at_origin(scrambled)
    pd.testing.assert_frame_equal(before, after)


def test_the_backtest_is_reproducible_from_its_seed(history: Path) -> None:
    with duckdb.connect(str(history), read_only=True) as con:
        first = backtest(con, top_n=5, every=4)
        again = backtest(con, top_n=5, every=4)
        other = backtest(con, top_n=5, every=4, seed=99)
    assert first == again
    assert [(r.method, r.horizon_months) for r in first] == [(m, h) for h in (3, 6) for m in METHODS]
    assert all(r.origins > 0 and r.events > 0 for r in first)
    assert [r for r in first if r.method == "rules"] == [r for r in other if r.method == "rules"]


def test_reasons_read_as_a_worker_would_write_them(history: Path) -> None:
    assert _reason("inpatient_3m", 23_000) == "近3月住院自付 2.3万元"
    assert _reason("labour", 0) == "家中无劳动力"
    assert _reason("income_gap", -300) == "上年人均收入低于监测线 300元"
    assert _reason("income_gap", float("nan")) == "上年收入未录入"
    with duckdb.connect(str(history), read_only=True) as con:
        frame = household_months(con, Scope(dt.date(2018, 12, 1)), FIRST)
    booster = train(frame, 3, ORIGIN, seed=1)
    assert booster is not None
    rows = frame[pd.to_datetime(frame["month"]) == pd.Timestamp(ORIGIN)].reset_index(drop=True)
    riskiest = rows.iloc[[int(np.argmax(risk(booster, rows)))]]
    text = reasons(booster, riskiest)[0]
    assert text and all(part[0] >= "\u4e00" for part in text.split("；")), text  # Chinese, no identifiers
    comfortable = rows[rows["income_gap"] >= NEAR_LINE_YUAN]  # a comfortable income is never a reason to visit
    assert len(comfortable) > 100 and not any("高出监测线" in text for text in reasons(booster, comfortable))


@pytest.mark.slow
def test_on_the_demo_the_score_beats_the_baseline_on_recall(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "backtest.json"
    result = subprocess.run(
        [sys.executable, "-m", "analytics.monitoring", "backtest", "--db", str(demo_db), "--json", str(out)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    assert "召回率@N" in result.stdout and "风险评分" in result.stdout
    records = json.loads(out.read_text(encoding="utf-8"))
    fields = {"method", "horizon_months", "top_n", "recall", "precision", "auc", "lead_months"}
    assert len(records) == 6 and all(fields <= set(r) for r in records)
    recall = {(r["method"], r["horizon_months"]): r["recall"] for r in records}
    for horizon in (3, 6):
        assert recall[("score", horizon)] > recall[("baseline", horizon)] + 0.1, recall


@pytest.mark.parametrize("scope", STORED_SCOPES, ids=["city", "district", "town"])
def test_the_stored_scores_are_the_scores_computed_on_the_raw_tables(history: Path, scope: Scope) -> None:
    """The cube build stores the as-of month's scores; the page reads them (the cube path ran) and they equal the
    model trained and applied on the raw tables for the same scope."""
    with duckdb.connect(str(history), read_only=True) as con:
        with recording() as decisions:
            stored = current_risk(con, scope)
        with raw_tables_only(), recording() as raw_decisions:
            computed = current_risk(con, scope)
        with recording() as earlier:
            current_risk(con, scope.at(dt.date(2018, 11, 1)))
    assert decisions == [("cube_risk", True)] and raw_decisions == [("cube_risk", False)]
    assert earlier == [("cube_risk", False)]  # stored for the as-of month only
    assert len(stored) > 50 and stored["near_poor"].any() and stored["reasons"].str.len().gt(0).all()
    if scope.district:
        assert stored["town_code"].str.startswith(scope.town or scope.district).all()
    order = ["near_poor", "household_id"]
    pd.testing.assert_frame_equal(
        stored.sort_values(order, ignore_index=True),
        computed.sort_values(order, ignore_index=True)[stored.columns],
        check_dtype=False,
    )


@pytest.mark.parametrize("scope", STORED_SCOPES, ids=["city", "district", "town"])
def test_the_stored_flags_are_the_rules_applied_to_the_raw_tables(history: Path, scope: Scope) -> None:
    with duckdb.connect(str(history), read_only=True) as con:
        with recording() as decisions:
            stored = flagged_households(con, scope), flagged_by_area(con, scope, "village")
        with raw_tables_only(), recording() as raw_decisions:
            computed = flagged_households(con, scope), flagged_by_area(con, scope, "village")
        with recording() as earlier:
            flagged_households(con, scope.at(dt.date(2018, 11, 1)))
    assert decisions == [("cube_flag", True)] * 2 and raw_decisions == [("cube_flag", False)] * 2
    assert earlier == [("cube_flag", False)]
    assert len(stored[0]) > 20 and set(stored[0]["tier"]) == {"红", "黄"}
    for cube_answer, raw_answer in zip(stored, computed, strict=True):
        pd.testing.assert_frame_equal(cube_answer, raw_answer)


def test_a_large_roster_trains_on_a_fixed_sample_of_households(history: Path, monkeypatch) -> None:
    """Above ``TRAINING_HOUSEHOLDS`` the training months hold every k-th household (the same ones each time, by a
    hash of the id); the month scored still holds every household."""
    as_of = dt.date(2018, 12, 1)
    with duckdb.connect(str(history), read_only=True) as con:
        full = household_months(con, Scope(as_of), FIRST)
        sample = household_months(con, Scope(as_of), FIRST, every=3)
        watched = con.execute(
            "SELECT (SELECT count(*) FROM household) + (SELECT count(*) FROM near_poor_household)"
        ).fetchone()[0]
        monkeypatch.setattr(score, "TRAINING_HOUSEHOLDS", watched // 3)
        assert score._sampling(con) == 4
        monkeypatch.setattr(score, "TRAINING_HOUSEHOLDS", watched)
        assert score._sampling(con) == 1
    key = ["household_id", "near_poor"]
    last = pd.Timestamp(as_of)
    pd.testing.assert_frame_equal(
        full[full["month"] == last].reset_index(drop=True), sample[sample["month"] == last].reset_index(drop=True)
    )
    earlier_full, earlier_sample = full[full["month"] < last], sample[sample["month"] < last]
    kept = earlier_sample[key].drop_duplicates()
    share = len(kept) / len(earlier_full[key].drop_duplicates())
    assert 0.25 < share < 0.42, share
    rows_of_kept = earlier_full.merge(kept, on=key)  # a kept household keeps all its months, unchanged
    pd.testing.assert_frame_equal(
        rows_of_kept.sort_values([*key, "month"], ignore_index=True),
        earlier_sample.sort_values([*key, "month"], ignore_index=True),
    )


def test_scores_and_flags_are_stored_again_when_clues_are_imported(history: Path, tmp_path: Path) -> None:
    """New department clues change the features of the month scored and the rules that trigger: the snapshot the
    clue import publishes stores the scores and flags computed with them (not those of the roster before)."""
    roster = Path(shutil.copy(history, tmp_path / "roster.duckdb"))
    as_of = dt.date(2018, 12, 1)
    with duckdb.connect(str(roster), read_only=True) as con:
        before = current_risk(con, Scope(as_of))
        household = str(before[~before["near_poor"]].sort_values("risk")["household_id"].iloc[0])
        member = con.execute("SELECT id_number FROM person WHERE household_id = $h LIMIT 1", {"h": household})
        id_number = str(member.fetchone()[0])
    clues = tmp_path / "医保局_2018-12.csv"
    clues.write_text(
        "身份证号,推送部门,线索类型,所属月份,金额（元）,说明\n"
        + "".join(f"{id_number},医保局,住院自付,2018-{m:02d},90000,住院\n" for m in (10, 11, 12)),
        encoding="gbk",
    )
    result, snapshot = import_clues(roster, [clues], "测试员", derive=build_monitoring)
    assert snapshot is not None and result.errors == 0
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        with recording() as decisions:
            stored = current_risk(con, Scope(as_of))
        with raw_tables_only():
            computed = current_risk(con, Scope(as_of))
    assert decisions == [("cube_risk", True)]
    order = ["near_poor", "household_id"]
    stored, computed = (f.sort_values(order, ignore_index=True)[stored.columns] for f in (stored, computed))
    pd.testing.assert_frame_equal(stored, computed, check_dtype=False)
    row = stored.set_index("household_id").loc[household]
    assert "住院自付" in row["reasons"] and row["risk"] > before.set_index("household_id").loc[household, "risk"]
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        flags = flagged_households(con, Scope(as_of))
        with raw_tables_only():
            pd.testing.assert_frame_equal(flags, flagged_households(con, Scope(as_of)))
    assert flags.set_index("household_id").loc[household, "tier"] == "红"  # the clues trigger a red rule


@pytest.mark.parametrize(
    "scope",
    [*STORED_SCOPES, Scope(HISTORY_AS_OF, "370283", "370283108", "370283108316")],
    ids=["city", "district", "town", "village"],
)
def test_the_visit_list_comes_a_page_at_a_time_with_the_same_rows_as_from_the_raw_tables(
    history: Path, scope: Scope
) -> None:
    """Every page of the visit list (and of its top-scores view) and its counts are the same from the two cubes as
    put together from the rules and the scores on the raw tables; the pages join up to the whole list, heads
    masked."""
    top, size = 5, 40
    listed: dict[bool, set[tuple[str, bool]]] = {}
    with duckdb.connect(str(history), read_only=True) as con:
        for only_top in (False, True):
            with recording() as decisions:
                counts = visit_counts(con, scope, top, only_top)
            with raw_tables_only():
                assert visit_counts(con, scope, top, only_top) == counts
            assert decisions == [("cube_risk", True), ("cube_flag", True)]
            pages, computed = [], []
            for offset in range(0, counts.listed + size, size):
                pages.append(visit_page(con, scope, top, only_top, offset, size))
                with raw_tables_only():
                    computed.append(visit_page(con, scope, top, only_top, offset, size))
                pd.testing.assert_frame_equal(pages[-1], computed[-1], check_dtype=False)
            whole = pd.concat(pages, ignore_index=True)
            assert len(whole) == counts.listed and not whole.duplicated(["household_id", "near_poor"]).any()
            assert whole["head_name"].str.contains(r"\*").all()
            assert whole["tier"].map({"红": 2, "黄": 1, "绿": 0}).is_monotonic_decreasing
            listed[only_top] = set(zip(whole["household_id"], whole["near_poor"], strict=True))
        everything = current_risk(con, replace(scope, village=None)).astype({"near_poor": "bool"})
        flagged = flagged_households(con, scope).astype({"near_poor": "bool"})
    tiers = flagged["tier"].value_counts()
    assert (counts.red, counts.yellow) == (tiers.get("红", 0), tiers.get("黄", 0))
    # The list: the flagged households and each township's top scores (ties: 边缘户 last, then by id) — in a
    # village, those of its township's that live in it; the top-scores view.
    ranked = everything.sort_values(["risk", "near_poor", "household_id"], ascending=[False, True, True])
    best = ranked.groupby("town_code").head(top)
    best = best[best["village_code"] == scope.village] if scope.village else best
    best_keys = set(zip(best["household_id"], best["near_poor"], strict=True))
    assert listed[True] == best_keys
    assert listed[False] == best_keys | set(zip(flagged["household_id"], flagged["near_poor"], strict=True))
