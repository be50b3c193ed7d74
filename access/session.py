"""Session rules that do not need Streamlit: the clock, inactivity expiry, and when login is required."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from analytics.dataset import dataset_info
from analytics.db import connect
from roster.snapshot import list_snapshots

ALLOW_ANONYMOUS = "DASHBOARD_ALLOW_ANONYMOUS"  # "1": no login even with real data (warned on every page)


def now() -> dt.datetime:
    """The clock sessions use (tests replace it)."""
    return dt.datetime.now()


def session_timeout() -> dt.timedelta:
    """Inactivity after which a session ends: ``DASHBOARD_SESSION_MINUTES`` (default 30)."""
    return dt.timedelta(minutes=float(os.environ.get("DASHBOARD_SESSION_MINUTES") or 30))


def expired(last_seen: dt.datetime, at: dt.datetime) -> bool:
    return at - last_seen > session_timeout()


def holds_real_data(db: Path) -> bool:
    """True once a snapshot has been imported, or when the database itself is not synthetic."""
    if list_snapshots(db):
        return True
    if not db.exists():
        return False  # the page explains the missing database
    try:
        with connect(db) as con:
            return not dataset_info(con).is_synthetic
    except (duckdb.Error, KeyError):
        return False


def anonymous_allowed() -> bool:
    return os.environ.get(ALLOW_ANONYMOUS) == "1"
