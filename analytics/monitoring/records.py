"""The backtest's records (one per method and horizon), the methods' names and where the dashboard reads the
stored backtest — apart from ``backtest``, which needs scikit-learn, so that a page reads records without it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path

METHODS = ("rules", "score", "baseline")
METHOD_LABELS = {"rules": "规则", "score": "风险评分", "baseline": "基线（收入最低优先）"}


@dataclass(frozen=True)
class Record:
    """One method at one horizon (``--json`` writes these)."""

    method: str
    horizon_months: int
    top_n: int
    recall: float | None
    precision: float | None
    auc: float | None
    lead_months: float | None
    origins: int
    events: int
    listed: int
    return_events: int
    return_recall: float | None
    new_events: int
    new_recall: float | None


RECORD_FIELDS = frozenset(f.name for f in fields(Record))


def stored_path(db: Path) -> Path:
    """Where the dashboard reads the backtest of a roster database (``make run`` writes the demo's there with
    ``--json``)."""
    return db.with_name(db.stem + ".backtest.json")


def as_json(records: list[Record]) -> list[dict[str, object]]:
    return [asdict(r) for r in records]
