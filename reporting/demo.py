"""A synthetic, labelled history of sector reports for the demo roster: every reporting unit of every data set
from 2016-01 to the roster's as-of month, deterministic from the roster's seed.

How it behaves (documented in docs/data.md): a standing obligation (no deadline, not cumulative) is kept in 80 %
of the fields (at or just past the target) and missed by 2–10 % in the rest; a target with a deadline or a
cumulative count moves from 30–70 % of it towards it at 95–115 % of the pace the deadline needs (新增造林 at
60 %: the target that is visibly behind); a unit saves its
report 0–8 days before the due date and submits it the same day, 8 % submit 3–25 days late, 5 % are returned by
the reviewer once and corrected within two days; reviews and approvals follow within 1–4 days each. 市旅游发展
委员会 stops reporting after 2016. Nothing happens after the reporting date (the as-of month's end + 5 days),
so the latest periods are partly filled, submitted or pending review.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import numpy as np
import pandas as pd

from reporting.periods import Period, ended_periods
from reporting.registry import CITY_CODE, Catalogue, Dataset, Row, load_catalogue
from reporting.store import STATE_COLUMNS, STEP_COLUMNS, VALUE_COLUMNS, ReportStore
from storage.db import single

CLOCK_LAG_DAYS = 5
BEHIND = {"afforestation_2020": 0.6}
STOPPED = {"tourism": dt.date(2017, 1, 1)}  # owner → first period it no longer reports
LATE_SHARE, RETURNED_SHARE, KEPT_SHARE = 0.08, 0.05, 0.8
PLAN_END = dt.date(2020, 12, 31)
START = dt.date(2016, 1, 1)


def reporting_clock(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The reporting date of the demo history: the roster's as-of month's last day + ``CLOCK_LAG_DAYS``."""
    as_of = Period(
        dt.date.fromisoformat(single(con.execute("SELECT value FROM dataset_meta WHERE key = 'as_of_month'")) + "-01"),
        "月",
    )
    return as_of.end + dt.timedelta(days=CLOCK_LAG_DAYS)


def _progress(day: dt.date, deadline: dt.date, pace: float) -> float:
    """The share of the way from start to target reached on ``day``."""
    return min(1.0, pace * (day - START).days / max(1, (deadline - START).days))


class _History:
    def __init__(self, catalogue: Catalogue, seed: int, clock: dt.date) -> None:
        self.catalogue, self.clock = catalogue, clock
        self.rng = np.random.default_rng(seed)
        self.values: list[tuple[object, ...]] = []
        self.states: list[tuple[object, ...]] = []
        self.steps: list[tuple[object, ...]] = []
        self.traits: dict[tuple[str, str], tuple[float, bool]] = {}

    def _field(self, key: tuple[str, str]) -> tuple[float, bool]:
        """A field's fixed traits: its starting level (share of the target) and whether a standing obligation is
        kept (``KEPT_SHARE`` of them are)."""
        if key not in self.traits:
            self.traits[key] = (float(self.rng.uniform(0.3, 0.7)), bool(self.rng.random() < KEPT_SHARE))
        return self.traits[key]

    def value(self, row: Row, period: Period) -> float:
        """The field's synthetic value for the period."""
        target, key = row.target, (row.target.id, row.area_code)
        start, kept = self._field(key)
        goal = (
            float(row.denominator)
            if row.denominator is not None
            else (target.goal_share if target.reported_as == "percent" else target.target_value)
        )
        if target.reported_as == "total" and row.area_code != CITY_CODE:
            goal *= self._district_share(row.area_code)
        if target.standing:
            if target.downward:
                figure = goal * self.rng.uniform(0.8, 1.0) if kept else goal * self.rng.uniform(1.02, 1.1)
            else:
                figure = goal * (self.rng.uniform(1.0, 1.02) if kept else self.rng.uniform(0.9, 0.98))
                if target.reported_as in ("share", "percent") or target.unit == "%":
                    figure = min(figure, goal if target.reported_as == "share" else 100.0)
        else:
            pace = BEHIND.get(target.id, float(self.rng.uniform(0.95, 1.15)))
            figure = goal * (start + (1 - start) * _progress(period.end, target.deadline or PLAN_END, pace))
            figure = min(figure, goal if target.reported_as == "share" else figure)
        return float(round(figure)) if target.whole_numbers else round(figure, 2)

    def _district_share(self, area: str) -> float:
        villages = self.catalogue.villages_in
        district = area if area in villages else self.catalogue.towns[area][1]
        return villages[district] / sum(villages.values())

    def step(
        self,
        dataset: Dataset,
        area: str,
        period: Period,
        action: str,
        state: str | None,
        to: str,
        actor: str,
        at: dt.datetime,
        comment: str = "",
        changes: list[dict[str, object]] | None = None,
    ) -> None:
        self.steps.append(
            (
                len(self.steps) + 1,
                dataset.id,
                area,
                period.start,
                action,
                state,
                to,
                actor,
                at,
                comment,
                json.dumps(changes or [], ensure_ascii=False),
            )
        )

    def unit(self, dataset: Dataset, area: str, period: Period) -> None:
        """One unit's chain of steps, cut at the reporting date."""
        rows = self.catalogue.rows(dataset, area)
        area_name = self.catalogue.area_name(area)
        reporter = f"{dataset.owner}·{area_name}填报员"
        district_reviewer = f"{area_name}审核员"
        city_reviewer = "市扶贫办审定员"
        late = self.rng.random() < LATE_SHARE
        returned = self.rng.random() < RETURNED_SHARE
        days = int(self.rng.integers(3, 26)) if late else -int(self.rng.integers(0, 9))
        at = dt.datetime.combine(period.due + dt.timedelta(days=days), dt.time(9 + int(self.rng.integers(0, 8))))
        values = {(r.target.id, r.area_code): self.value(r, period) for r in rows}
        chain: list[tuple[str, str, str, dt.timedelta, str]] = [("save", "draft", reporter, dt.timedelta(0), "")]
        chain.append(("submit", "submitted", reporter, dt.timedelta(hours=2), ""))
        first_review = city_reviewer if area == CITY_CODE else district_reviewer
        if returned:
            chain += [
                ("return", "returned", first_review, dt.timedelta(days=1), "数据与上期相比变化较大，请核实后重报"),
                ("save", "draft", reporter, dt.timedelta(days=2), ""),
                ("submit", "submitted", reporter, dt.timedelta(days=2, hours=1), ""),
            ]
        if area != CITY_CODE:
            chain.append(("review", "reviewed", district_reviewer, dt.timedelta(days=int(self.rng.integers(3, 6))), ""))
        chain.append(("approve", "approved", city_reviewer, dt.timedelta(days=int(self.rng.integers(6, 10))), ""))
        state: str | None = None
        submitted: dt.datetime | None = None
        last: tuple[str, str, dt.datetime, str] | None = None
        for action, to, actor, offset, comment in chain:
            when = at + offset
            if when.date() >= self.clock:
                break
            changes = [{"target": t, "area": a, "before": None, "after": v} for (t, a), v in values.items()]
            self.step(
                dataset, area, period, action, state, to, actor, when, comment, changes if action == "save" else None
            )
            if action == "save":
                self.values += [(t, a, period.start, v, "", reporter, when) for (t, a), v in values.items()]
            if action == "submit" and submitted is None:
                submitted = when
            state, last = to, (to, actor, when, comment)
        if last:
            self.states.append((dataset.id, area, period.start, last[0], last[1], last[2], submitted, last[3]))


def demo_history(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The values, states and steps of the synthetic history of a roster database, and the store's facts."""
    catalogue = load_catalogue(con)
    seed = int(single(con.execute("SELECT value FROM dataset_meta WHERE key = 'seed'")) or 0)
    clock = reporting_clock(con)
    history = _History(catalogue, seed, clock)
    for dataset in catalogue.datasets.values():
        for area in catalogue.areas_of(dataset):
            for period in ended_periods(dataset.period, clock):
                if period.start >= STOPPED.get(dataset.owner_code, dt.date.max):
                    continue
                history.unit(dataset, area, period)
    # Values are saved once more after a return: keep the latest entry per field and period.
    values = pd.DataFrame(history.values, columns=VALUE_COLUMNS).drop_duplicates(
        ["target_id", "area_code", "period"], keep="last"
    )
    meta = {"source": "synthetic", "clock": clock.isoformat(), "seed": str(seed)}
    return (
        values,
        pd.DataFrame(history.states, columns=STATE_COLUMNS),
        pd.DataFrame(history.steps, columns=STEP_COLUMNS),
        meta,
    )


def write_demo_history(con: duckdb.DuckDBPyConnection, store: ReportStore) -> int:
    """Replace the store's content with the demo history; the number of steps written."""
    values, states, steps, meta = demo_history(con)
    store.load_history(values, states, steps, meta)
    return len(steps)
