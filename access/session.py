"""Session rules that do not need Streamlit: the clock, inactivity expiry, and when login is required."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from analytics.dataset import dataset_source
from roster.snapshot import list_snapshots
from storage.db import connect

SYNTHETIC = "synthetic"  # dataset_meta.source of generated demo data
ALLOW_ANONYMOUS = "DASHBOARD_ALLOW_ANONYMOUS"  # "1": no login even with real data (warned on every page)


def now() -> dt.datetime:
    """The clock sessions use (tests replace it)."""
    return dt.datetime.now()


def session_timeout() -> dt.timedelta:
    """Inactivity after which a session ends: ``DASHBOARD_SESSION_MINUTES`` (default 30)."""
    return dt.timedelta(minutes=float(os.environ.get("DASHBOARD_SESSION_MINUTES") or 30))


def expired(last_seen: dt.datetime, at: dt.datetime) -> bool:
    return at - last_seen > session_timeout()


class SourceUnreadable(Exception):
    """Whether the data are synthetic could not be read (a lock, a damaged file, a missing key)."""


def provably_synthetic(db: Path) -> bool:
    """True only when ``db`` has no imported snapshot and its ``dataset_meta.source`` reads 'synthetic'
    (an absent database holds nothing to protect: the page explains it). Raises :class:`SourceUnreadable`
    when the answer cannot be read, so that callers fail closed."""
    if list_snapshots(db):
        return False
    if not db.exists():
        return True
    try:
        with connect(db) as con:
            source = dataset_source(con)
    except Exception as err:  # any failure to read the source means: not provably synthetic
        raise SourceUnreadable(str(err)) from err
    return source == SYNTHETIC


def holds_real_data(db: Path) -> bool:
    """Whether a login is needed: everything but a provably synthetic database counts as real data."""
    try:
        return not provably_synthetic(db)
    except SourceUnreadable:
        return True


def anonymous_allowed() -> bool:
    return os.environ.get(ALLOW_ANONYMOUS) == "1"
