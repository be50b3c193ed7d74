"""Imports from the web run in a worker process with a memory cap and a time limit.

The dashboard's server process never parses an uploaded file itself: :func:`run_import` starts a fresh
process (``spawn``), caps the memory it may add (``DASHBOARD_IMPORT_MEMORY_MB``, default 4096) and waits at
most ``DASHBOARD_IMPORT_SECONDS`` (default 600), reporting the stage and the time taken while it waits.
A worker that runs out of memory or time is stopped; the snapshot store is untouched (snapshots are
published atomically, and a killed worker's partial file is removed by the next import).
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import resource
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from roster.ingest import as_of_refusal
from roster.snapshot import Derive, ImportFailed, Snapshot, write_snapshot
from roster.validate import Known, Validation, validate

LOG = logging.getLogger("roster")
MEMORY_MB = "DASHBOARD_IMPORT_MEMORY_MB"
SECONDS = "DASHBOARD_IMPORT_SECONDS"
STAGES = {"read": "正在读取并校验文件", "write": "正在写入快照", "done": "完成"}


@dataclass(frozen=True)
class Outcome:
    """What an import did: the problems found (tables left out), rows read per table, the snapshot or why not."""

    validation: Validation
    rows: dict[str, int] = field(default_factory=dict)
    snapshot: Snapshot | None = None
    failure: str | None = None


def memory_cap_mb() -> int:
    return int(os.environ.get(MEMORY_MB) or 4096)


def time_limit_s() -> float:
    return float(os.environ.get(SECONDS) or 600)


def _work(
    connection: Connection,
    db: Path,
    paths: list[Path],
    as_of: dt.date,
    user: str,
    write: bool,
    known: Known,
    cap_mb: int,
    derive: Derive,
) -> None:
    """The worker: validate, maybe write, send the outcome (tables stay here: only problems and row counts travel).
    The cap is address space beyond what the loaded program (Python, pandas, DuckDB) already holds."""
    cap = _address_space() + cap_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        connection.send(("stage", "read"))
        result = validate(paths, known, as_of)
        rows = {table: len(frame) for table, frame in result.tables.items()}
        snapshot, failure = None, None
        if write and not result.errors:
            connection.send(("stage", "write"))
            try:
                snapshot = write_snapshot(db, result, as_of, paths, user, derive=derive)
            except ImportFailed as err:
                failure = str(err)
        connection.send(("outcome", Outcome(Validation(problems=result.problems), rows, snapshot, failure)))
    except MemoryError:
        connection.send(
            (
                "outcome",
                Outcome(
                    Validation(), failure=f"文件过大：校验所需内存超过 {cap_mb:,} MB 上限，未导入；请拆分文件后重试"
                ),
            )
        )
    except Exception:  # a defect, not the file's fault: the traceback goes to the server log, the user gets a reference
        reference = uuid.uuid4().hex[:8]
        LOG.exception("import worker failed, reference %s", reference)
        connection.send(
            (
                "outcome",
                Outcome(Validation(), failure=f"校验时出现程序错误（编号 {reference}），未导入；请把编号告诉管理员"),
            )
        )


def _address_space() -> int:
    """This process's virtual memory size in bytes (``VmSize``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def run_import(
    db: Path,
    paths: list[Path],
    as_of: dt.date,
    user: str,
    write: bool,
    known: Known,
    progress: Callable[[str, float], None] = lambda stage, seconds: None,
    *,
    derive: Derive,
) -> Outcome:
    """Validate (and, when ``write`` and nothing blocks it, import) ``paths`` in a capped worker process."""
    if refusal := as_of_refusal(as_of):
        return Outcome(Validation(), failure=refusal)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(
        target=_work, args=(send, db, paths, as_of, user, write, known, memory_cap_mb(), derive), daemon=True
    )
    started, limit, stage = time.monotonic(), time_limit_s(), "read"
    worker.start()
    send.close()
    try:
        while time.monotonic() - started < limit:
            if receive.poll(0.5):
                try:
                    kind, value = receive.recv()
                except EOFError:  # the worker died without a word (killed, or out of memory outside Python)
                    break
                if kind == "outcome":
                    outcome: Outcome = value
                    return outcome
                stage = value
            elif not worker.is_alive() and not receive.poll():
                break
            progress(STAGES[stage], time.monotonic() - started)
        else:
            return Outcome(Validation(), failure=f"校验超过 {limit:,.0f} 秒时限，已停止，未导入；请拆分文件后重试")
        return Outcome(Validation(), failure="校验进程意外退出（可能超出内存上限），未导入；请拆分文件后重试")
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join(5)
        receive.close()
