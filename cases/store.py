"""The cases store: ``X.monitoring.duckdb`` next to the roster database ``X.duckdb`` (schema: ``schema.sql``).

As with the reports, every read and write opens the file under an exclusive lock on ``X.monitoring.lock`` and
closes it again; a step is one transaction (the case row, the step and any measures written together or not at
all), and step rows are only ever appended.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

from cases.workflow import DECISION_DAYS, Staff, Step, next_state
from storage.db import locked_store, single

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
CASE_COLUMNS = [
    "case_id",
    "household_id",
    "town_code",
    "object_type",
    "opened",
    "state",
    "state_since",
    "deadline",
    "decided",
    "closed",
    "reason",
    "close_reason",
]
STEP_COLUMNS = ["step_id", "case_id", "action", "from_state", "to_state", "actor", "done_on", "fields"]
MEASURE_COLUMNS = ["case_id", "measure_code", "assigned", "actor"]
CLOSING = {"rejected": "核实、审核或审定不予纳入", "eliminated": "风险消除"}


class CaseFrames(NamedTuple):
    """What the board reads from the store: every case, the measures assigned, and the working day."""

    cases: pd.DataFrame
    measures: pd.DataFrame
    today: dt.date


def cases_path(db: Path) -> Path:
    """The cases file of a roster database."""
    return db.with_name(db.stem + ".monitoring.duckdb")


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def _today() -> dt.date:
    return dt.date.today()


class CaseStore:
    """The monitoring cases of one roster database; ``clock`` is injectable for tests and the demo history."""

    def __init__(self, path: Path, clock: Callable[[], dt.date] = _today) -> None:
        self.path, self.clock = path, clock
        self._held: duckdb.DuckDBPyConnection | None = None

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._held is not None:
            yield self._held
            return
        with locked_store(self.path, _create_schema) as con:
            yield con

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep the store open (and locked) for many steps in a row, e.g. a whole synthetic history."""
        with self._open() as con:
            self._held = con
            try:
                yield
            finally:
                self._held = None

    def version(self) -> int:
        """Changes whenever the store does (for cache keys); 0 while there is no store."""
        return self.path.stat().st_mtime_ns if self.path.exists() else 0

    def _frame(self, sql: str, columns: list[str], params: dict[str, object] | None = None) -> pd.DataFrame:
        if self._held is None and not self.path.exists():
            return pd.DataFrame(columns=columns)
        with self._open() as con:
            return con.execute(sql, params or {}).df()[columns]

    def cases(self) -> pd.DataFrame:
        """Every case, newest first."""
        return self._frame(f"SELECT {', '.join(CASE_COLUMNS)} FROM monitoring_case ORDER BY case_id DESC", CASE_COLUMNS)

    def steps(self, case_id: int | None = None) -> pd.DataFrame:
        """The step history, newest first; of one case if given."""
        where = "WHERE case_id = $case" if case_id is not None else ""
        sql = f"SELECT {', '.join(STEP_COLUMNS)} FROM monitoring_step {where} ORDER BY step_id DESC"
        return self._frame(sql, STEP_COLUMNS, {"case": case_id} if case_id is not None else None)

    def measures(self) -> pd.DataFrame:
        """Measures assigned to monitored households."""
        return self._frame(f"SELECT {', '.join(MEASURE_COLUMNS)} FROM monitoring_measure ORDER BY ALL", MEASURE_COLUMNS)

    def frames(self) -> CaseFrames:
        return CaseFrames(self.cases(), self.measures(), self.today())

    def today(self) -> dt.date:
        """The working day: a synthetic history's own clock, else today."""
        meta = self._frame("SELECT key, value FROM monitoring_meta", ["key", "value"])
        clock = dict(zip(meta["key"], meta["value"], strict=True)).get("clock")
        return dt.date.fromisoformat(clock) if clock else self.clock()

    def record(
        self, step: Step, state: str | None, staff: Staff, case_id: int | None, household: tuple[str, str], reason: str
    ) -> int:
        """One permitted step in one transaction; returns the case id (a new one for ``open``). ``household`` is
        (household_id, town_code)."""
        today, to_state = self.today(), next_state(step, state)
        with self._open() as con:
            con.execute("BEGIN")
            try:
                if step.action == "open":
                    case_id = int(single(con.execute("SELECT coalesce(max(case_id), 0) + 1 FROM monitoring_case")))
                    con.execute(
                        "INSERT INTO monitoring_case (case_id, household_id, town_code, opened, state, state_since,"
                        " deadline, reason) VALUES ($case, $hh, $town, $today, $to, $today, $due, $reason)",
                        {
                            "case": case_id,
                            "hh": household[0],
                            "town": household[1],
                            "to": to_state,
                            "today": today,
                            "due": today + dt.timedelta(days=DECISION_DAYS),
                            "reason": reason,
                        },
                    )
                else:
                    con.execute(
                        """UPDATE monitoring_case SET
                               state_since = CASE WHEN state <> $to THEN $today ELSE state_since END,
                               state = $to,
                               decided = CASE WHEN $action = 'decide' THEN $today ELSE decided END,
                               object_type = CASE WHEN $action = 'decide' AND $to = 'monitored' THEN $type
                                                  ELSE object_type END,
                               closed = CASE WHEN $to IN ('rejected', 'eliminated') THEN $today END,
                               close_reason = $closing
                           WHERE case_id = $case""",
                        {
                            "case": case_id,
                            "to": to_state,
                            "today": today,
                            "action": step.action,
                            "type": step.object_type or None,
                            "closing": CLOSING.get(to_state),
                        },
                    )
                for code in step.measures:
                    con.execute(
                        "INSERT INTO monitoring_measure VALUES ($case, $code, $today, $by) ON CONFLICT DO NOTHING",
                        {"case": case_id, "code": code, "today": today, "by": staff.name},
                    )
                step_id = single(con.execute("SELECT coalesce(max(step_id), 0) + 1 FROM monitoring_step"))
                fields = {k: v for k, v in asdict(step).items() if k != "action" and v not in ("", (), None)}
                con.execute(
                    "INSERT INTO monitoring_step VALUES ($id, $case, $action, $from, $to, $by, $today, $fields)",
                    {
                        "id": step_id,
                        "case": case_id,
                        "action": step.action,
                        "from": state,
                        "to": to_state,
                        "by": staff.name,
                        "today": today,
                        "fields": json.dumps(fields, ensure_ascii=False, default=str),
                    },
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        assert case_id is not None
        return case_id

    def set_clock(self, day: dt.date) -> None:
        """Fix the working day (the synthetic demo history is dated, like the reports')."""
        with self._open() as con:
            con.execute("INSERT OR REPLACE INTO monitoring_meta VALUES ('clock', $day)", {"day": day.isoformat()})
