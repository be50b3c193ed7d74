"""The visit list of 监测预警, a page at a time: the scope's flagged households (exited households and 边缘户) and,
flagged or not (绿), each township's ``top`` highest risk scores — red first, then yellow, then by risk (ties: the
roster's households before 边缘户, then by id), heads masked. With ``only_top`` the list keeps only the townships'
top scores; a village's list holds those of its township's top scores that live in it.

When ``cube_flag`` and ``cube_risk`` both answer, a page is one query over them (the names joined for its rows
only) and the counts another, so the first page costs the same at any size of the list; otherwise the list is put
together from the rules and the score on the raw tables (``rules.flagged_households``, ``score.current_risk``) and
cut into pages — the same rows in the same order (tests).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from analytics.cube_switch import from_cube
from analytics.monitoring.rules import flagged_households, household_labels
from analytics.monitoring.score import current_risk, town_ranks
from analytics.scope import CUBE_FILTER_SQL, Scope
from analytics.sql import execute
from storage.privacy import masked

VISIT_COLUMNS = [
    "household_id",
    "near_poor",
    "town_code",
    "town_name",
    "village_name",
    "head_name",
    "tier",
    "rules",
    "reasons",
    "risk",
    "score_reasons",
]
TIER_ORDER = {"红": 2, "黄": 1, "绿": 0}


@dataclass(frozen=True)
class VisitCounts:
    """How long the list is (``listed``, with ``only_top`` as asked) and the scope's flagged households by tier."""

    listed: int
    red: int
    yellow: int


_LISTED = f"""
WITH ranked AS (
    SELECT c.household_id, c.near_poor, c.village_code, c.town_code, c.risk, c.reasons, c.town_rank AS rank
    FROM cube_risk c WHERE {CUBE_FILTER_SQL} AND c.month = CAST($at AS DATE)
),
flags AS (
    SELECT c.household_id, c.near_poor, c.village_code, c.town_code, c.tier, c.rules, c.reasons
    FROM cube_flag c WHERE {CUBE_FILTER_SQL} AND c.month = CAST($at AS DATE)
),
listed AS (
    SELECT household_id, near_poor, coalesce(f.village_code, r.village_code) AS village_code,
           coalesce(f.town_code, r.town_code) AS town_code, coalesce(f.tier, '绿') AS tier,
           coalesce(f.rules, 0) AS rules, coalesce(f.reasons, '—') AS reasons, r.risk, r.reasons AS score_reasons,
           coalesce(r.rank <= $top, false) AS in_top
    FROM flags f FULL JOIN ranked r USING (household_id, near_poor)
    WHERE f.household_id IS NOT NULL OR r.rank <= $top
)"""
_COUNTS = (
    _LISTED
    + """
SELECT count(*) FILTER (NOT $only_top OR in_top), count(*) FILTER (tier = '红'), count(*) FILTER (tier = '黄')
FROM listed"""
)
_PAGE = (
    _LISTED
    + """
SELECT x.household_id, x.near_poor, x.town_code, t.name AS town_name, v.name AS village_name,
       coalesce(h.head_name, n.head_name) AS head_name, x.tier, x.rules, x.reasons, x.risk, x.score_reasons
FROM (SELECT * FROM listed WHERE NOT $only_top OR in_top
      ORDER BY CASE tier WHEN '红' THEN 2 WHEN '黄' THEN 1 ELSE 0 END DESC, risk DESC NULLS LAST, near_poor,
               household_id
      LIMIT $size OFFSET $offset) x
JOIN village v USING (village_code) JOIN town t ON t.town_code = x.town_code
LEFT JOIN household h ON NOT x.near_poor AND h.household_id = x.household_id
LEFT JOIN near_poor_household n ON x.near_poor AND n.near_poor_id = x.household_id
ORDER BY CASE x.tier WHEN '红' THEN 2 WHEN '黄' THEN 1 ELSE 0 END DESC, x.risk DESC NULLS LAST, x.near_poor,
         x.household_id"""
)


def _stored(con: duckdb.DuckDBPyConnection, scope: Scope) -> bool:
    return all(from_cube(con, cube, scope, scope.as_of, scope.as_of) for cube in ("cube_risk", "cube_flag"))


def visit_counts(con: duckdb.DuckDBPyConnection, scope: Scope, top: int, only_top: bool) -> VisitCounts:
    """The length of the list and the scope's red and yellow households."""
    if _stored(con, scope):
        params = {**scope.sql_params(), "at": scope.as_of, "top": top, "only_top": only_top}
        listed, red, yellow = execute(con, _COUNTS, params).fetchone() or (0, 0, 0)
        return VisitCounts(int(listed), int(red), int(yellow))
    whole = _assembled(con, scope, top)
    tiers = whole["tier"].value_counts()
    shown = whole[whole["in_top"]] if only_top else whole
    return VisitCounts(len(shown), int(tiers.get("红", 0)), int(tiers.get("黄", 0)))


def visit_page(
    con: duckdb.DuckDBPyConnection, scope: Scope, top: int, only_top: bool, offset: int, size: int
) -> pd.DataFrame:
    """The ``size`` rows of the list from row ``offset`` on (``VISIT_COLUMNS``), heads masked."""
    if _stored(con, scope):
        params = {**scope.sql_params(), "at": scope.as_of, "top": top, "only_top": only_top}
        page = execute(con, _PAGE, params | {"offset": offset, "size": size}).df()
        return masked(page.astype({"near_poor": "bool"}))
    whole = _assembled(con, scope, top)
    shown = whole[whole["in_top"]] if only_top else whole
    return shown.iloc[offset : offset + size][VISIT_COLUMNS].reset_index(drop=True)


def _assembled(con: duckdb.DuckDBPyConnection, scope: Scope, top: int) -> pd.DataFrame:
    """The whole list from the rules and the scores (masked), in the list's order, with ``in_top``."""
    keys = ["household_id", "near_poor"]
    flagged = flagged_households(con, scope).astype({"near_poor": "bool"})
    scored = current_risk(con, replace(scope, village=None))  # a village's share of its township's top scores
    scored = scored.assign(in_top=town_ranks(scored) <= top).astype({"near_poor": "bool"})
    scored = scored[scored["village_code"] == scope.village] if scope.village else scored
    scored = scored.rename(columns={"reasons": "score_reasons"})
    best = scored.loc[scored["in_top"], keys]
    unflagged = best.merge(flagged[keys], on=keys, how="left", indicator=True).query("_merge == 'left_only'")
    roster, near_poor = (tuple(sorted(unflagged.loc[unflagged["near_poor"] == n, "household_id"])) for n in (0, 1))
    others = household_labels(con, scope, roster, near_poor).assign(tier="绿", rules=0, reasons="—")
    whole = pd.concat([flagged, others.astype({"near_poor": "bool"})], ignore_index=True).merge(
        scored.drop(columns=["village_code", "town_code"]), on=keys, how="left"
    )
    whole["in_top"] = whole["in_top"].fillna(False).astype(bool)
    order = whole.assign(tier_rank=whole["tier"].map(TIER_ORDER), at_risk=whole["risk"].notna())
    order = order.sort_values(
        ["tier_rank", "at_risk", "risk", "near_poor", "household_id"],
        ascending=[False, False, False, True, True],
        kind="stable",
    )
    return whole.loc[order.index].reset_index(drop=True)
