"""The risk score: a gradient-boosted model (LightGBM) of "falls into poverty within the horizon" — an exited
household returns, a 边缘户 is registered as 新识别 — trained on the household-months before the month it scores,
with each household's reasons read from its feature contributions (LightGBM's TreeSHAP, ``pred_contrib``)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from analytics import fmt
from analytics.cube_switch import from_cube
from analytics.dataset import dataset_info
from analytics.monitoring.features import FEATURES, MONEY_FEATURES, household_months
from analytics.scope import CUBE_FILTER_SQL, Scope
from analytics.sql import execute
from storage.db import single
from storage.months import add_months
from storage.values import missing

if TYPE_CHECKING:
    import lightgbm as lgb

FEATURE_NAMES = list(FEATURES)
MIN_POSITIVE_ROWS = 20  # fewer known events than this: no model (数据不足)
PARAMS: dict[str, object] = {
    "objective": "binary",
    "learning_rate": 0.03,
    "num_leaves": 4,
    "min_data_in_leaf": 300,
    "lambda_l2": 1.0,
    "feature_fraction": 0.9,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
ROUNDS = 150
NEAR_LINE_YUAN = 1000  # an income gap from here up is no reason to visit


def known_labels(frame: pd.DataFrame, horizon: int, known_through: dt.date) -> np.ndarray:
    """1 where the household returned or was registered within ``horizon`` months after the row's month, as known
    at ``known_through`` (an event after it is not known yet, so the row counts as none)."""
    month = pd.to_datetime(frame["month"])
    end = np.minimum(month + pd.DateOffset(months=horizon), pd.Timestamp(known_through))
    returned = pd.to_datetime(frame["next_event"])
    return np.asarray((returned.notna() & (returned <= end)).astype("int64"))


def train(frame: pd.DataFrame, horizon: int, origin: dt.date, seed: int) -> lgb.Booster | None:
    """A model for scoring at ``origin``, from the rows before it and what was known of returns at ``origin``;
    None when fewer than ``MIN_POSITIVE_ROWS`` rows have a known event."""
    import lightgbm as lgb  # about 2 s to import: only where a model is trained, not for the stored scores

    rows = frame[pd.to_datetime(frame["month"]) < pd.Timestamp(origin)]
    labels = known_labels(rows, horizon, origin)
    if labels.sum() < MIN_POSITIVE_ROWS:
        return None
    data = lgb.Dataset(rows[FEATURE_NAMES].to_numpy(), label=labels, feature_name=FEATURE_NAMES)
    return lgb.train({**PARAMS, "seed": seed}, data, num_boost_round=ROUNDS)


def risk(booster: lgb.Booster, frame: pd.DataFrame) -> np.ndarray:
    """Probability of a return or registration within the model's horizon for each row."""
    return np.asarray(booster.predict(frame[FEATURE_NAMES].to_numpy()))


def reasons(booster: lgb.Booster, frame: pd.DataFrame, top: int = 3) -> list[str]:
    """Per row, the features that raise its risk most (positive contributions), in Chinese with the household's
    value, joined by ；. An income well above the monitoring line (``NEAR_LINE_YUAN`` or more) is never given as a
    reason, whatever its contribution: no worker would write it down as one."""
    contributions = np.asarray(booster.predict(frame[FEATURE_NAMES].to_numpy(), pred_contrib=True))[:, :-1]
    values = frame[FEATURE_NAMES].to_numpy()
    gap = FEATURE_NAMES.index("income_gap")
    out = []
    for row, value in zip(contributions, values, strict=True):
        if value[gap] >= NEAR_LINE_YUAN:
            row[gap] = 0.0
        order = [i for i in np.argsort(-row)[:top] if row[i] > 0]
        out.append("；".join(_reason(FEATURE_NAMES[i], float(value[i])) for i in order))
    return out


def _reason(name: str, value: float) -> str:
    """One feature of one household as a worker reads it (its own values: never small-count suppressed)."""
    if name == "labour" and value == 0:
        return "家中无劳动力"
    if name == "income_gap":
        if missing(value):
            return "上年收入未录入"
        return f"上年人均收入{'低于' if value < 0 else '高出'}监测线 {fmt.yuan(abs(value))}"
    return FEATURES[name].format(value=fmt.yuan(value) if name in MONEY_FEATURES else fmt.whole(value))


HORIZON = 3  # months: the visit list looks for returns within the next quarter
SEED = 2017
TRAINING_HOUSEHOLDS = 100_000  # above this many watched households the model trains on a fixed sample of them
SCORED_COLUMNS = ["household_id", "near_poor", "village_code", "town_code", "risk", "reasons"]

_STORED = f"""
SELECT c.household_id, c.near_poor, c.village_code, c.town_code, c.risk, c.reasons
FROM cube_risk c WHERE {CUBE_FILTER_SQL} AND c.month = CAST($at AS DATE)
ORDER BY c.near_poor, c.household_id
"""


def current_risk(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The watched households of ``scope`` at its month (``SCORED_COLUMNS``: ``household_id``, ``near_poor``, their
    village and town, ``risk`` of a return or registration within ``HORIZON`` months, ``reasons``): from
    ``cube_risk`` when it answers (the cube build stores :func:`city_risk`), else computed; empty when the history
    holds too few events to train on."""
    if from_cube(con, "cube_risk", scope, scope.as_of, scope.as_of):
        return execute(con, _STORED, {**scope.sql_params(), "at": scope.as_of}).df()
    scored = city_risk(con, scope.as_of)
    code = scope.village or scope.town or scope.district  # inside the user's area: Scope refuses any other
    column = "village_code" if scope.village else "town_code"
    return scored[scored[column].str.startswith(code)].reset_index(drop=True) if code else scored


def city_risk(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pd.DataFrame:
    """Every watched household of the city at ``as_of`` scored by a model trained on the city's months from the
    month after the baseline up to the month before ``as_of`` (on one household in ``k`` when there are more than
    ``TRAINING_HOUSEHOLDS``: every ``k``-th by a fixed hash of its id), ``SCORED_COLUMNS``."""
    first = add_months(dataset_info(con).baseline, 1)
    frame = household_months(con, Scope(as_of), first, every=_sampling(con))
    booster = train(frame, HORIZON, as_of, SEED)
    rows = frame[pd.to_datetime(frame["month"]) == pd.Timestamp(as_of)].reset_index(drop=True)
    if booster is None or rows.empty:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in SCORED_COLUMNS})
    return rows[SCORED_COLUMNS[:4]].assign(risk=risk(booster, rows), reasons=reasons(booster, rows))


def _sampling(con: duckdb.DuckDBPyConnection) -> int:
    """``k``: train on one watched household in ``k`` so that about ``TRAINING_HOUSEHOLDS`` remain."""
    sql = "SELECT (SELECT count(*) FROM household) + (SELECT count(*) FROM near_poor_household)"
    watched = int(single(con.execute(sql)))
    return max(1, -(-watched // TRAINING_HOUSEHOLDS))


def town_ranks(scored: pd.DataFrame) -> pd.Series:
    """Each score's place among its township's scores (1 = highest; ties: the roster's households before 边缘户, then
    by id): what ``cube_risk.town_rank`` stores."""
    ranked = scored.sort_values(["risk", "near_poor", "household_id"], ascending=[False, True, True])
    return ranked.groupby("town_code").cumcount().add(1).reindex(scored.index)
