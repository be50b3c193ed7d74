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

SELECT area_code,
       count(*) FILTER (is_baseline) AS baseline_households,
       coalesce(sum(persons_baseline) FILTER (is_baseline), 0) AS baseline_persons,
       count(*) FILTER (is_baseline OR new_events > 0) AS registered_households,
       count(*) FILTER (at_month IS NOT NULL) AS recorded_households,
       coalesce(sum(new_events), 0) AS new_households,
       count(*) FILTER (is_exited) AS exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited), 0) AS exited_persons,
       count(*) FILTER (is_exited AND is_baseline) AS baseline_exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited AND is_baseline), 0) AS baseline_exited_persons,
       count(*) FILTER (is_poor) AS remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor), 0) AS remaining_persons,
       count(*) FILTER (is_poor AND is_baseline) AS baseline_remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor AND is_baseline), 0) AS baseline_remaining_persons,
       coalesce(sum(returned_events), 0) AS returned_households,
       coalesce(sum(removed_poor), 0) AS removed_households,
       count(*) FILTER (is_active) AS active_households,
       count(*) FILTER (is_active AND has_measure) AS covered_households
FROM sized GROUP BY area_code ORDER BY area_code
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

SELECT area_code,
       count(*) FILTER (is_baseline) AS baseline_households,
       coalesce(sum(persons_baseline) FILTER (is_baseline), 0) AS baseline_persons,
       count(*) FILTER (is_baseline OR new_events > 0) AS registered_households,
       count(*) FILTER (at_month IS NOT NULL) AS recorded_households,
       coalesce(sum(new_events), 0) AS new_households,
       count(*) FILTER (is_exited) AS exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited), 0) AS exited_persons,
       count(*) FILTER (is_exited AND is_baseline) AS baseline_exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited AND is_baseline), 0) AS baseline_exited_persons,
       count(*) FILTER (is_poor) AS remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor), 0) AS remaining_persons,
       count(*) FILTER (is_poor AND is_baseline) AS baseline_remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor AND is_baseline), 0) AS baseline_remaining_persons,
       coalesce(sum(returned_events), 0) AS returned_households,
       coalesce(sum(removed_poor), 0) AS removed_households,
       count(*) FILTER (is_active) AS active_households,
       count(*) FILTER (is_active AND has_measure) AS covered_households
FROM sized GROUP BY area_code ORDER BY area_code
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

SELECT area_code,
       count(*) FILTER (is_baseline) AS baseline_households,
       coalesce(sum(persons_baseline) FILTER (is_baseline), 0) AS baseline_persons,
       count(*) FILTER (is_baseline OR new_events > 0) AS registered_households,
       count(*) FILTER (at_month IS NOT NULL) AS recorded_households,
       coalesce(sum(new_events), 0) AS new_households,
       count(*) FILTER (is_exited) AS exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited), 0) AS exited_persons,
       count(*) FILTER (is_exited AND is_baseline) AS baseline_exited_households,
       coalesce(sum(persons_at_exit) FILTER (is_exited AND is_baseline), 0) AS baseline_exited_persons,
       count(*) FILTER (is_poor) AS remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor), 0) AS remaining_persons,
       count(*) FILTER (is_poor AND is_baseline) AS baseline_remaining_households,
       coalesce(sum(persons_now) FILTER (is_poor AND is_baseline), 0) AS baseline_remaining_persons,
       coalesce(sum(returned_events), 0) AS returned_households,
       coalesce(sum(removed_poor), 0) AS removed_households,
       count(*) FILTER (is_active) AS active_households,
       count(*) FILTER (is_active AND has_measure) AS covered_households
FROM sized GROUP BY area_code ORDER BY area_code
-- ----
WITH months AS (SELECT unnest(CAST($months AS DATE[])) AS month),
villages AS (
    SELECT m.month, '370200' AS area_code,
           count(*) FILTER (v.designation = 'provincial_poor') AS provincial_villages_total,
           count(*) FILTER (v.designation = 'provincial_poor'
               AND v.exit_month <= m.month) AS provincial_villages_exited,
           count(*) FILTER (v.designation = 'municipal_weak') AS weak_villages_total,
           count(*) FILTER (v.designation = 'municipal_weak'
               AND v.exit_month <= m.month) AS weak_villages_exited
    FROM months m, village v JOIN town t USING (town_code)
    WHERE v.designation IS NOT NULL AND
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    GROUP BY ALL
),
-- Weak towns count at town level and above (a village scope or grouping holds none).
towns AS (
    SELECT m.month, '370200' AS area_code,
           count(*) AS weak_towns_total,
           count(*) FILTER (t.exit_month <= m.month) AS weak_towns_exited
    FROM months m, town t
    WHERE t.is_weak_town AND CAST($village AS VARCHAR) IS NULL AND
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)

    GROUP BY ALL
)
SELECT month, area_code, CAST(coalesce(provincial_villages_total, 0) AS BIGINT) AS provincial_villages_total, CAST(coalesce(provincial_villages_exited, 0) AS BIGINT) AS provincial_villages_exited, CAST(coalesce(weak_villages_total, 0) AS BIGINT) AS weak_villages_total, CAST(coalesce(weak_villages_exited, 0) AS BIGINT) AS weak_villages_exited, CAST(coalesce(weak_towns_total, 0) AS BIGINT) AS weak_towns_total, CAST(coalesce(weak_towns_exited, 0) AS BIGINT) AS weak_towns_exited
FROM villages FULL JOIN towns USING (month, area_code)
ORDER BY month, area_code
-- ----
WITH m AS (
    SELECT month, (SELECT max(year) FROM village_indicator WHERE year <= year(month)) AS year
    FROM unnest(CAST($months AS DATE[])) AS u(month)
)
SELECT m.month, count(*) FILTER (v.designation = $designation0 AND v.exit_month <= m.month), count(*) FILTER (v.designation = $designation1 AND v.exit_month <= m.month), count(*) FILTER (i.collective_income_wan >= $plan2), count(*) FILTER (i.industries >= 1), count(*) FILTER (i.proj_road AND i.proj_drinking_water AND i.proj_electricity AND i.proj_culture_square AND i.proj_lighting AND i.proj_irrigation AND i.proj_office AND i.proj_service), count(*) FILTER (i.proj_culture_square), count(*) FILTER (i.proj_electricity), count(*) FILTER (v.designation = $designation7 AND i.proj_drinking_water), count(*) FILTER (v.designation = $designation8 AND i.proj_drinking_water), count(*)
FROM m CROSS JOIN village v JOIN town t USING (town_code)
LEFT JOIN village_indicator i ON i.village_code = v.village_code AND i.year = m.year
WHERE v.designation IS NOT NULL AND
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
GROUP BY m.month
-- ----
SELECT count(*) FILTER (EXISTS (SELECT 1 FROM measure m WHERE m.household_id = h.household_id AND m.measure_code = $code AND m.start_month <= $at)), count(*) FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
    AND e.event_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
                    AND e.event_type = 'removed' AND e.event_month <= $at) AND EXISTS (SELECT 1 FROM person q WHERE q.household_id = h.household_id AND q.labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力'))
-- ----
SELECT count(*) FILTER (EXISTS (SELECT 1 FROM measure m WHERE m.household_id = h.household_id AND m.measure_code = $code AND m.start_month <= $at)), count(*) FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
    AND e.event_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
                    AND e.event_type = 'removed' AND e.event_month <= $at) AND EXISTS (SELECT 1 FROM person q WHERE q.household_id = h.household_id AND q.labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力'))
-- ----
SELECT count(*), sum(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)), min(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
-- ----
SELECT count(DISTINCT m.person_id) FILTER (m.measure_code = $code AND m.start_month <= $at AND m.end_month >= $at) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
-- ----
SELECT count(*) FILTER (m.amount_yuan >= $plan * (date_diff('month', m.start_month, m.end_month) + 1)), count(*) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
-- ----
SELECT count(*), sum(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)), min(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
-- ----
SELECT count(*), sum(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)), min(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
-- ----
SELECT count(*), sum(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)), min(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
-- ----
SELECT count(*), sum(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)), min(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
-- ----
SELECT count(*) FILTER (EXISTS (SELECT 1 FROM measure m WHERE m.person_id = p.person_id AND m.measure_code = $code AND m.start_month <= $at)), count(*) FROM person p JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
    AND e.event_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
                    AND e.event_type = 'removed' AND e.event_month <= $at) AND (p.joined_month IS NULL OR p.joined_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.person_id = p.person_id AND e.event_type = 'removed'
        AND e.event_month <= $at) AND p.birth_date <= DATE '1981-12-31'
-- ----
WITH m AS (
    SELECT month, (SELECT max(year) FROM town_indicator WHERE year <= year(month)) AS year
    FROM unnest(CAST($months AS DATE[])) AS u(month)
)
SELECT m.month, count(*) FILTER (i.proj_road AND i.proj_drainage AND i.proj_sewage AND i.proj_culture_square AND i.proj_service_center AND i.proj_townscape), count(*)
FROM m CROSS JOIN town t LEFT JOIN town_indicator i ON i.town_code = t.town_code AND i.year = m.year
WHERE t.is_weak_town AND
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)

GROUP BY m.month
-- ----
SELECT count(*) FILTER (EXISTS (SELECT 1 FROM measure m WHERE m.household_id = h.household_id AND m.measure_code = $code AND m.start_month <= $at)), count(*) FROM household h JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
    AND e.event_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
                    AND e.event_type = 'removed' AND e.event_month <= $at) AND h.attribute = '低保贫困户'
-- ----
SELECT count(*) FILTER (EXISTS (SELECT 1 FROM measure m WHERE m.person_id = p.person_id AND m.measure_code = $code AND m.start_month <= $at)), count(*) FROM person p JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
    AND e.event_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.household_id = h.household_id AND e.person_id IS NULL
                    AND e.event_type = 'removed' AND e.event_month <= $at) AND (p.joined_month IS NULL OR p.joined_month <= $at)
    AND NOT EXISTS (SELECT 1 FROM status_event e WHERE e.person_id = p.person_id AND e.event_type = 'removed'
        AND e.event_month <= $at) AND p.disability IS NOT NULL
-- ----
SELECT count(*), sum(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)), min(CAST(m.amount_yuan AS DOUBLE) * 12 / (date_diff('month', m.start_month, m.end_month) + 1)) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
-- ----
SELECT count(*) FILTER (m.amount_yuan <= $plan * 10000), count(*) FROM measure m JOIN household h USING (household_id) JOIN village v USING (village_code) JOIN town t USING (town_code) WHERE
    (CAST($district AS VARCHAR) IS NULL OR t.district_code = $district)
    AND (CAST($town AS VARCHAR) IS NULL OR t.town_code = $town)
 AND (CAST($village AS VARCHAR) IS NULL OR v.village_code = $village)
    AND (CAST($attribute AS VARCHAR) IS NULL OR h.attribute = $attribute)
    AND (CAST($main_cause AS VARCHAR) IS NULL OR h.main_cause = $main_cause)
 AND m.measure_code = $code AND m.start_month <= $at
