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

        SELECT area_code, count(*) AS households,
               count(*) FILTER (EXISTS (SELECT 1 FROM measure m WHERE m.household_id = sized.household_id
                                        AND m.start_month <= CAST($at AS DATE) AND true)) AS covered
        FROM sized WHERE is_active GROUP BY 1 ORDER BY 1

