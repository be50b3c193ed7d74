"""What is known about each watched household at the end of each month, for the risk score: one row per exited
household and month it is out of poverty, and per 边缘户 (near-poor, ``near_poor_household``) and month before it
was registered, with features that read only the roster, the 边缘户 list and the clues up to that month, and the
month of its next event — the return, or the registration as 新识别 — for training and the backtest (never a
feature). ``household_id`` holds the 边缘户's id for those (``near_poor`` true).

Member attributes (health, labour, schooling) are the roster's current values: the roster keeps no history of
them, so they are taken as known from registration. Income is last year's (this year's is known at its end).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.scope import PLACE_FILTER_SQL, Scope
from analytics.sql import execute

# Feature name → how a township worker reads a large contribution of it (``{value}`` the household's value).
FEATURES: dict[str, str] = {
    "inpatient_year": "本年住院自付 {value}",
    "inpatient_3m": "近3月住院自付 {value}",
    "outpatient_3m": "近3月门诊单月最高自付 {value}",
    "assistance_6m": "近6月新纳入低保或救助",
    "accident_6m": "近6月主要劳动力意外伤亡",
    "disability_6m": "近6月家庭成员新增残疾",
    "disaster_6m": "近6月遭受自然灾害",
    "unemployment_6m": "近6月无就业参保记录",
    "dropout_6m": "近6月子女疑似辍学",
    "events_3m": "近3月部门推送事件 {value} 条",
    "clues_12m": "近12月部门线索 {value} 条",
    "income_gap": "上年人均收入与监测线之差",  # read by score._reason
    "months_since_exit": "脱贫 {value} 个月",
    "members": "家庭人口 {value} 人",
    "labour": "劳动力 {value} 人",
    "ill": "慢病、大病成员 {value} 人",
    "disabled": "残疾成员 {value} 人",
    "elderly": "60岁以上成员 {value} 人",
    "pupils": "在校生 {value} 人",
    "dibao": "低保或特困供养户",
    "near_poor": "边缘户（未建档立卡）",
}
MONEY_FEATURES = ("inpatient_year", "inpatient_3m", "outpatient_3m", "income_gap")

# Every household at the last month; at earlier months the households whose id hashes to 0 modulo $every.
_SAMPLED = "(m.month = CAST($last AS DATE) OR hash({id}) % $every = 0)"

_FEATURES_SQL = f"""
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
    WHERE s.event_type = 'exited' AND {PLACE_FILTER_SQL} AND {_SAMPLED.format(id="s.household_id")}
    UNION ALL
    SELECT n.near_poor_id, TRUE, v.village_code, v.town_code, m.month, NULL, n.registered_month
    FROM near_poor_household n JOIN village v USING (village_code) JOIN town t USING (town_code)
    JOIN calendar m ON n.registered_month IS NULL OR m.month < n.registered_month
    WHERE {PLACE_FILTER_SQL} AND {_SAMPLED.format(id="n.near_poor_id")}
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
"""


def household_months(con: duckdb.DuckDBPyConnection, scope: Scope, first: dt.date, every: int = 1) -> pd.DataFrame:
    """Features of every watched household in scope for each month ``first`` .. ``scope.as_of`` (columns
    ``household_id``, ``village_code``, ``town_code``, ``month``, the ``FEATURES`` (``near_poor`` among them) and
    ``next_event``, the month it next returned or was registered — NaT if neither by the data's end); before
    ``scope.as_of`` only one household in about ``every`` (a fixed hash of its id), for training on a large roster."""
    params = {**scope.sql_params(), "first": first, "last": scope.as_of, "every": every}
    frame = execute(con, _FEATURES_SQL, params).df()
    frame["dibao"] = frame["dibao"].astype("int64")
    frame["near_poor"] = frame["near_poor"].astype("int64")
    return frame.astype({name: "float64" for name in FEATURES})
