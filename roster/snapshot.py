"""The snapshot store: every import becomes one complete DuckDB file, published atomically.

For a database ``X.duckdb`` (the generated or reference database the dashboard starts from), imported
snapshots live in ``X.snapshots/YYYY-MM_NNN.duckdb`` (as-of month, import number of that month). A
snapshot is built in a hidden ``.partial`` file and appears under its final name only when complete
(a hard link, so it never replaces an existing file); a failure or a killed process leaves the store
exactly as it was, and readers never see a half-written snapshot. Earlier snapshots stay untouched.

A snapshot holds the full schema: reference tables (areas, measure catalogue, plan targets, poverty
lines, town indicators) copied from ``X.duckdb``; the imported roster merged over the previous snapshot
(households and persons ever registered are kept; other tables are replaced when imported, otherwise
carried over); status events from the imported 状态变动表, or else from comparing with the previous
snapshot (:mod:`roster.diff`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from roster import diff
from roster.fields import TABLES
from roster.schema import create_schema, insert_frame
from roster.validate import Validation
from storage.db import single
from storage.files import make_private, private_dir
from storage.months import first_of_month

LOG = logging.getLogger("roster")
# Adds the derived tables to a roster database before it is published (the caller passes
# ``analytics.cubes.build_cubes``: the roster layer writes, the analytics layer knows what to derive).
Derive = Callable[[duckdb.DuckDBPyConnection], None]
REFERENCE_TABLES = (
    "district",
    "town",
    "village",
    "measure_type",
    "town_indicator",
    "poverty_line",
    "monitoring_threshold",
    "warning_rule",
    "plan_target",
    "target_registry",
)
CARRIED_TABLES = (
    "measure",
    "village_indicator",
    "income",
    "household_change",
    "near_poor_household",
    "near_poor_person",
    "near_poor_income",
    "warning_clue",
)
_NAME = re.compile(r"^(\d{4})-(\d{2})_(\d{3})\.duckdb$")
STATUS = {"identified": "poor", "new": "poor", "returned": "returned", "exited": "exited", "removed": "removed"}


class ImportFailed(Exception):
    """The snapshot could not be written; the message says why, in Chinese. Nothing was changed."""


@dataclass(frozen=True)
class Snapshot:
    path: Path
    as_of: dt.date
    number: int

    @property
    def label(self) -> str:
        return f"{self.as_of:%Y年%m月}导入（第 {self.number} 次）"


def store_dir(db: Path) -> Path:
    """Where the imported snapshots of ``db`` live."""
    return db.with_name(db.stem + ".snapshots")


def list_snapshots(db: Path) -> list[Snapshot]:
    """Published snapshots, oldest as-of month (then import number) first."""
    found = []
    for path in store_dir(db).glob("*.duckdb") if store_dir(db).is_dir() else []:
        match = _NAME.match(path.name)
        if match:
            year, month, number = map(int, match.groups())
            found.append(Snapshot(path, dt.date(year, month, 1), number))
    return sorted(found, key=lambda s: (s.as_of, s.number))


def catalogue(db: Path) -> pd.DataFrame:
    """One row per snapshot: its as-of month, import number and time, importer, sources and size."""
    rows = []
    for snapshot in list_snapshots(db):
        con = duckdb.connect(str(snapshot.path), read_only=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM dataset_meta").fetchall())
            files = "、".join(
                f"{name}（{rows:,} 行）"
                for name, rows in con.execute("SELECT file_name, rows FROM snapshot_file").fetchall()
            )
            households = single(con.execute("SELECT count(*) FROM household"))
        finally:
            con.close()
        rows.append(
            (
                snapshot.path.name,
                f"{snapshot.as_of:%Y-%m}",
                snapshot.number,
                meta.get("imported_at", ""),
                meta.get("imported_by", ""),
                {"file": "状态变动表", "diff": "与上一快照比对"}.get(meta.get("events") or "", ""),
                households,
                files,
            )
        )
    return pd.DataFrame(
        rows,
        columns=["快照", "截至月份", "当月第几次", "导入时间", "导入人", "动态来源", "建档立卡户（累计）", "源文件"],
    )


def latest_before(db: Path, as_of: dt.date) -> Snapshot | None:
    """The newest snapshot of an earlier month (the one a new import is compared with)."""
    earlier = [s for s in list_snapshots(db) if s.as_of < as_of]
    return earlier[-1] if earlier else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def previous_state(con: duckdb.DuckDBPyConnection, schema: str, as_of: dt.date) -> diff.PreviousState:
    """Household status and members of the attached snapshot ``schema`` at its as-of month."""
    households = con.execute(f"""
        SELECT h.household_id, arg_max(e.event_type, (e.event_month, e.event_id)) AS last_event, h.attribute,
            h.main_cause, h.village_code
        FROM {schema}.household h JOIN {schema}.status_event e ON e.household_id = h.household_id
            AND e.person_id IS NULL
        GROUP BY ALL""").df()
    households["status"] = households.pop("last_event").map(STATUS)
    members = con.execute(f"""
        SELECT p.person_id, p.household_id FROM {schema}.person p
        WHERE NOT EXISTS (SELECT 1 FROM {schema}.status_event e WHERE e.person_id = p.person_id
            AND e.event_type = 'removed')""").df()
    return diff.PreviousState(as_of, households, members)


def _numbered(frame: pd.DataFrame, column: str) -> pd.Series:
    """The given ids, blanks filled with new ones after the largest."""
    given = pd.to_numeric(frame[column], errors="coerce")
    first = int(given.max(skipna=True) if given.notna().any() else 0) + 1
    blanks = given.isna()
    return given.where(~blanks, pd.Series(range(first, first + int(blanks.sum())), index=given[blanks].index)).astype(
        "int64"
    )


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


class _Writer:
    """Builds one snapshot file from a validated import (a private helper of :func:`write_snapshot`)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, result: Validation, as_of: dt.date, has_previous: bool) -> None:
        self.con, self.tables, self.as_of, self.has_previous = con, result.tables, as_of, has_previous

    def insert(self, table: str, frame: pd.DataFrame) -> None:
        insert_frame(self.con, table, frame[[c for c in _columns(self.con, table) if c in frame.columns]])

    def carry(self, table: str, key: str) -> None:
        """Rows of the previous snapshot whose key the import did not bring."""
        if self.has_previous:
            self.con.execute(
                f"INSERT INTO {table} SELECT * FROM prev.{table} WHERE {key} NOT IN (SELECT {key} FROM {table})"
            )

    def roster(self, baseline: dt.date) -> str:
        """Households, persons, events and the other imported tables; returns how events were obtained."""
        households, persons = self.tables["household"], self.tables["person"].copy()
        events, source = self._events(households, persons, baseline)
        joined = events.loc[events["person_id"].notna() & (events["event_type"] == "new"), "person_id"]
        persons.loc[persons["person_id"].isin(joined) & persons["joined_month"].isna(), "joined_month"] = self.as_of
        self.insert("household", households)
        self.carry("household", "household_id")
        self.insert("person", persons)
        self.carry("person", "person_id")
        if source == "diff" and self.has_previous:
            self.con.execute("INSERT INTO status_event SELECT * FROM prev.status_event")
        self.insert("status_event", events)
        for table in CARRIED_TABLES:
            if table in self.tables:
                self.insert(table, self._prepared(table))
            elif self.has_previous:
                self.con.execute(f"INSERT INTO {table} SELECT * FROM prev.{table}")
        return source

    def _events(self, households: pd.DataFrame, persons: pd.DataFrame, baseline: dt.date) -> tuple[pd.DataFrame, str]:
        previous = previous_state(self.con, "prev", self._previous_as_of()) if self.has_previous else None
        if previous is not None and "household_change" not in self.tables:
            changes = diff.attribute_changes(previous, households, self.as_of)
            if len(changes):
                self.tables = {
                    **self.tables,
                    "household_change": pd.concat(
                        [self.con.execute("SELECT * FROM prev.household_change").df(), changes], ignore_index=True
                    ),
                }
        if "status_event" in self.tables:
            events = self.tables["status_event"].sort_values(["event_month"], kind="stable")
            return events.assign(event_id=_numbered(events, "event_id")), "file"
        if previous is not None:
            found = diff.snapshot_events(previous, households, persons, baseline, self.as_of)
            start = single(self.con.execute("SELECT coalesce(max(event_id), 0) FROM prev.status_event")) + 1
        else:
            found, start = diff.first_snapshot_events(households, baseline, self.as_of), 1
        return found.assign(event_id=range(start, start + len(found))), "diff"

    def _previous_as_of(self) -> dt.date:
        return first_of_month(single(self.con.execute("SELECT value FROM prev.dataset_meta WHERE key = 'as_of_month'")))

    def _prepared(self, table: str) -> pd.DataFrame:
        frame = self.tables[table]
        if table == "measure":
            categories = dict(self.con.execute("SELECT measure_code, category_code FROM measure_type").fetchall())
            frame = frame.assign(
                measure_id=_numbered(frame, "measure_id"), category_code=frame["measure_code"].map(categories)
            )
        return frame


def _meta(db: Path, snapshot_name: str, as_of: dt.date, imported_by: str, events: str, baseline: str) -> pd.DataFrame:
    meta = {
        "source": "imported",
        "as_of_month": f"{as_of:%Y-%m}",
        "baseline_month": baseline,
        "snapshot": snapshot_name,
        "imported_at": dt.datetime.now().isoformat(timespec="seconds"),
        "imported_by": imported_by,
        "events": events,
        "reference_db": db.name,
    }
    return pd.DataFrame({"key": list(meta), "value": list(meta.values())})


def _sources(result: Validation, files: list[Path]) -> pd.DataFrame:
    rows = []
    for path in files:
        read = {t: int((f["file"] == path.name).sum()) for t, f in result.tables.items()}
        tables = "、".join(TABLES[t][0] for t, n in read.items() if n)
        rows.append((path.name, sha256(path), tables, sum(read.values())))
    return pd.DataFrame(rows, columns=["file_name", "sha256", "tables", "rows"])


def clean_partials(store: Path) -> None:
    """Remove half-written snapshots of processes that no longer run."""
    for partial in store.glob(".*.partial*"):
        pid = int(partial.name.split(".")[2]) if partial.name.split(".")[2].isdigit() else 0
        try:
            os.kill(pid, 0)
        except (ProcessLookupError, ValueError, OverflowError):
            partial.unlink(missing_ok=True)
        except PermissionError:
            pass


def write_snapshot(
    db: Path, result: Validation, as_of: dt.date, files: list[Path], imported_by: str, *, derive: Derive
) -> Snapshot:
    """Write a validated import as a new snapshot of ``db``, with the tables ``derive`` adds (the cubes,
    ``analytics.cubes.build_cubes``); all or nothing."""
    if result.errors:
        raise ImportFailed(f"有 {result.errors} 个错误，未导入")
    store = private_dir(store_dir(db))
    clean_partials(store)
    partial = store / f".{as_of:%Y-%m}.{os.getpid()}.partial"
    previous = latest_before(db, as_of)
    try:
        con = duckdb.connect(str(partial))
        try:
            create_schema(con)
            con.execute(f"ATTACH {_quoted(db)} AS ref (READ_ONLY)")
            for table in REFERENCE_TABLES:
                con.execute(f"INSERT INTO {table} SELECT * FROM ref.{table}")
            baseline = single(con.execute("SELECT value FROM ref.dataset_meta WHERE key = 'baseline_month'"))
            if previous:
                con.execute(f"ATTACH {_quoted(previous.path)} AS prev (READ_ONLY)")
            writer = _Writer(con, result, as_of, previous is not None)
            events = writer.roster(first_of_month(baseline))
            insert_frame(con, "snapshot_file", _sources(result, files))
            name = publish_name(store, as_of)
            insert_frame(con, "dataset_meta", _meta(db, name, as_of, imported_by, events, baseline))
            derive(con)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        make_private(partial)
        return publish(partial, store / name)
    except duckdb.Error as err:  # validation owns every database rule, so this means a rule it lacks
        LOG.error("snapshot write refused by the database: %s", err)
        raise ImportFailed(
            "数据库拒绝写入（校验没有发现的问题，详细信息已记入日志），未导入；请把文件和本消息交给管理员"
        ) from None
    except OSError as err:
        raise ImportFailed(f"写入快照文件失败（{err.strerror or err}），请检查磁盘空间和目录权限") from None
    finally:
        for leftover in (partial, partial.with_name(partial.name + ".wal")):
            leftover.unlink(missing_ok=True)


def publish_name(store: Path, as_of: dt.date) -> str:
    taken = [int(m.group(3)) for p in store.glob(f"{as_of:%Y-%m}_*.duckdb") if (m := _NAME.match(p.name))]
    return f"{as_of:%Y-%m}_{max(taken, default=0) + 1:03d}.duckdb"


def publish(partial: Path, final: Path) -> Snapshot:
    """Make the finished file visible under its final name without ever replacing another file."""
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.link(partial, final)  # fails if the name is taken: two imports of one month never overwrite
    except FileExistsError:
        raise ImportFailed(f"{final.name} 已被同时进行的另一次导入占用，未导入；请重试") from None
    directory = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    match = _NAME.match(final.name)
    if match is None:
        raise ImportFailed(f"{final.name} 不是快照文件名")
    year, month, number = map(int, match.groups())
    return Snapshot(final, dt.date(year, month, 1), number)
