"""The reports store: ``X.reports.duckdb`` next to the roster database ``X.duckdb`` (schema: ``schema.sql``).

Every read and write opens the file under an exclusive lock on ``X.reports.lock`` and closes it again, so the
dashboard's server processes and the command line can share it (DuckDB lets one process open a file for
writing at a time). A step is one transaction: the values, the unit's state and the step row are written
together or not at all. Step rows are only ever appended.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from reporting.workflow import next_state
from storage.db import locked_store, single

SCHEMA_SQL = Path(__file__).with_name("schema.sql")
VALUE_COLUMNS = ["target_id", "area_code", "period", "value", "comment", "entered_by", "entered_at"]
STATE_COLUMNS = ["dataset_id", "area_code", "period", "state", "changed_by", "changed_at", "submitted_at", "comment"]
STEP_COLUMNS = [
    "step_id",
    "dataset_id",
    "area_code",
    "period",
    "action",
    "from_state",
    "to_state",
    "actor",
    "done_at",
    "comment",
    "changes",
]


def reports_path(db: Path) -> Path:
    """The reports file of a roster database."""
    return db.with_name(db.stem + ".reports.duckdb")


@dataclass(frozen=True)
class UnitKey:
    """A reporting unit: a data set, an area (the city or a district) and a period's first day."""

    dataset_id: str
    area_code: str
    period: dt.date

    def params(self) -> dict[str, object]:
        return {"dataset": self.dataset_id, "area": self.area_code, "period": self.period}


@dataclass(frozen=True)
class ReportFrames:
    """What the board reads from the store: every value, every unit's state, and the reporting date."""

    values: pd.DataFrame
    states: pd.DataFrame
    today: dt.date


def _create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class ReportStore:
    """The reports of one roster database; ``clock`` is injectable for tests and the synthetic history."""

    def __init__(self, path: Path, clock: Callable[[], dt.datetime] = _now) -> None:
        self.path, self.clock = path, clock

    @contextmanager
    def _open(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with locked_store(self.path, _create_schema) as con:
            yield con

    def version(self) -> int:
        """Changes whenever the store does (for cache keys); 0 while there is no store."""
        return self.path.stat().st_mtime_ns if self.path.exists() else 0

    # --- reads ------------------------------------------------------------------------------------
    def _frame(self, sql: str, columns: list[str], params: dict[str, object] | None = None) -> pd.DataFrame:
        if not self.path.exists():
            return pd.DataFrame(columns=columns)
        with self._open() as con:
            return con.execute(sql, params or {}).df()[columns]

    def values(self) -> pd.DataFrame:
        """Every stored value (the latest entry per target, area and period)."""
        return self._frame(f"SELECT {', '.join(VALUE_COLUMNS)} FROM report_value ORDER BY ALL", VALUE_COLUMNS)

    def states(self) -> pd.DataFrame:
        """Where every reporting unit that has been touched stands."""
        return self._frame(f"SELECT {', '.join(STATE_COLUMNS)} FROM report_state ORDER BY ALL", STATE_COLUMNS)

    def steps(self, unit: UnitKey | None = None) -> pd.DataFrame:
        """The step history, newest first; of one unit if given."""
        where = "WHERE dataset_id = $dataset AND area_code = $area AND period = $period" if unit else ""
        sql = f"SELECT {', '.join(STEP_COLUMNS)} FROM report_step {where} ORDER BY step_id DESC"
        return self._frame(sql, STEP_COLUMNS, unit.params() if unit else None)

    def meta(self) -> dict[str, str]:
        frame = self._frame("SELECT key, value FROM report_meta", ["key", "value"])
        return dict(zip(frame["key"], frame["value"], strict=True))

    def today(self) -> dt.date:
        """The reporting date: a synthetic history's own ``clock``, else today."""
        clock = self.meta().get("clock")
        return dt.date.fromisoformat(clock) if clock else self.clock().date()

    def frames(self) -> ReportFrames:
        return ReportFrames(self.values(), self.states(), self.today())

    # --- writes -----------------------------------------------------------------------------------
    def record_step(
        self,
        unit: UnitKey,
        action: str,
        state: str | None,
        actor: str,
        comment: str = "",
        values: dict[tuple[str, str], tuple[float, str]] | None = None,
    ) -> None:
        """One workflow step in one transaction: ``values`` written (``save``), the unit moved from ``state`` to the
        action's next state, the step appended with each value's before and after."""
        at, to_state = self.clock(), next_state(action, state)
        with self._open() as con:
            con.execute("BEGIN")
            try:
                stored = dict(self._stored(con, unit, values or {}))
                changes = [
                    {"target": t, "area": a, "before": stored.get((t, a)), "after": v}
                    for (t, a), (v, _) in (values or {}).items()
                    if stored.get((t, a)) != v
                ]
                for (target, area), (value, note) in (values or {}).items():
                    con.execute(
                        "INSERT OR REPLACE INTO report_value VALUES ($t, $a, $period, $v, $c, $by, $at)",
                        {"t": target, "a": area, "period": unit.period, "v": value, "c": note, "by": actor, "at": at},
                    )
                con.execute(
                    """INSERT INTO report_state VALUES ($dataset, $area, $period, $state, $by, $at,
                           CASE WHEN $state = 'submitted' THEN $at END, $comment)
                       ON CONFLICT DO UPDATE SET state = $state, changed_by = $by, changed_at = $at, comment = $comment,
                           submitted_at = coalesce(report_state.submitted_at, excluded.submitted_at)""",
                    {**unit.params(), "state": to_state, "by": actor, "at": at, "comment": comment},
                )
                step_id = single(con.execute("SELECT coalesce(max(step_id), 0) + 1 FROM report_step"))
                con.execute(
                    "INSERT INTO report_step VALUES ($id, $dataset, $area, $period, $action, $from, $to, $by, $at,"
                    " $comment, $changes)",
                    {
                        **unit.params(),
                        "id": step_id,
                        "action": action,
                        "from": state,
                        "to": to_state,
                        "by": actor,
                        "at": at,
                        "comment": comment,
                        "changes": json.dumps(changes, ensure_ascii=False),
                    },
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise

    @staticmethod
    def _stored(
        con: duckdb.DuckDBPyConnection, unit: UnitKey, values: dict[tuple[str, str], tuple[float, str]]
    ) -> list[tuple[tuple[str, str], float]]:
        rows = con.execute(
            "SELECT target_id, area_code, value FROM report_value WHERE period = $period", {"period": unit.period}
        ).fetchall()
        return [((t, a), v) for t, a, v in rows if (t, a) in values]

    def load_history(
        self, values: pd.DataFrame, states: pd.DataFrame, steps: pd.DataFrame, meta: dict[str, str]
    ) -> None:
        """Replace the store's content by a whole history at once (the synthetic demo history)."""
        with self._open() as con:
            con.execute("BEGIN")
            for table in ("report_value", "report_state", "report_step", "report_meta"):
                con.execute(f"DELETE FROM {table}")
            for table, frame, columns in (
                ("report_value", values, VALUE_COLUMNS),
                ("report_state", states, STATE_COLUMNS),
                ("report_step", steps, STEP_COLUMNS),
                ("report_meta", pd.DataFrame({"key": list(meta), "value": list(meta.values())}), ["key", "value"]),
            ):
                con.register("incoming", frame[columns])
                con.execute(f"INSERT INTO {table} SELECT * FROM incoming")
                con.unregister("incoming")
            con.execute("COMMIT")
