WITH area AS (
    SELECT h.household_id, t.town_code AS area_code
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
SELECT coalesce(h.month, p.month) AS month, coalesce(h.area_code, p.area_code) AS area_code, coalesce(h.households, 0) AS households, coalesce(p.persons, 0) AS persons FROM household_stock h FULL JOIN person_stock p USING (month, area_code) ORDER BY 1, 2
