WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
months AS (
    SELECT CAST(unnest(generate_series(CAST($first AS DATE), CAST($last AS DATE), INTERVAL 1 MONTH)) AS DATE) AS month
),
poor_household_month AS (
    SELECT m.month, ev.household_id
    FROM months m JOIN ev ON ev.event_month <= m.month AND m.month < ev.next_month
    WHERE ev.event_type IN ('identified', 'new', 'returned')
),
household_stock AS (
    SELECT month, area_code, count(*) AS households FROM poor_household_month JOIN area USING (household_id)
        GROUP BY ALL
),
person_stock AS (
    SELECT phm.month, a.area_code, count(*) AS persons
    FROM poor_household_month phm
    JOIN members p ON p.household_id = phm.household_id AND p.joined <= phm.month AND phm.month < p.left_month
    JOIN area a ON a.household_id = phm.household_id
    GROUP BY ALL
),
flow_events AS (
    SELECT ev.household_id, ev.event_month AS month,
           CASE WHEN ev.event_type IN ('new', 'identified') AND ev.event_month > CAST($baseline AS DATE) THEN 'new'
                WHEN ev.event_type = 'removed' AND ev.prev_type IN ('identified', 'new', 'returned') THEN 'removed'
                WHEN ev.event_type IN ('returned', 'exited') THEN ev.event_type END AS flow,
           (SELECT count(*) FROM members p
             WHERE p.household_id = ev.household_id AND p.joined <= ev.event_month
                 AND ev.event_month < p.left_month) AS persons
    FROM ev WHERE ev.event_month BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
),
member_flows AS (
    SELECT e.household_id, e.event_month AS month,
           CASE WHEN e.event_type = 'new'
                     AND p.birth_date > e.event_month - INTERVAL 12 MONTH THEN 'born'
                ELSE e.event_type END AS flow,
           1 AS persons
    FROM status_event e JOIN person p USING (person_id)
    JOIN poor_household_month phm ON phm.household_id = e.household_id AND phm.month = e.event_month
    WHERE e.person_id IS NOT NULL AND e.event_month BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
      AND (e.event_type <> 'new'
          OR e.event_month > CAST($baseline AS DATE))  -- members by the baseline are baseline persons
),
flows AS (
    SELECT month, area_code, flow, count(*) AS households, sum(persons) AS persons
    FROM flow_events JOIN area USING (household_id) WHERE flow IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT month, area_code, flow, 0 AS households, sum(persons) AS persons
    FROM member_flows JOIN area USING (household_id) GROUP BY ALL
)
SELECT * FROM flows
-- ----
INSERT INTO cube_outcome BY NAME
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
hh AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code,
           coalesce(arg_max(ev.event_type, ev.seq) FILTER (ev.event_month <= $baseline) IN ('identified', 'new', 'returned'), false) AS b,
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
,
exit_spells AS (
    SELECT household_id, event_type, event_month AS start,
           coalesce(lead(event_month) OVER (PARTITION BY household_id ORDER BY seq), DATE '9999-12-01') AS stop
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
    FROM spells WHERE event_type IN ('identified', 'new', 'returned')
    UNION ALL
    SELECT s.village_code, greatest(s.start, p.joined), least(s.stop, p.left_month),
           unnest(CASE WHEN s.b THEN ['remaining_persons', 'baseline_remaining_persons']
               ELSE ['remaining_persons'] END), 1
    FROM spells s JOIN members p USING (household_id) WHERE s.event_type IN ('identified', 'new', 'returned')
    UNION ALL
    SELECT hh.village_code, x.start, x.stop,
           unnest(CASE WHEN hh.b THEN ['exited_households', 'exited_persons', 'baseline_exited_households',
               'baseline_exited_persons']
                       ELSE ['exited_households', 'exited_persons'] END),
           unnest([1, (SELECT count(*) FROM members p WHERE p.household_id = x.household_id AND p.joined <= x.start AND x.start < p.left_month), 1, (SELECT count(*) FROM members p WHERE p.household_id = x.household_id AND p.joined <= x.start AND x.start < p.left_month)])
    FROM exit_spells x JOIN hh USING (household_id) WHERE x.event_type = 'exited'
    UNION ALL
    SELECT village_code, $baseline, DATE '9999-12-01', 'baseline_households', 1 FROM hh WHERE b
    UNION ALL
    SELECT village_code, $baseline, DATE '9999-12-01', 'baseline_persons', (SELECT count(*) FROM members p WHERE p.household_id = hh.household_id AND p.joined <= $baseline AND $baseline < p.left_month) FROM hh WHERE b
    UNION ALL
    SELECT village_code, CASE WHEN b THEN $baseline ELSE first_new END, DATE '9999-12-01', 'registered_households', 1 FROM hh
        WHERE b OR first_new IS NOT NULL
    UNION ALL
    SELECT village_code, first_event, DATE '9999-12-01', 'recorded_households', 1 FROM hh
    UNION ALL
    SELECT hh.village_code, ev.event_month, DATE '9999-12-01',
           CASE WHEN ev.event_type = 'returned' THEN 'returned_households'
                WHEN ev.event_type = 'removed' THEN 'removed_households' ELSE 'new_households' END, 1
    FROM ev JOIN hh USING (household_id)
    WHERE ev.event_type = 'returned' OR (ev.event_type = 'removed' AND ev.prev_type IN ('identified', 'new', 'returned'))
       OR (ev.event_type IN ('new', 'identified') AND ev.event_month > $baseline)
)
,
    deltas AS (
        SELECT village_code, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT village_code, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ('')
    ),
    d AS (
        SELECT village_code, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ('') GROUP BY ALL
        UNION ALL
        SELECT village_code, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ('') GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT village_code, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT village_code, g.month, coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_households')) OVER w, 0) AS "baseline_households", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_persons')) OVER w, 0) AS "baseline_persons", coalesce(sum(sum(d.n) FILTER (d.col = 'registered_households')) OVER w, 0) AS "registered_households", coalesce(sum(sum(d.n) FILTER (d.col = 'recorded_households')) OVER w, 0) AS "recorded_households", coalesce(sum(sum(d.n) FILTER (d.col = 'new_households')) OVER w, 0) AS "new_households", coalesce(sum(sum(d.n) FILTER (d.col = 'exited_households')) OVER w, 0) AS "exited_households", coalesce(sum(sum(d.n) FILTER (d.col = 'exited_persons')) OVER w, 0) AS "exited_persons", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_exited_households')) OVER w, 0) AS "baseline_exited_households", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_exited_persons')) OVER w, 0) AS "baseline_exited_persons", coalesce(sum(sum(d.n) FILTER (d.col = 'remaining_households')) OVER w, 0) AS "remaining_households", coalesce(sum(sum(d.n) FILTER (d.col = 'remaining_persons')) OVER w, 0) AS "remaining_persons", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_remaining_households')) OVER w, 0) AS "baseline_remaining_households", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_remaining_persons')) OVER w, 0) AS "baseline_remaining_persons", coalesce(sum(sum(d.n) FILTER (d.col = 'returned_households')) OVER w, 0) AS "returned_households", coalesce(sum(sum(d.n) FILTER (d.col = 'removed_households')) OVER w, 0) AS "removed_households", coalesce(sum(sum(d.n) FILTER (d.col = 'active_households')) OVER w, 0) AS "active_households", coalesce(sum(sum(d.n) FILTER (d.col = 'covered_households')) OVER w, 0) AS "covered_households"
        FROM grid g LEFT JOIN d USING (village_code, month)
        GROUP BY village_code, g.month WINDOW w AS (PARTITION BY village_code ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE true ORDER BY r.month, r.village_code

-- ----
INSERT INTO cube_coverage BY NAME
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
hh AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code,
           coalesce(arg_max(ev.event_type, ev.seq) FILTER (ev.event_month <= $baseline) IN ('identified', 'new', 'returned'), false) AS b,
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
,
firsts AS (
    SELECT m.household_id, g.measure_group, min(m.start_month) AS first
    FROM measure m JOIN _groups g ON g.category_code IS NULL OR g.category_code = m.category_code
    GROUP BY ALL
),
spans AS (
    SELECT a.village_code, f.measure_group, greatest(a.start, f.first) AS start, a.stop, 'covered' AS col, 1 AS n
    FROM active a JOIN firsts f USING (household_id)
)
,
    deltas AS (
        SELECT village_code, measure_group, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT village_code, measure_group, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ('')
    ),
    d AS (
        SELECT village_code, measure_group, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ('') GROUP BY ALL
        UNION ALL
        SELECT village_code, measure_group, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ('') GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT village_code, measure_group, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT village_code, measure_group, g.month, coalesce(sum(sum(d.n) FILTER (d.col = 'covered')) OVER w, 0) AS "covered"
        FROM grid g LEFT JOIN d USING (village_code, measure_group, month)
        GROUP BY village_code, measure_group, g.month WINDOW w AS (PARTITION BY village_code, measure_group ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE covered > 0 ORDER BY r.month, r.village_code

-- ----
INSERT INTO cube_profile BY NAME
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
hh AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code,
           coalesce(arg_max(ev.event_type, ev.seq) FILTER (ev.event_month <= $baseline) IN ('identified', 'new', 'returned'), false) AS b,
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
,
profile AS (
    SELECT household_id, unnest(['main_cause', 'attribute']) AS dimension, unnest([main_cause, attribute]) AS value
        FROM household
),
spans AS (
    SELECT s.village_code, f.dimension, f.value, s.start, s.stop, 'remaining_households' AS col, 1 AS n
    FROM spells s JOIN profile f USING (household_id) WHERE s.event_type IN ('identified', 'new', 'returned')
    UNION ALL
    SELECT s.village_code, f.dimension, f.value, greatest(s.start, p.joined), least(s.stop, p.left_month),
        'remaining_persons', 1
    FROM spells s JOIN profile f USING (household_id) JOIN members p USING (household_id) WHERE s.event_type IN ('identified', 'new', 'returned')
    UNION ALL
    SELECT hh.village_code, f.dimension, f.value, $baseline, DATE '9999-12-01', unnest(['baseline_households',
        'baseline_persons']),
           unnest([1, (SELECT count(*) FROM members p WHERE p.household_id = hh.household_id AND p.joined <= $baseline AND $baseline < p.left_month)])
    FROM hh JOIN profile f USING (household_id) WHERE hh.b
)
,
    deltas AS (
        SELECT village_code, dimension, value, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT village_code, dimension, value, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ('')
    ),
    d AS (
        SELECT village_code, dimension, value, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ('') GROUP BY ALL
        UNION ALL
        SELECT village_code, dimension, value, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ('') GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT village_code, dimension, value, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT village_code, dimension, value, g.month, coalesce(sum(sum(d.n) FILTER (d.col = 'remaining_households')) OVER w, 0) AS "remaining_households", coalesce(sum(sum(d.n) FILTER (d.col = 'remaining_persons')) OVER w, 0) AS "remaining_persons", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_households')) OVER w, 0) AS "baseline_households", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_persons')) OVER w, 0) AS "baseline_persons"
        FROM grid g LEFT JOIN d USING (village_code, dimension, value, month)
        GROUP BY village_code, dimension, value, g.month WINDOW w AS (PARTITION BY village_code, dimension, value ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE remaining_households > 0 OR baseline_households > 0 ORDER BY r.month, r.village_code

-- ----
INSERT INTO cube_person BY NAME
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
hh AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code,
           coalesce(arg_max(ev.event_type, ev.seq) FILTER (ev.event_month <= $baseline) IN ('identified', 'new', 'returned'), false) AS b,
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
,
held AS (
    SELECT person_id, unnest(['health', 'labor_ability']) AS dimension, unnest([health, labor_ability]) AS value,
           DATE '1900-01-01' AS start, DATE '9999-12-01' AS stop
    FROM person SEMI JOIN members USING (person_id)
    UNION ALL
    SELECT p.person_id, 'age_band', b.label, make_date(year(p.birth_date) + b.lo, 1, 1),
           make_date(year(p.birth_date) + b.hi + 1, 1, 1)
    FROM person p SEMI JOIN members USING (person_id), (VALUES (0, 15, '0–15岁'), (16, 59, '16–59岁'), (60, 69, '60–69岁'), (70, 79, '70–79岁'), (80, 200, '80岁及以上')) AS b(lo, hi, label)
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
    FROM spells s JOIN member_values v USING (household_id) WHERE s.event_type IN ('identified', 'new', 'returned') AND v.kind = 'remaining'
    UNION ALL
    SELECT s.village_code, x.dimension, x.value, greatest(s.start, x.start), least(s.stop, x.stop),
           'remaining_households', 1
    FROM spells s JOIN holders x USING (household_id)
    WHERE s.event_type IN ('identified', 'new', 'returned') AND x.kind = 'remaining' AND x.holding > 0
    UNION ALL
    SELECT hh.village_code, v.dimension, v.value, v.start, v.stop, 'baseline_persons', 1
    FROM member_values v JOIN hh USING (household_id) WHERE v.kind = 'baseline'
    UNION ALL
    SELECT hh.village_code, x.dimension, x.value, x.start, x.stop, 'baseline_households', 1
    FROM holders x JOIN hh USING (household_id) WHERE x.kind = 'baseline' AND x.holding > 0
)
,
    deltas AS (
        SELECT village_code, dimension, value, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT village_code, dimension, value, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ('')
    ),
    d AS (
        SELECT village_code, dimension, value, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ('') GROUP BY ALL
        UNION ALL
        SELECT village_code, dimension, value, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ('') GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT village_code, dimension, value, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT village_code, dimension, value, g.month, coalesce(sum(sum(d.n) FILTER (d.col = 'remaining_households')) OVER w, 0) AS "remaining_households", coalesce(sum(sum(d.n) FILTER (d.col = 'remaining_persons')) OVER w, 0) AS "remaining_persons", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_households')) OVER w, 0) AS "baseline_households", coalesce(sum(sum(d.n) FILTER (d.col = 'baseline_persons')) OVER w, 0) AS "baseline_persons"
        FROM grid g LEFT JOIN d USING (village_code, dimension, value, month)
        GROUP BY village_code, dimension, value, g.month WINDOW w AS (PARTITION BY village_code, dimension, value ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE remaining_households > 0 OR baseline_households > 0 ORDER BY r.month, r.village_code

-- ----
INSERT INTO cube_transition BY NAME
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
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
,
    deltas AS (
        SELECT village_code, status_from, status_to, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT village_code, status_from, status_to, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ('')
    ),
    d AS (
        SELECT village_code, status_from, status_to, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ('') GROUP BY ALL
        UNION ALL
        SELECT village_code, status_from, status_to, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ('') GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT village_code, status_from, status_to, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT village_code, status_from, status_to, g.month, coalesce(sum(sum(d.n) FILTER (d.col = 'households')) OVER w, 0) AS "households"
        FROM grid g LEFT JOIN d USING (village_code, status_from, status_to, month)
        GROUP BY village_code, status_from, status_to, g.month WINDOW w AS (PARTITION BY village_code, status_from, status_to ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE households > 0 ORDER BY r.month, r.village_code

-- ----
INSERT INTO cube_measure_count BY NAME
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
hh AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code,
           coalesce(arg_max(ev.event_type, ev.seq) FILTER (ev.event_month <= $baseline) IN ('identified', 'new', 'returned'), false) AS b,
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
,
firsts AS (SELECT household_id, measure_code, min(start_month) AS first FROM measure GROUP BY ALL),
levels AS (
    SELECT household_id, row_number() OVER w AS measures, first AS start, coalesce(lead(first) OVER w,
        DATE '9999-12-01') AS stop
    FROM firsts WINDOW w AS (PARTITION BY household_id ORDER BY first, measure_code)
    UNION ALL
    SELECT hh.household_id, 0, DATE '1900-01-01', coalesce(min(f.first), DATE '9999-12-01') FROM hh LEFT
        JOIN firsts f USING (household_id) GROUP BY 1
),
spans AS (
    SELECT a.village_code, l.measures, greatest(a.start, l.start) AS start, least(a.stop, l.stop) AS stop,
        'households' AS col, 1 AS n
    FROM active a JOIN levels l USING (household_id)
)
,
    deltas AS (
        SELECT village_code, measures, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT village_code, measures, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ('')
    ),
    d AS (
        SELECT village_code, measures, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ('') GROUP BY ALL
        UNION ALL
        SELECT village_code, measures, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ('') GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT village_code, measures, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT village_code, measures, g.month, coalesce(sum(sum(d.n) FILTER (d.col = 'households')) OVER w, 0) AS "households"
        FROM grid g LEFT JOIN d USING (village_code, measures, month)
        GROUP BY village_code, measures, g.month WINDOW w AS (PARTITION BY village_code, measures ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE households > 0 ORDER BY r.month, r.village_code

-- ----
INSERT INTO cube_goal BY NAME
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
life AS (
    SELECT ev.household_id, any_value(a.area_code) AS village_code, min(ev.event_month) AS start,
           coalesce(min(ev.event_month) FILTER (ev.event_type = 'removed'), DATE '9999-12-01') AS stop
    FROM ev JOIN area a USING (household_id) GROUP BY ev.household_id
)
,
spans AS (
SELECT village_code, $target_0 AS target_id, start, stop, col, n FROM (
        SELECT village_code, start, stop, 'applies' AS col, 1 AS n FROM (SELECT l.village_code, l.start, l.stop, h.household_id FROM life l JOIN household h USING (household_id) WHERE EXISTS (SELECT 1 FROM person q WHERE q.household_id = h.household_id AND q.labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力')))
        UNION ALL
        SELECT x.village_code, greatest(x.start, f.first), x.stop, 'meets', 1 FROM (SELECT l.village_code, l.start, l.stop, h.household_id FROM life l JOIN household h USING (household_id) WHERE EXISTS (SELECT 1 FROM person q WHERE q.household_id = h.household_id AND q.labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力'))) x
        JOIN (SELECT household_id, min(start_month) AS first FROM measure WHERE measure_code = $code_0
            GROUP BY 1) f USING (household_id)) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_1 AS target_id, start, stop, col, n FROM (
        SELECT village_code, start, stop, 'applies' AS col, 1 AS n FROM (SELECT l.village_code, l.start, l.stop, h.household_id FROM life l JOIN household h USING (household_id) WHERE h.attribute = '低保贫困户')
        UNION ALL
        SELECT x.village_code, greatest(x.start, f.first), x.stop, 'meets', 1 FROM (SELECT l.village_code, l.start, l.stop, h.household_id FROM life l JOIN household h USING (household_id) WHERE h.attribute = '低保贫困户') x
        JOIN (SELECT household_id, min(start_month) AS first FROM measure WHERE measure_code = $code_1
            GROUP BY 1) f USING (household_id)) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_2 AS target_id, start, stop, col, n FROM (
        SELECT village_code, start, stop, 'applies' AS col, 1 AS n FROM (SELECT l.village_code, greatest(l.start, s.joined) AS start, least(l.stop, s.left_month) AS stop, p.person_id FROM life l JOIN members s USING (household_id) JOIN person p USING (person_id) WHERE p.disability IS NOT NULL)
        UNION ALL
        SELECT x.village_code, greatest(x.start, f.first), x.stop, 'meets', 1 FROM (SELECT l.village_code, greatest(l.start, s.joined) AS start, least(l.stop, s.left_month) AS stop, p.person_id FROM life l JOIN members s USING (household_id) JOIN person p USING (person_id) WHERE p.disability IS NOT NULL) x
        JOIN (SELECT person_id, min(start_month) AS first FROM measure WHERE measure_code = $code_2
            GROUP BY 1) f USING (person_id)) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_3 AS target_id, start, stop, col, n FROM (
        SELECT village_code, start, stop, 'applies' AS col, 1 AS n FROM (SELECT l.village_code, greatest(l.start, s.joined) AS start, least(l.stop, s.left_month) AS stop, p.person_id FROM life l JOIN members s USING (household_id) JOIN person p USING (person_id) WHERE p.birth_date <= DATE '1981-12-31')
        UNION ALL
        SELECT x.village_code, greatest(x.start, f.first), x.stop, 'meets', 1 FROM (SELECT l.village_code, greatest(l.start, s.joined) AS start, least(l.stop, s.left_month) AS stop, p.person_id FROM life l JOIN members s USING (household_id) JOIN person p USING (person_id) WHERE p.birth_date <= DATE '1981-12-31') x
        JOIN (SELECT person_id, min(start_month) AS first FROM measure WHERE measure_code = $code_3
            GROUP BY 1) f USING (person_id)) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_4 AS target_id, start, stop, col, n FROM (
    SELECT area_code, month, month + INTERVAL 1 MONTH, 'applies', 1 FROM (
        SELECT DISTINCT a.area_code, m.person_id,
            CAST(unnest(generate_series(m.start_month, m.end_month, INTERVAL 1 MONTH)) AS DATE) AS month
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_4)) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_5 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(CASE WHEN m.amount_yuan >= $plan_5 * (date_diff('month', m.start_month, m.end_month) + 1) THEN ['applies', 'meets'] ELSE ['applies'] END), 1
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_5) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_6 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(CASE WHEN m.amount_yuan <= $plan_6 * 10000 THEN ['applies', 'meets'] ELSE ['applies'] END), 1
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_6) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_7 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(['applies', 'amount', 'lowest']), unnest([1, CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1), CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)])
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_7) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_8 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(['applies', 'amount', 'lowest']), unnest([1, CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1), CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)])
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_8) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_9 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(['applies', 'amount', 'lowest']), unnest([1, CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1), CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)])
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_9) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_10 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(['applies', 'amount', 'lowest']), unnest([1, CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1), CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)])
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_10) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_11 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(['applies', 'amount', 'lowest']), unnest([1, CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1), CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)])
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_11) AS s(village_code, start, stop, col, n)
UNION ALL
SELECT village_code, $target_12 AS target_id, start, stop, col, n FROM (
        SELECT a.area_code, m.start_month, DATE '9999-12-01',
            unnest(['applies', 'amount', 'lowest']), unnest([1, CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1), CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)])
        FROM measure m JOIN area a USING (household_id) WHERE m.measure_code = $code_12) AS s(village_code, start, stop, col, n)
),
    deltas AS (
        SELECT village_code, target_id, start AS month, col, n FROM spans WHERE start < stop
        UNION ALL SELECT village_code, target_id, stop, col, -n FROM spans WHERE start < stop AND stop <= $at AND col NOT IN ('lowest')
    ),
    d AS (
        SELECT village_code, target_id, greatest(month, $baseline) AS month, col, sum(n) AS n FROM deltas WHERE month <= $at
            AND col NOT IN ('lowest') GROUP BY ALL
        UNION ALL
        SELECT village_code, target_id, greatest(month, $baseline) AS month, col, min(n) FROM deltas WHERE month <= $at
            AND col IN ('lowest') GROUP BY ALL
    ),
    grid AS (
        SELECT DISTINCT village_code, target_id, CAST(m.month AS DATE) AS month
        FROM d, (SELECT unnest(generate_series($baseline, $at, INTERVAL 1 MONTH)) AS month) m
    ),
    running AS (
        SELECT village_code, target_id, g.month, coalesce(sum(sum(d.n) FILTER (d.col = 'applies')) OVER w, 0) AS "applies", coalesce(sum(sum(d.n) FILTER (d.col = 'meets')) OVER w, 0) AS "meets", coalesce(sum(sum(d.n) FILTER (d.col = 'amount')) OVER w, 0) AS "amount", min(min(d.n) FILTER (d.col = 'lowest')) OVER w AS "lowest"
        FROM grid g LEFT JOIN d USING (village_code, target_id, month)
        GROUP BY village_code, target_id, g.month WINDOW w AS (PARTITION BY village_code, target_id ORDER BY g.month)
    )
    SELECT r.*, v.town_code, t.district_code
    FROM running r JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE applies > 0 ORDER BY r.month, r.village_code

-- ----
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

, gaps AS (  -- active households lacking any measure, or one matching their main cause
    SELECT s.household_id, s.area_code, s.is_poor,
           NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id
               AND m.start_month <= CAST($at AS DATE)) AS no_measure,
           CASE h.main_cause WHEN '因病' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('health', 'medical_assistance')) WHEN '因学' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('education')) WHEN '因残' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('disability')) WHEN '缺劳力' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('social_security')) ELSE false END AS cause_unmatched
    FROM sized s JOIN household h USING (household_id)
    WHERE s.is_active
)

SELECT area_code, count(*) FILTER (no_measure) AS no_measure,
       count(*) FILTER (cause_unmatched AND NOT no_measure) AS unmatched
FROM gaps GROUP BY 1
-- ----
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

SELECT s.area_code, m.category_code AS key, sum(m.amount_yuan * (date_diff('month', m.start_month,
    least(m.end_month, CAST($at AS DATE))) + 1) / (date_diff('month', m.start_month, m.end_month) + 1)) AS value
FROM sized s JOIN measure m ON m.household_id = s.household_id
WHERE m.start_month <= CAST($at AS DATE)
GROUP BY ALL
-- ----
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

, active AS (
    SELECT s.area_code, h.helper_name || chr(31) || coalesce(h.helper_unit, chr(30)) AS helper
    FROM sized s JOIN household h USING (household_id) WHERE s.is_active
)

SELECT area_code, '#households' AS key, count(*) AS value FROM active GROUP BY 1
UNION ALL SELECT area_code, '#with_helper', count(helper) FROM active GROUP BY 1
UNION ALL SELECT area_code, helper, count(*) FROM active WHERE helper IS NOT NULL GROUP BY ALL
-- ----
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

SELECT s.area_code, count(*) AS households, count(h.phone) AS phone, count(h.helper_name) AS helper_name, count(h.helper_unit) AS helper_unit, count(h.planned_exit_year) AS planned_exit_year,
       count(*) FILTER (EXISTS (SELECT 1 FROM income i WHERE i.household_id = h.household_id
                                AND i.year = year(CAST($at AS DATE)) - 1)) AS income_last_year
FROM sized s JOIN household h USING (household_id) WHERE s.is_active GROUP BY 1
-- ----
WITH area AS (
    SELECT h.household_id, v.village_code AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

, exits AS (
    SELECT s.household_id, s.area_code, year(s.exit_month) AS exit_year
    FROM sized s WHERE s.is_exited
)

SELECT x.area_code, CAST(floor(i.per_capita_income_yuan / l.yuan / 0.05) * 5 AS INTEGER) AS key, count(*) AS value
FROM exits x JOIN income i ON i.household_id = x.household_id AND i.year = x.exit_year
JOIN poverty_line l ON l.year = x.exit_year
WHERE i.per_capita_income_yuan BETWEEN 0.8 * l.yuan AND 2 * l.yuan
GROUP BY ALL
-- ----
WITH area AS (
    SELECT h.household_id, '370200' AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

    , people AS (
SELECT p.*, h.village_code FROM person p JOIN sized s USING (household_id) JOIN household h USING (household_id)
WHERE s.at_month IS NOT NULL
)
    SELECT person_id, household_id, name, id_number,
           CASE WHEN length(id_number) <> 18 OR substr('10X98765432', ((TRY_CAST(substr(id_number, 1, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 2, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 3, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 4, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 5, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 6, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 7, 1) AS INTEGER) * 2 + TRY_CAST(substr(id_number, 8, 1) AS INTEGER) * 1 + TRY_CAST(substr(id_number, 9, 1) AS INTEGER) * 6 + TRY_CAST(substr(id_number, 10, 1) AS INTEGER) * 3 + TRY_CAST(substr(id_number, 11, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 12, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 13, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 14, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 15, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 16, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 17, 1) AS INTEGER) * 2) % 11) + 1, 1) IS NULL THEN '格式错误'
                WHEN upper(substr(id_number, 18, 1)) <> substr('10X98765432', ((TRY_CAST(substr(id_number, 1, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 2, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 3, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 4, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 5, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 6, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 7, 1) AS INTEGER) * 2 + TRY_CAST(substr(id_number, 8, 1) AS INTEGER) * 1 + TRY_CAST(substr(id_number, 9, 1) AS INTEGER) * 6 + TRY_CAST(substr(id_number, 10, 1) AS INTEGER) * 3 + TRY_CAST(substr(id_number, 11, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 12, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 13, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 14, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 15, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 16, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 17, 1) AS INTEGER) * 2) % 11) + 1, 1) THEN '校验码错误'
                WHEN substr(id_number, 7, 8) <> strftime(birth_date, '%Y%m%d') THEN '出生日期与证件号不符'
                ELSE '性别与证件号不符' END AS problem
    FROM people
    WHERE length(id_number) <> 18 OR substr('10X98765432', ((TRY_CAST(substr(id_number, 1, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 2, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 3, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 4, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 5, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 6, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 7, 1) AS INTEGER) * 2 + TRY_CAST(substr(id_number, 8, 1) AS INTEGER) * 1 + TRY_CAST(substr(id_number, 9, 1) AS INTEGER) * 6 + TRY_CAST(substr(id_number, 10, 1) AS INTEGER) * 3 + TRY_CAST(substr(id_number, 11, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 12, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 13, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 14, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 15, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 16, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 17, 1) AS INTEGER) * 2) % 11) + 1, 1) IS NULL
       OR upper(substr(id_number, 18, 1)) <> substr('10X98765432', ((TRY_CAST(substr(id_number, 1, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 2, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 3, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 4, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 5, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 6, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 7, 1) AS INTEGER) * 2 + TRY_CAST(substr(id_number, 8, 1) AS INTEGER) * 1 + TRY_CAST(substr(id_number, 9, 1) AS INTEGER) * 6 + TRY_CAST(substr(id_number, 10, 1) AS INTEGER) * 3 + TRY_CAST(substr(id_number, 11, 1) AS INTEGER) * 7 + TRY_CAST(substr(id_number, 12, 1) AS INTEGER) * 9 + TRY_CAST(substr(id_number, 13, 1) AS INTEGER) * 10 + TRY_CAST(substr(id_number, 14, 1) AS INTEGER) * 5 + TRY_CAST(substr(id_number, 15, 1) AS INTEGER) * 8 + TRY_CAST(substr(id_number, 16, 1) AS INTEGER) * 4 + TRY_CAST(substr(id_number, 17, 1) AS INTEGER) * 2) % 11) + 1, 1)
       OR substr(id_number, 7, 8) <> strftime(birth_date, '%Y%m%d')
       OR (TRY_CAST(substr(id_number, 17, 1) AS INTEGER) % 2 = 1) <> (sex = '男')
    ORDER BY person_id

-- ----
WITH area AS (
    SELECT h.household_id, '370200' AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

    , people AS (
SELECT p.*, h.village_code FROM person p JOIN sized s USING (household_id) JOIN household h USING (household_id)
WHERE s.at_month IS NOT NULL
)
    SELECT p.person_id, p.household_id, p.name, p.id_number,
           (SELECT count(DISTINCT q.household_id) FROM person q WHERE q.id_number = p.id_number) AS households
    FROM people p
    WHERE (SELECT count(DISTINCT q.household_id) FROM person q WHERE q.id_number = p.id_number) > 1
    ORDER BY p.id_number, p.person_id

-- ----
WITH area AS (
    SELECT h.household_id, '370200' AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

    SELECT h.household_id, h.head_name, h.size, count(p.person_id) AS members
    FROM sized s JOIN household h USING (household_id)
    LEFT JOIN person p ON p.household_id = h.household_id
        AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.person_id = p.person_id AND e.event_type = 'removed')
    WHERE s.at_month IS NOT NULL
    GROUP BY ALL HAVING h.size <> count(p.person_id)
    ORDER BY h.household_id

-- ----
WITH area AS (
    SELECT h.household_id, '370200' AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

, exits AS (
    SELECT s.household_id, s.area_code, year(s.exit_month) AS exit_year
    FROM sized s WHERE s.is_exited
)

    SELECT h.household_id, h.head_name, x.exit_year, i.per_capita_income_yuan, l.yuan AS poverty_line
    FROM exits x JOIN household h USING (household_id)
    JOIN income i ON i.household_id = x.household_id AND i.year = x.exit_year
    JOIN poverty_line l ON l.year = x.exit_year
    WHERE i.per_capita_income_yuan < l.yuan
    ORDER BY h.household_id

-- ----
WITH area AS (
    SELECT h.household_id, '370200' AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

    SELECT h.household_id, h.head_name, s.exit_month, h.main_cause
    FROM sized s JOIN household h USING (household_id)
    WHERE s.is_exited AND NOT s.has_measure
    ORDER BY h.household_id

-- ----
WITH area AS (
    SELECT h.household_id, '370200' AS area_code
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)

),
ev AS (
    SELECT e.household_id, e.event_month, e.event_type,
           row_number() OVER w AS seq,
           coalesce(lead(e.event_month) OVER w, DATE '9999-12-01') AS next_month,
           lag(e.event_type) OVER w AS prev_type
    FROM status_event e SEMI JOIN area a ON a.household_id = e.household_id
    WHERE e.person_id IS NULL
    WINDOW w AS (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id)
),
members AS (
    SELECT p.person_id, p.household_id,
           coalesce(p.joined_month, DATE '1900-01-01') AS joined,
           coalesce(min(e.event_month), DATE '9999-12-01') AS left_month
    FROM person p
    SEMI JOIN area a ON a.household_id = p.household_id
    LEFT JOIN status_event e ON e.person_id = p.person_id AND e.event_type = 'removed'
    GROUP BY ALL
)
,
state AS (
    SELECT household_id,
           arg_max(event_type, seq) FILTER (event_month <= CAST($baseline AS DATE)) AS at_baseline,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE)) AS at_month,
           arg_max(event_type, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_state,
           arg_max(event_month, seq) FILTER (event_month <= CAST($at AS DATE) AND event_type IN ('exited',
               'returned')) AS exit_month,
           count(*) FILTER (event_type IN ('new', 'identified') AND event_month > CAST($baseline AS DATE)
               AND event_month <= CAST($at AS DATE)) AS new_events,
           count(*) FILTER (event_type = 'returned' AND event_month <= CAST($at AS DATE)) AS returned_events,
           count(*) FILTER (event_type = 'removed' AND prev_type IN ('identified', 'new', 'returned')
               AND event_month <= CAST($at AS DATE)) AS removed_poor
    FROM ev GROUP BY household_id
),
counts AS (  -- members at the baseline, at the month and at the household's exit: one grouped join
    SELECT s.household_id,
           count(*) FILTER (p.joined <= CAST($baseline AS DATE) AND CAST($baseline AS DATE) < p.left_month)
               AS persons_baseline,
           count(*) FILTER (p.joined <= CAST($at AS DATE) AND CAST($at AS DATE) < p.left_month) AS persons_now,
           count(*) FILTER (p.joined <= s.exit_month AND s.exit_month < p.left_month) AS persons_at_exit
    FROM state s JOIN members p USING (household_id) GROUP BY s.household_id
),
measured AS (
    SELECT DISTINCT m.household_id FROM measure m SEMI JOIN area a ON a.household_id = m.household_id
    WHERE m.start_month <= CAST($at AS DATE)
),
sized AS (
    SELECT s.*, a.area_code,
           coalesce(c.persons_baseline, 0) AS persons_baseline,
           coalesce(c.persons_now, 0) AS persons_now,
           coalesce(c.persons_at_exit, 0) AS persons_at_exit,
           s.at_baseline IN ('identified', 'new', 'returned') AS is_baseline,
           s.at_month IS NOT NULL AND s.at_month <> 'removed' AS is_active,
           d.household_id IS NOT NULL AS has_measure,
           s.at_month IN ('identified', 'new', 'returned') AS is_poor,
           coalesce(s.exit_state = 'exited', false) AS is_exited
    FROM state s JOIN area a USING (household_id)
    LEFT JOIN counts c USING (household_id) LEFT JOIN measured d USING (household_id)
)

, gaps AS (  -- active households lacking any measure, or one matching their main cause
    SELECT s.household_id, s.area_code, s.is_poor,
           NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id
               AND m.start_month <= CAST($at AS DATE)) AS no_measure,
           CASE h.main_cause WHEN '因病' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('health', 'medical_assistance')) WHEN '因学' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('education')) WHEN '因残' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('disability')) WHEN '缺劳力' THEN NOT EXISTS (SELECT 1 FROM measure m WHERE m.household_id = s.household_id AND m.start_month <= CAST($at AS DATE) AND m.category_code IN ('social_security')) ELSE false END AS cause_unmatched
    FROM sized s JOIN household h USING (household_id)
    WHERE s.is_active
)

SELECT h.household_id, v.name AS village_name, t.name AS town_name, h.head_name, h.size, h.attribute, h.main_cause,
       CASE WHEN g.no_measure THEN '无任何帮扶措施' ELSE '致贫原因无对应措施' END AS gap,
       g.is_poor, h.helper_name, h.helper_unit
FROM gaps g JOIN household h USING (household_id)
JOIN village v USING (village_code) JOIN town t USING (town_code)
WHERE g.no_measure OR g.cause_unmatched
ORDER BY g.no_measure DESC, h.household_id
-- ----
    WITH latest AS (
        SELECT * FROM village_indicator WHERE year <= year(CAST($at AS DATE))
        QUALIFY row_number() OVER (PARTITION BY village_code ORDER BY year DESC) = 1),
    deadline AS (SELECT date_trunc('month', deadline) AS month FROM plan_target WHERE id = $projects_target),
    income AS (SELECT target_value AS wan FROM plan_target WHERE id = $income_target)
    SELECT v.village_code, v.name, t.name AS town_name, v.designation, v.exit_month, i.collective_income_wan,
           l.proj_road AND l.proj_drinking_water AND l.proj_electricity AND l.proj_culture_square AND l.proj_lighting AND l.proj_irrigation AND l.proj_office AND l.proj_service AS projects_complete
    FROM village v JOIN town t USING (town_code)
    JOIN village_indicator i ON i.village_code = v.village_code AND i.year = year(v.exit_month)
    JOIN latest l ON l.village_code = v.village_code
    WHERE v.exit_month <= CAST($at AS DATE)
      AND
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
      AND (i.collective_income_wan < (SELECT wan FROM income)
           OR (NOT (l.proj_road AND l.proj_drinking_water AND l.proj_electricity AND l.proj_culture_square AND l.proj_lighting AND l.proj_irrigation AND l.proj_office AND l.proj_service) AND CAST($at AS DATE) >= (SELECT month FROM deadline)))
    ORDER BY v.village_code

-- ----
WITH hits AS (
WITH watched AS (  -- registered households of the scope at the month, with their status then and since when,
                  -- and the 边缘户 not registered by then (near_poor; household_id holds the 边缘户's id)
    SELECT h.household_id, FALSE AS near_poor, h.village_code, h.head_name, e.event_type = 'exited' AS is_exited,
           e.event_month AS since
    FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code)
    JOIN status_event e USING (household_id)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village) AND e.person_id IS NULL AND e.event_month <= CAST($at AS DATE)
    QUALIFY row_number() OVER (PARTITION BY h.household_id ORDER BY e.event_month DESC, e.event_id DESC) = 1
        AND e.event_type <> 'removed'
    UNION ALL
    SELECT n.near_poor_id, TRUE, n.village_code, n.head_name, FALSE, NULL
    FROM near_poor_household n JOIN village v USING (village_code) JOIN town t USING (town_code)
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village) AND (n.registered_month IS NULL OR n.registered_month > CAST($at AS DATE))
),
recent AS (  -- clue amounts and counts per household, kind and month: this year and the last months
    SELECT w.household_id, w.near_poor, c.kind, c.month, sum(c.amount_yuan) AS amount, count(*) AS clues,
           c.month > CAST($at AS DATE) - to_months($window) AS in_window
    FROM warning_clue c JOIN watched w
      ON w.household_id = coalesce(c.household_id, c.near_poor_id) AND w.near_poor = (c.near_poor_id IS NOT NULL)
    WHERE c.month <= CAST($at AS DATE)
      AND (c.month > CAST($at AS DATE) - to_months($window) OR year(c.month) = year(CAST($at AS DATE)))
    GROUP BY ALL
),
clue_hits AS (
    SELECT w.household_id, w.near_poor, r.rule_id,
           CASE r.span
               WHEN 'year' THEN sum(m.amount) FILTER (WHERE year(m.month) = year(CAST($at AS DATE)))
               WHEN 'month' THEN max(m.amount) FILTER (WHERE m.in_window)
               ELSE sum(m.clues) FILTER (WHERE m.in_window)
           END AS evidence,
           max(m.month) AS last_month
    FROM watched w JOIN recent m USING (household_id, near_poor) JOIN warning_rule r ON r.kind = m.kind
    WHERE r.applies_to = 'any' OR (r.applies_to = 'exited') = w.is_exited
    GROUP BY w.household_id, w.near_poor, r.rule_id, r.span, r.threshold
    HAVING evidence >= coalesce(r.threshold, 1)
),
incomes AS (  -- last year's income of the roster's households and of the 边缘户
    SELECT household_id, FALSE AS near_poor, year, per_capita_income_yuan FROM income
    WHERE year = year(CAST($at AS DATE)) - 1
    UNION ALL
    SELECT near_poor_id, TRUE, year, per_capita_income_yuan FROM near_poor_income
    WHERE year = year(CAST($at AS DATE)) - 1
),
income_hits AS (  -- (the shipped income rules apply to exited households)
    SELECT w.household_id, w.near_poor, r.rule_id, i.per_capita_income_yuan AS evidence, NULL::DATE AS last_month
    FROM watched w
    JOIN incomes i USING (household_id, near_poor)
    JOIN warning_rule r ON r.kind IN ('income_monitoring', 'income_poverty')
    LEFT JOIN monitoring_threshold mt ON mt.year = i.year
    LEFT JOIN poverty_line pl ON pl.year = i.year
    WHERE (r.applies_to = 'any' OR (r.applies_to = 'exited') = w.is_exited)
      AND coalesce(w.since <= make_date(i.year, 12, 1), TRUE)  -- in that status all through the year's end
      AND i.per_capita_income_yuan < CASE r.kind WHEN 'income_monitoring' THEN mt.income_yuan ELSE pl.yuan END
)
SELECT x.household_id, x.near_poor, w.village_code, w.head_name, x.rule_id, r.tier, r.source_zh, r.label_zh,
       x.evidence, x.last_month
FROM (SELECT * FROM clue_hits UNION ALL SELECT * FROM income_hits) x
JOIN warning_rule r USING (rule_id) JOIN watched w USING (household_id, near_poor)
ORDER BY x.near_poor, x.household_id, r.tier = '红' DESC, x.rule_id
)
SELECT household_id, near_poor, village_code, head_name, CASE WHEN bool_or(tier = '红') THEN '红' ELSE '黄' END AS tier,
       count(*) AS rules, string_agg(label_zh, '；' ORDER BY tier = '红' DESC, rule_id) AS reasons
FROM hits GROUP BY ALL
-- ----
WITH spans AS (  -- each household event with the month the next one starts
    SELECT e.household_id, e.event_type, e.event_month AS start,
           lead(e.event_month) OVER (PARTITION BY e.household_id ORDER BY e.event_month, e.event_id) AS stop,
           min(e.event_month) FILTER (WHERE e.event_type = 'exited') OVER (PARTITION BY e.household_id) AS first_exit
    FROM status_event e
    WHERE e.person_id IS NULL AND e.event_month <= CAST($last AS DATE)
),
calendar AS (
    SELECT CAST(range AS DATE) AS month
    FROM range(CAST($first AS DATE), CAST($last AS DATE) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)
),
grid AS (  -- the months the score is asked about: exited households while exited, 边缘户 until registered
    SELECT s.household_id, FALSE AS near_poor, v.village_code, v.town_code, m.month, s.first_exit,
           (SELECT min(r.event_month) FROM status_event r
             WHERE r.household_id = s.household_id AND r.person_id IS NULL AND r.event_type = 'returned'
               AND r.event_month > m.month) AS next_event
    FROM spans s JOIN household h USING (household_id) JOIN village v USING (village_code)
    JOIN town t USING (town_code)
    JOIN calendar m ON m.month >= s.start AND (s.stop IS NULL OR m.month < s.stop)
    WHERE s.event_type = 'exited' AND
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village) AND (m.month = CAST($last AS DATE) OR hash(s.household_id) % $every = 0)
    UNION ALL
    SELECT n.near_poor_id, TRUE, v.village_code, v.town_code, m.month, NULL, n.registered_month
    FROM near_poor_household n JOIN village v USING (village_code) JOIN town t USING (town_code)
    JOIN calendar m ON n.registered_month IS NULL OR m.month < n.registered_month
    WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village) AND (m.month = CAST($last AS DATE) OR hash(n.near_poor_id) % $every = 0)
),
people AS (  -- members as the roster (current members) and the 边缘户 list hold them
    SELECT household_id, FALSE AS near_poor, labor_ability, health, school_status, birth_date
    FROM person WHERE joined_month IS NULL
    UNION ALL
    SELECT near_poor_id, TRUE, labor_ability, health, school_status, birth_date FROM near_poor_person
),
members AS (
    SELECT p.household_id, p.near_poor, count(*) AS members,
           count(*) FILTER (WHERE p.labor_ability IN ('普通劳动力', '技能劳动力')) AS labour,
           count(*) FILTER (WHERE p.health IN ('长期慢性病', '患有大病')) AS ill,
           count(*) FILTER (WHERE p.health = '残疾') AS disabled,
           count(*) FILTER (WHERE p.school_status IN ('小学', '初中', '普通高中', '中职', '高校')) AS pupils
    FROM people p GROUP BY 1, 2
),
clue AS (
    SELECT coalesce(household_id, near_poor_id) AS household_id, near_poor_id IS NOT NULL AS near_poor, kind,
           month, amount_yuan
    FROM warning_clue WHERE household_id IS NOT NULL OR near_poor_id IS NOT NULL
),
clued AS (  -- clues of the last 12 months up to each grid month
    SELECT g.household_id, g.near_poor, g.month,
           coalesce(sum(c.amount_yuan) FILTER (WHERE c.kind = 'inpatient' AND year(c.month) = year(g.month)), 0)
               AS inpatient_year,
           coalesce(sum(c.amount_yuan) FILTER (WHERE c.kind = 'inpatient' AND c.month > g.month - INTERVAL 3 MONTH),
               0) AS inpatient_3m,
           coalesce(max(c.amount_yuan) FILTER (WHERE c.kind = 'outpatient' AND c.month > g.month - INTERVAL 3 MONTH),
               0) AS outpatient_3m,
           count(*) FILTER (WHERE c.kind = 'assistance' AND c.month > g.month - INTERVAL 6 MONTH) AS assistance_6m,
           count(*) FILTER (WHERE c.kind = 'accident' AND c.month > g.month - INTERVAL 6 MONTH) AS accident_6m,
           count(*) FILTER (WHERE c.kind = 'disability' AND c.month > g.month - INTERVAL 6 MONTH) AS disability_6m,
           count(*) FILTER (WHERE c.kind = 'disaster' AND c.month > g.month - INTERVAL 6 MONTH) AS disaster_6m,
           count(*) FILTER (WHERE c.kind = 'unemployment' AND c.month > g.month - INTERVAL 6 MONTH)
               AS unemployment_6m,
           count(*) FILTER (WHERE c.kind = 'dropout' AND c.month > g.month - INTERVAL 6 MONTH) AS dropout_6m,
           count(*) FILTER (WHERE c.kind NOT IN ('inpatient', 'outpatient') AND c.month > g.month - INTERVAL 3 MONTH)
               AS events_3m,
           count(*) AS clues_12m
    FROM grid g JOIN clue c
      ON c.household_id = g.household_id AND c.near_poor = g.near_poor AND c.month <= g.month
     AND c.month > g.month - INTERVAL 12 MONTH
    GROUP BY 1, 2, 3
),
elderly AS (  -- members aged 60 or more at the month
    SELECT g.household_id, g.near_poor, g.month, count(*) AS elderly
    FROM grid g JOIN people p
      ON p.household_id = g.household_id AND p.near_poor = g.near_poor AND p.birth_date <= g.month - INTERVAL 60 YEAR
    GROUP BY 1, 2, 3
),
incomes AS (
    SELECT household_id, FALSE AS near_poor, year, per_capita_income_yuan FROM income
    UNION ALL
    SELECT near_poor_id, TRUE, year, per_capita_income_yuan FROM near_poor_income
)
SELECT g.household_id, g.near_poor, g.village_code, g.town_code, g.month,
       coalesce(c.inpatient_year, 0) AS inpatient_year, coalesce(c.inpatient_3m, 0) AS inpatient_3m,
       coalesce(c.outpatient_3m, 0) AS outpatient_3m, coalesce(c.assistance_6m, 0) AS assistance_6m,
       coalesce(c.accident_6m, 0) AS accident_6m, coalesce(c.disability_6m, 0) AS disability_6m,
       coalesce(c.disaster_6m, 0) AS disaster_6m, coalesce(c.unemployment_6m, 0) AS unemployment_6m,
       coalesce(c.dropout_6m, 0) AS dropout_6m, coalesce(c.events_3m, 0) AS events_3m,
       coalesce(c.clues_12m, 0) AS clues_12m,
       i.per_capita_income_yuan - mt.income_yuan AS income_gap,
       datediff('month', g.first_exit, g.month) AS months_since_exit,
       coalesce(p.members, 0) AS members, coalesce(p.labour, 0) AS labour, coalesce(p.ill, 0) AS ill,
       coalesce(p.disabled, 0) AS disabled, coalesce(o.elderly, 0) AS elderly, coalesce(p.pupils, 0) AS pupils,
       coalesce(h.attribute <> '一般贫困户', FALSE) AS dibao,
       g.next_event
FROM grid g
LEFT JOIN household h ON h.household_id = g.household_id AND NOT g.near_poor
LEFT JOIN clued c ON c.household_id = g.household_id AND c.near_poor = g.near_poor AND c.month = g.month
LEFT JOIN elderly o ON o.household_id = g.household_id AND o.near_poor = g.near_poor AND o.month = g.month
LEFT JOIN members p ON p.household_id = g.household_id AND p.near_poor = g.near_poor
LEFT JOIN incomes i ON i.household_id = g.household_id AND i.near_poor = g.near_poor AND i.year = year(g.month) - 1
LEFT JOIN monitoring_threshold mt ON mt.year = year(g.month) - 1
ORDER BY g.month, g.near_poor, g.household_id
