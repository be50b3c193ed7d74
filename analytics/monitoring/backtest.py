"""Rolling-origin backtest of the visit lists: at each month (origin) every township gets its top-N watched
households (exited households and 边缘户) by (a) the rules, (b) the risk score trained on the months before, (c) a
naive baseline (lowest last-year income first); each list is judged against the events of the next 3 and 6 months:
the exited households that returned and the 边缘户 registered as 新识别.

Figures, pooled over origins: recall@N (events caught / all events; also apart for returns and 新识别), precision
(caught / listed), AUC (mean over origins of the ranking of all watched households, listed or not) and lead time
(months from the first origin that listed a caught household to its event).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from analytics.dataset import dataset_info
from analytics.monitoring.features import household_months
from analytics.monitoring.records import METHODS, Record
from analytics.monitoring.rules import rule_hits
from analytics.monitoring.score import SEED, risk, train
from analytics.scope import Scope
from storage.months import add_months

HORIZONS = (3, 6)
TOP_N = 20
NO_INCOME = 1e9  # a household without last year's income comes last in the baseline's order


def rule_priority(con: duckdb.DuckDBPyConnection, scope: Scope, rows: pd.DataFrame) -> np.ndarray:
    """The rules' order of ``rows`` (``household_id``, ``near_poor``) as a number: 红 above 黄 above none, more
    triggered rules first within a tier."""
    hits = rule_hits(con, scope)
    keys = ["household_id", "near_poor"]
    hits = hits.assign(near_poor=hits["near_poor"].astype("int64"), red=hits["tier"] == "红")
    per = hits.groupby(keys).agg(red=("red", "any"), rules=("rule_id", "size"))
    found = rows[keys].astype({"near_poor": "int64"}).merge(per, left_on=keys, right_index=True, how="left")
    tier = np.where(found["red"].eq(True), 2, np.where(found["rules"].notna(), 1, 0))
    return np.asarray(tier * 100 + found["rules"].fillna(0).to_numpy())


def top_per_town(rows: pd.DataFrame, priority: np.ndarray, top_n: int) -> np.ndarray:
    """Whether each row is among the ``top_n`` of its township by ``priority`` (ties: household id order)."""
    ranked = rows.assign(priority=priority).sort_values(["priority", "household_id"], ascending=[False, True])
    rank = ranked.groupby("town_code").cumcount()
    return np.asarray((rank < top_n).reindex(rows.index).to_numpy())


def origin_months(first: dt.date, last: dt.date, horizon: int, every: int = 1) -> list[dt.date]:
    """Origins every ``every`` months from ``first`` whose horizon ends by the data's last month."""
    months, month = [], first
    while add_months(month, horizon) <= last:
        months.append(month)
        month = add_months(month, every)
    return months


def backtest(
    con: duckdb.DuckDBPyConnection,
    top_n: int = TOP_N,
    horizons: tuple[int, ...] = HORIZONS,
    seed: int = SEED,
    every: int = 1,
) -> list[Record]:
    """Every method at every horizon over the data's history (city-wide, each township its own list), with an
    origin every ``every`` months (the first with enough known returns to train on)."""
    info = dataset_info(con)
    frame = household_months(con, Scope(info.as_of), add_months(info.baseline, 1))
    records = []
    for horizon in horizons:
        results: dict[str, list[pd.DataFrame]] = {m: [] for m in METHODS}
        for origin in origin_months(add_months(info.baseline, 1), info.as_of, horizon, every):
            booster = train(frame, horizon, origin, seed)
            if booster is None:
                continue
            rows = frame[pd.to_datetime(frame["month"]) == pd.Timestamp(origin)].reset_index(drop=True)
            returned = pd.to_datetime(rows["next_event"])
            truth = (returned.notna() & (returned <= pd.Timestamp(add_months(origin, horizon)))).to_numpy()
            priorities = {
                "rules": rule_priority(con, Scope(origin), rows),
                "score": risk(booster, rows),
                "baseline": -rows["income_gap"].fillna(NO_INCOME).to_numpy(),
            }
            for method, priority in priorities.items():
                results[method].append(
                    rows[["household_id", "near_poor"]].assign(
                        origin=origin,
                        event=truth,
                        returned=returned,
                        listed=top_per_town(rows, priority, top_n),
                        auc=roc_auc_score(truth, priority) if 0 < truth.sum() < len(truth) else np.nan,
                    )
                )
        records += [_record(method, horizon, top_n, results[method]) for method in METHODS]
    return records


def _record(method: str, horizon: int, top_n: int, parts: list[pd.DataFrame]) -> Record:
    if not parts:
        return Record(method, horizon, top_n, None, None, None, None, 0, 0, 0, 0, None, 0, None)
    rows = pd.concat(parts, ignore_index=True)
    caught = rows[rows["event"] & rows["listed"]]
    # Lead: from the first origin whose list held the household with this return inside its horizon.
    first_caught = caught.groupby(["household_id", "near_poor", "returned"])["origin"].min()
    lead = [(r.year - o.year) * 12 + r.month - o.month for (_, _, r), o in first_caught.items()]
    aucs = rows.groupby("origin")["auc"].first().dropna()
    events, listed_count = int(rows["event"].sum()), int(rows["listed"].sum())
    returns, new = (rows[rows["event"] & (rows["near_poor"] == flag)] for flag in (False, True))
    return Record(
        method=method,
        horizon_months=horizon,
        top_n=top_n,
        recall=len(caught) / events if events else None,
        precision=len(caught) / listed_count if listed_count else None,
        auc=float(aucs.mean()) if len(aucs) else None,
        lead_months=float(np.mean(lead)) if lead else None,
        origins=int(rows["origin"].nunique()),
        events=events,
        listed=listed_count,
        return_events=len(returns),
        return_recall=_share(returns["listed"]),
        new_events=len(new),
        new_recall=_share(new["listed"]),
    )


def _share(flags: pd.Series) -> float | None:
    return float(flags.mean()) if len(flags) else None
