"""Pre-aggregated monthly cubes at village grain, built from the same definitions as the raw queries.

* ``cube_outcome``: every household outcome figure (``dynamics.OUTCOME_COLUMNS``: poor, exited, registered,
  active, covered, … households and persons) per village and month;
* ``cube_flow``: the monthly flows (新识别, 返贫, 脱贫, 自然减少) per village, month and unit;
* ``cube_coverage``: active households covered by each measure group (``coverage.MEASURE_GROUPS``);
* ``cube_profile``: poor (and baseline) households and persons by main cause and by attribute;
* ``cube_person``: poor (and baseline) households with a member of an age band, health or labour ability, and
  those members;
* ``cube_measure_count``: active households by how many distinct measures they have had;
* ``cube_transition``: households by their status at the baseline and at the month (the status transitions);
* ``cube_goal``: the additive figures of the plan targets measured from households, persons and measures
  (``goals.Additive``);
* ``cube_quality``: the records of every data-quality check per village at the as-of month only (the checks
  list records; at other months the page runs them on the raw tables);
* ``cube_figure``: the figures of ``analytics.figures`` (gaps, funds, completeness, exit-income bands, helper
  loads) per village at the as-of month only;
* ``cube_flag``: the households the warning rules flag at the as-of month only, with their tier and reasons;
* ``cube_risk``: the risk score and its reasons for every watched household at the as-of month only (the model
  trains on the whole city, so it is built once for the city, not per partition).

``build_cubes`` fills them for the whole city from 2015-12 to the as-of month; the generator and the snapshot
writer call it in the same write as the roster. Questions without household slices are then sums over a cube,
filtered by the town and district codes each row carries; tests check every cube path against its raw path.

Outcome, coverage and goal cubes are built from *spans*: a household (person, measure row) adds n to a column
from the month a state starts until the month it ends (a poor spell, an exit until a return, an active spell
from its first measure on; open-ended for a counted event). Turned into +n / −n deltas, a running sum per
village gives the month-end figures (a running minimum for ``lowest``).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics import coverage, distribution, dynamics, goals, quality
from analytics.coverage import MEASURE_GROUPS
from analytics.cube_switch import raw_tables_only
from analytics.dataset import dataset_info
from analytics.figures import RawFigure
from analytics.monitoring import rules, score
from analytics.scope import Scope
from analytics.sql import execute
from storage.months import BASELINE

CUBES = (
    "cube_outcome",
    "cube_flow",
    "cube_coverage",
    "cube_profile",
    "cube_person",
    "cube_measure_count",
    "cube_transition",
    "cube_goal",
    "cube_quality",
    "cube_figure",
    "cube_flag",
    "cube_risk",
)

_POOR, _OPEN = dynamics.POOR, dynamics.OPEN_END
# Per household: village, poor at the baseline, first new identification after it, first event; its spells.
_HOUSEHOLDS = f""",
hh AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code,
           coalesce(arg_max(ev.event_type, ev.seq) FILTER (ev.event_month <= $baseline) IN {_POOR}, false) AS b,
           min(ev.event_month) FILTER (ev.event_type IN ('new', 'identified')
               AND ev.event_month > $baseline) AS first_new,
           min(ev.event_month) AS first_event
    FROM ev JOIN area a USING (household_id) GROUP BY ev.household_id
),
spells AS (
    SELECT hh.village_code, hh.household_id, hh.b, ev.event_type, ev.event_month AS start, ev.next_month AS stop
    FROM ev JOIN hh USING (household_id) WHERE ev.event_month < ev.next_month
),
active AS (SELECT * FROM spells WHERE event_type <> 'removed')
"""


def _members_at(household: str, month: str) -> str:
    """SQL: the members of ``household``'s household (an alias) at ``month`` (an expression)."""
    return (
        f"(SELECT count(*) FROM members p WHERE p.household_id = {household}.household_id"
        f" AND p.joined <= {month} AND {month} < p.left_month)"
    )


_PERSONS_AT_EXIT = _members_at("x", "x.start")
_PERSONS_AT_BASELINE = _members_at("hh", "$baseline")

_OUTCOME_SPANS = (
    _HOUSEHOLDS
    + f""",
exit_spells AS (
    SELECT household_id, event_type, event_month AS start,
           coalesce(lead(event_month) OVER (PARTITION BY household_id ORDER BY seq), {_OPEN}) AS stop
    FROM ev WHERE event_type IN ('exited', 'returned')
),
spans AS (
    SELECT village_code, start, stop, 'active_households' AS col, 1 AS n FROM active
    UNION ALL
    SELECT a.village_code, greatest(a.start, f.first), a.stop, 'covered_households', 1
    FROM active a JOIN (SELECT household_id, min(start_month) AS first FROM measure GROUP BY 1) f USING (household_id)
    UNION ALL
    SELECT village_code, start, stop, unnest(CASE WHEN b THEN ['remaining_households', 'baseline_remaining_households']
                                                  ELSE ['remaining_households'] END), 1
    FROM spells WHERE event_type IN {_POOR}
    UNION ALL
    SELECT s.village_code, greatest(s.start, p.joined), least(s.stop, p.left_month),
           unnest(CASE WHEN s.b THEN ['remaining_persons', 'baseline_remaining_persons']
               ELSE ['remaining_persons'] END), 1
    FROM spells s JOIN members p USING (household_id) WHERE s.event_type IN {_POOR}
    UNION ALL
    SELECT hh.village_code, x.start, x.stop,
           unnest(CASE WHEN hh.b THEN ['exited_households', 'exited_persons', 'baseline_exited_households',
               'baseline_exited_persons']
                       ELSE ['exited_households', 'exited_persons'] END),
           unnest([1, {_PERSONS_AT_EXIT}, 1, {_PERSONS_AT_EXIT}])
    FROM exit_spells x JOIN hh USING (household_id) WHERE x.event_type = 'exited'
    UNION ALL
    SELECT village_code, $baseline, {_OPEN}, 'baseline_households', 1 FROM hh WHERE b
    UNION ALL
    SELECT village_code, $baseline, {_OPEN}, 'baseline_persons', {_PERSONS_AT_BASELINE} FROM hh WHERE b
    UNION ALL
    SELECT village_code, CASE WHEN b THEN $baseline ELSE first_new END, {_OPEN}, 'registered_households', 1 FROM hh
        WHERE b OR first_new IS NOT NULL
    UNION ALL
    SELECT village_code, first_event, {_OPEN}, 'recorded_households', 1 FROM hh
    UNION ALL
    SELECT hh.village_code, ev.event_month, {_OPEN},
           CASE WHEN ev.event_type = 'returned' THEN 'returned_households'
                WHEN ev.event_type = 'removed' THEN 'removed_households' ELSE 'new_households' END, 1
    FROM ev JOIN hh USING (household_id)
    WHERE ev.event_type = 'returned' OR (ev.event_type = 'removed' AND ev.prev_type IN {_POOR})
       OR (ev.event_type IN ('new', 'identified') AND ev.event_month > $baseline)
)
"""
)

# Active spells from the household's first measure of each group on.
_COVERAGE_SPANS = (
    _HOUSEHOLDS
    + """,
firsts AS (
    SELECT m.household_id, g.measure_group, min(m.start_month) AS first
    FROM measure m JOIN _groups g ON g.category_code IS NULL OR g.category_code = m.category_code
    GROUP BY ALL
),
spans AS (
    SELECT a.village_code, f.measure_group, greatest(a.start, f.first) AS start, a.stop, 'covered' AS col, 1 AS n
    FROM active a JOIN firsts f USING (household_id)
)
"""
)

# Poor and baseline households and persons by main cause and attribute (distribution.HOUSEHOLD_DIMENSIONS).
_PROFILE_SPANS = (
    _HOUSEHOLDS
    + f""",
profile AS (
    SELECT household_id, unnest(['main_cause', 'attribute']) AS dimension, unnest([main_cause, attribute]) AS value
        FROM household
),
spans AS (
    SELECT s.village_code, f.dimension, f.value, s.start, s.stop, 'remaining_households' AS col, 1 AS n
    FROM spells s JOIN profile f USING (household_id) WHERE s.event_type IN {_POOR}
    UNION ALL
    SELECT s.village_code, f.dimension, f.value, greatest(s.start, p.joined), least(s.stop, p.left_month),
        'remaining_persons', 1
    FROM spells s JOIN profile f USING (household_id) JOIN members p USING (household_id) WHERE s.event_type IN {_POOR}
    UNION ALL
    SELECT hh.village_code, f.dimension, f.value, $baseline, {_OPEN}, unnest(['baseline_households',
        'baseline_persons']),
           unnest([1, {_PERSONS_AT_BASELINE}])
    FROM hh JOIN profile f USING (household_id) WHERE hh.b
)
"""
)

_AGE_BANDS = ", ".join(f"({lo}, {hi}, '{label}')" for lo, hi, label in distribution.AGE_BANDS)
# Members by age band, health and labour ability (distribution.PERSON_DIMENSIONS). ``held``: the months a person
# holds a value: health and labour ability always (current values), an age band in the calendar years whose
# difference to the birth year lies in it (the raw breakdown's age at the month). ``member_values``: members of
# a household holding a value while members (``remaining``) or, for the baseline's poor, members at the baseline
# from then on (``baseline``). ``holders``: a household holds a value in the months in which at least one of
# its members does (a running count of them above 0), so households with such a member add up over villages.
_PERSON_SPANS = (
    _HOUSEHOLDS
    + f""",
held AS (
    SELECT person_id, unnest(['health', 'labor_ability']) AS dimension, unnest([health, labor_ability]) AS value,
           DATE '1900-01-01' AS start, {_OPEN} AS stop
    FROM person SEMI JOIN members USING (person_id)
    UNION ALL
    SELECT p.person_id, 'age_band', b.label, make_date(year(p.birth_date) + b.lo, 1, 1),
           make_date(year(p.birth_date) + b.hi + 1, 1, 1)
    FROM person p SEMI JOIN members USING (person_id), (VALUES {_AGE_BANDS}) AS b(lo, hi, label)
),
member_values AS (
    SELECT * FROM (
        SELECT m.household_id, 'remaining' AS kind, h.dimension, h.value, greatest(m.joined, h.start) AS start,
               least(m.left_month, h.stop) AS stop
        FROM members m JOIN held h USING (person_id)
        UNION ALL
        SELECT m.household_id, 'baseline', h.dimension, h.value, greatest(h.start, $baseline), h.stop
        FROM members m JOIN held h USING (person_id) JOIN hh USING (household_id)
        WHERE hh.b AND m.joined <= $baseline AND $baseline < m.left_month
    ) WHERE start < stop AND stop > $baseline AND start <= $at
),
holders AS (
    SELECT household_id, kind, dimension, value, month AS start,
           lead(month) OVER w AS stop, sum(n) OVER w AS holding
    FROM (
        SELECT household_id, kind, dimension, value, month, sum(n) AS n FROM (
            SELECT household_id, kind, dimension, value, start AS month, 1 AS n FROM member_values
            UNION ALL SELECT household_id, kind, dimension, value, stop, -1 FROM member_values
        ) GROUP BY ALL
    )
    WINDOW w AS (PARTITION BY household_id, kind, dimension, value ORDER BY month)
),
spans AS (
    SELECT s.village_code, v.dimension, v.value, greatest(s.start, v.start) AS start, least(s.stop, v.stop) AS stop,
           'remaining_persons' AS col, 1 AS n
    FROM spells s JOIN member_values v USING (household_id) WHERE s.event_type IN {_POOR} AND v.kind = 'remaining'
    UNION ALL
    SELECT s.village_code, x.dimension, x.value, greatest(s.start, x.start), least(s.stop, x.stop),
           'remaining_households', 1
    FROM spells s JOIN holders x USING (household_id)
    WHERE s.event_type IN {_POOR} AND x.kind = 'remaining' AND x.holding > 0
    UNION ALL
    SELECT hh.village_code, v.dimension, v.value, v.start, v.stop, 'baseline_persons', 1
    FROM member_values v JOIN hh USING (household_id) WHERE v.kind = 'baseline'
    UNION ALL
    SELECT hh.village_code, x.dimension, x.value, x.start, x.stop, 'baseline_households', 1
    FROM holders x JOIN hh USING (household_id) WHERE x.kind = 'baseline' AND x.holding > 0
)
"""
)

# Active households by how many distinct measures they have had by the month: a household holds count k from
# the month its k-th distinct measure first started until its next one did.
_MEASURE_COUNT_SPANS = (
    _HOUSEHOLDS
    + f""",
firsts AS (SELECT household_id, measure_code, min(start_month) AS first FROM measure GROUP BY ALL),
levels AS (
    SELECT household_id, row_number() OVER w AS measures, first AS start, coalesce(lead(first) OVER w,
        {dynamics.OPEN_END}) AS stop
    FROM firsts WINDOW w AS (PARTITION BY household_id ORDER BY first, measure_code)
    UNION ALL
    SELECT hh.household_id, 0, DATE '1900-01-01', coalesce(min(f.first), {dynamics.OPEN_END}) FROM hh LEFT
        JOIN firsts f USING (household_id) GROUP BY 1
),
spans AS (
    SELECT a.village_code, l.measures, greatest(a.start, l.start) AS start, least(a.stop, l.stop) AS stop,
        'households' AS col, 1 AS n
    FROM active a JOIN levels l USING (household_id)
)
"""
)

# Households by their status at the baseline and at each month (``dynamics.status_transitions`` from the baseline):
# a household holds (its baseline status, event type) over each of its event spells and (baseline status, '') until
# its first event; '' stands for no status (未纳入), so that it joins like any other key.
_TRANSITION_SPANS = """,
base AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code, min(ev.event_month) AS first_event,
           coalesce(arg_max(ev.event_type, ev.seq) FILTER (ev.event_month <= $baseline), '') AS status_from
    FROM ev JOIN area a USING (household_id) GROUP BY ev.household_id
),
spans AS (
    SELECT b.village_code, b.status_from, ev.event_type AS status_to, ev.event_month AS start, ev.next_month AS stop,
           'households' AS col, 1 AS n
    FROM ev JOIN base b USING (household_id) WHERE ev.event_month < ev.next_month
    UNION ALL
    SELECT village_code, status_from, '', $baseline, first_event, 'households', 1 FROM base
)
"""

# Households count as active for the goals from their first event to their first removal (goals._ACTIVE).
_GOAL_LIFE = f""",
life AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code, min(ev.event_month) AS start,
           coalesce(min(ev.event_month) FILTER (ev.event_type = 'removed'), {dynamics.OPEN_END}) AS stop
    FROM ev JOIN area a USING (household_id) GROUP BY ev.household_id
)
"""


def build_cubes(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build every cube of the roster in ``con`` from the raw tables (the cubes it empties are never read)."""
    with raw_tables_only():
        _build(con)


def _build(con: duckdb.DuckDBPyConnection) -> None:
    city = Scope(dataset_info(con).as_of)
    for cube in (*CUBES, "cube_built"):
        con.execute(f"DELETE FROM {cube}")
    groups = pd.DataFrame(
        [(key, category) for key, (_, categories) in MEASURE_GROUPS.items() for category in categories or (None,)],
        columns=["measure_group", "category_code"],
    )
    con.register("_groups", groups)
    try:
        for part in partitions(con, city):
            _build_village_cubes(con, part)
    finally:
        con.unregister("_groups")
    _insert(con, "cube_quality", _quality_records(con, city))  # some checks compare households across districts
    _insert_monitoring(con, city.as_of)
    con.executemany("INSERT INTO cube_built VALUES (?, ?)", [(cube, city.as_of) for cube in CUBES])


MONITORING_CUBES = ("cube_flag", "cube_risk")  # the cubes that read the clues


def build_monitoring(con: duckdb.DuckDBPyConnection) -> None:
    """Store ``MONITORING_CUBES`` again, alone: what imported clues change (no other cube reads a clue). A
    snapshot made before these cubes existed keeps answering from the raw tables."""
    tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if set(MONITORING_CUBES) <= tables:
        with raw_tables_only():
            for cube in MONITORING_CUBES:
                con.execute(f"DELETE FROM {cube}")
            _insert_monitoring(con, dataset_info(con).as_of)


def _insert_monitoring(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """The city's flagged households and risk scores at ``as_of`` (the score trains on the whole city)."""
    _insert(con, "cube_flag", rules.city_flags(con, as_of).assign(month=as_of))
    scored = score.city_risk(con, as_of)
    _insert(con, "cube_risk", scored.assign(month=as_of, town_rank=score.town_ranks(scored)).drop(columns="town_code"))


PARTITION_PERSONS = 2_000_000  # above this many persons the village cubes are built district by district


def partitions(con: duckdb.DuckDBPyConnection, city: Scope) -> list[Scope]:
    """The scopes the village cubes are built in, one after another: the city, or — for a roster of more than
    ``PARTITION_PERSONS`` persons — each district, so that the build's memory is bounded by the largest district's
    share (a village lies in one district, so the parts add up to the city exactly)."""
    persons = con.execute("SELECT count(*) FROM person").fetchall()[0][0]
    if persons <= PARTITION_PERSONS:
        return [city]
    districts = [d for (d,) in con.execute("SELECT district_code FROM district ORDER BY 1").fetchall()]
    return [Scope(city.as_of, district) for district in districts]


def _build_village_cubes(con: duckdb.DuckDBPyConnection, part: Scope) -> None:
    """Append every cube built per village (all but ``cube_quality``) for the households of ``part``."""
    flows = dynamics.monthly_flows(con, part, "village", BASELINE, part.as_of)
    _insert(con, "cube_flow", flows.rename(columns={"area_code": "village_code"}))
    _running(con, part, "cube_outcome", _OUTCOME_SPANS, dict.fromkeys(dynamics.OUTCOME_COLUMNS, "sum"))
    _running(
        con, part, "cube_coverage", _COVERAGE_SPANS, {"covered": "sum"}, keys=("measure_group",), keep="covered > 0"
    )
    for cube, spans in (("cube_profile", _PROFILE_SPANS), ("cube_person", _PERSON_SPANS)):
        _running(
            con,
            part,
            cube,
            spans,
            dict.fromkeys(distribution.PROFILE_COLUMNS, "sum"),
            keys=("dimension", "value"),
            keep="remaining_households > 0 OR baseline_households > 0",
        )
    _running(
        con,
        part,
        "cube_transition",
        _TRANSITION_SPANS,
        {"households": "sum"},
        keys=("status_from", "status_to"),
        keep="households > 0",
    )
    _running(
        con,
        part,
        "cube_measure_count",
        _MEASURE_COUNT_SPANS,
        {"households": "sum"},
        keys=("measures",),
        keep="households > 0",
    )
    goal_spans, goal_params = _goal_spans(con)
    _running(
        con,
        part,
        "cube_goal",
        goal_spans,
        {"applies": "sum", "meets": "sum", "amount": "sum", "lowest": "min"},
        keys=("target_id",),
        keep="applies > 0",
        span_params=goal_params,
    )
    _insert(con, "cube_figure", _figures(con, part))


FIGURES: dict[str, RawFigure] = {
    "gaps": coverage.raw_gap_counts,
    "funds": coverage.raw_funds,
    "helpers": coverage.raw_helpers,
    "completeness": quality.raw_completeness,
    "income_heaping": quality.raw_income_heaping,
}


def _figures(con: duckdb.DuckDBPyConnection, part: Scope) -> pd.DataFrame:
    """Every figure of ``FIGURES`` per village of ``part`` at the as-of month."""
    frames = [raw(con, part, "village").assign(figure=figure) for figure, raw in FIGURES.items()]
    return (
        pd.concat(frames, ignore_index=True)
        .rename(columns={"area_code": "village_code"})
        .assign(month=part.as_of, key=lambda f: f["key"].astype(str))
    )


def _quality_records(con: duckdb.DuckDBPyConnection, city: Scope) -> pd.DataFrame:
    """Records per village and check at the as-of month, plus ``quality.FAILING`` households."""
    found = quality.findings(con, city)
    keys = [frame[["household_id"]].assign(check_key=key) for key, frame in found.items() if "household_id" in frame]
    keys.append(pd.DataFrame({"household_id": sorted(quality.failing_households(found)), "check_key": quality.FAILING}))
    villages = [
        frame[["village_code"]].assign(check_key=key) for key, frame in found.items() if "household_id" not in frame
    ]
    con.register("_households", pd.concat(keys, ignore_index=True))
    con.register("_villages", pd.concat(villages, ignore_index=True))
    try:
        return con.execute(
            """
            SELECT village_code, CAST($at AS DATE) AS month, check_key, count(*) AS records FROM (
                SELECT h.village_code, q.check_key FROM _households q JOIN household h USING (household_id)
                UNION ALL SELECT village_code, check_key FROM _villages) GROUP BY ALL""",
            {"at": city.as_of},
        ).df()
    finally:
        con.unregister("_households")
        con.unregister("_villages")


def _goal_spans(con: duckdb.DuckDBPyConnection) -> tuple[str, dict[str, object]]:
    """The spans of every additive plan target, tagged with its id, and their parameters: each target's id,
    measure code and plan figure (from ``plan_target``) bound as ``$target_i``, ``$code_i``, ``$plan_i``."""
    plan = dict(con.execute("SELECT id, target_value FROM plan_target").fetchall())
    additive = [(t, e) for t, e in goals.EVALUATORS.items() if isinstance(e, goals.Additive)]
    parts: list[str] = []
    params: dict[str, object] = {}
    for i, (target, evaluator) in enumerate(additive):
        spans = evaluator.spans_sql(goals.Bound(f"$code_{i}", f"$plan_{i}"))
        parts.append(
            f"SELECT village_code, $target_{i} AS target_id, start, stop, col, n FROM ({spans}) AS"
            " s(village_code, start, stop, col, n)"
        )
        params |= {f"target_{i}": target, f"code_{i}": evaluator.code, f"plan_{i}": plan.get(target)}
    return _GOAL_LIFE + ",\nspans AS (\n" + "\nUNION ALL\n".join(parts) + "\n)", params


def _running(
    con: duckdb.DuckDBPyConnection,
    city: Scope,
    cube: str,
    spans_sql: str,
    columns: dict[str, str],
    keys: tuple[str, ...] = (),
    keep: str = "true",
    span_params: dict[str, object] | None = None,
) -> None:
    """Write into ``cube`` the month-end values of ``columns`` (running ``sum`` or ``min``) per village, ``keys``
    and every month from the baseline to the as-of month, from the CTE ``spans`` (village_code, *keys,
    start, stop, col, n) that ``spans_sql`` ends with; only villages and keys with any span, and rows
    meeting ``keep``."""
    group = ", ".join(("village_code", *keys))
    minima = ", ".join(f"'{c}'" for c, how in columns.items() if how == "min") or "''"
    values = ", ".join(
        f"coalesce(sum(sum(d.n) FILTER (d.col = '{c}')) OVER w, 0) AS \"{c}\""
        if how == "sum"
        else f"min(min(d.n) FILTER (d.col = '{c}')) OVER w AS \"{c}\""
        for c, how in columns.items()
    )
    body = (
        spans_sql
        + f""",
    deltas AS (
        SELECT {group}, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT {group}, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ({minima})
    ),
    d AS (
        SELECT {group}, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ({minima}) GROUP BY ALL
        UNION ALL
        SELECT {group}, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ({minima}) GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT {group}, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT {group}, g.month, {values}
        FROM grid g LEFT JOIN d USING ({group}, month)
        GROUP BY {group}, g.month WINDOW w AS (PARTITION BY {group} ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE {keep} ORDER BY r.month, r.village_code
    """
    )
    execute(
        con,
        f"INSERT INTO {cube} BY NAME " + dynamics.events_sql("village", body),
        {**city.sql_params(), "baseline": BASELINE, "at": city.as_of, **(span_params or {})},
    )


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` (with ``village_code`` and ``month``) to ``table`` with the village's town and district,
    in month order."""
    con.register("_cube", frame)
    try:
        con.execute(f"""INSERT INTO {table} BY NAME
                        SELECT f.*, v.town_code, t.district_code FROM _cube f JOIN village v USING (village_code)
                            JOIN town t USING (town_code)
                        ORDER BY f.month, f.village_code""")
    finally:
        con.unregister("_cube")
