"""The synthetic roster's assumptions: plan totals (exact) and distribution shares (chosen, documented).

Everything the plan fixes is reproduced exactly at scale 1; everything else here is an assumption of
the synthetic demo data, listed in README.md (“示例数据的分布假设”).
"""

from __future__ import annotations

# --- Fixed by the plan (第二章第三节) -------------------------------------------------------------
BASE_HOUSEHOLDS = 28_535
BASE_PERSONS = 63_887
PROVINCIAL_VILLAGES = 200
MUNICIPAL_VILLAGES = 310
FIRST_BATCH = {"provincial_poor": 51, "municipal_weak": 79}  # exit by 2016-12-31
DEFAULT_UNTIL = "2017-09"  # just before the plan was issued (2017-10-24)

# 第十二章第二节: the 10 economically weak towns and the strong district paired with each.
WEAK_TOWNS: dict[str, str] = {
    "蓼兰镇": "370202",
    "崔家集镇": "370202",
    "田庄镇": "370202",
    "旧店镇": "370212",
    "云山镇": "370212",
    "大泽山镇": "370212",
    "院上镇": "370203",
    "河头店镇": "370203",
    "日庄镇": "370214",
    "马连庄镇": "370214",
}

# --- Assumptions of the synthetic data -------------------------------------------------------------
# Where the registered households live (no district figures are published; 黄岛's share follows the
# 4,278 rural households it reported exiting in 2016, ~15 %).
HOUSEHOLD_SHARE_BY_DISTRICT = {
    "370283": 0.40,  # 平度市
    "370285": 0.25,  # 莱西市
    "370211": 0.15,  # 黄岛区
    "370281": 0.10,  # 胶州市
    "370215": 0.10,  # 即墨区
}
# Designated villages per district (provincial, municipal); weak-town village committees are taken first.
DESIGNATED_BY_DISTRICT = {
    "370283": (90, 110),
    "370285": (50, 50),
    "370211": (20, 50),
    "370281": (20, 50),
    "370215": (20, 50),
}
VILLAGE_WEIGHT = {"provincial_poor": 3.0, "municipal_weak": 2.0}  # other villages 1.0
WEAK_TOWN_WEIGHT = 1.5

LAGGING_DISTRICT = "370285"  # 莱西市: visibly behind its 2017 deadlines
# Share of each district's baseline households that exit during 2016 (the rest in 2017, the lagging
# district partly in 2018).
EXIT_2016_SHARE = {"370283": 0.985, "370285": 0.90, "370211": 0.995, "370281": 0.995, "370215": 0.99}
LAGGING_EXIT_2018_SHARE = 0.30  # of the lagging district's households that miss 2016
LAGGING_VILLAGE_2018_SHARE = 0.40  # of the lagging district's second-batch villages
# Weak towns that exit after the 2017-12-31 stage goal (month label), all in the lagging district.
# Villages and towns exit in the annual verification at a year's end (roster/synth/geography.py).
LATE_TOWN_EXITS = {"日庄镇": "2018-12", "马连庄镇": "2018-12"}
TOWN_EXIT_ON_TIME = "2017-12"

# Household size shares (1..6 persons): many one- and two-person elderly households; the exact person
# total is then reached by adjusting a few households.
SIZE_SHARES = {1: 0.35, 2: 0.33, 3: 0.14, 4: 0.11, 5: 0.05, 6: 0.02}
ELDERLY_HOUSEHOLD_SHARE = {1: 0.90, 2: 0.75}  # of one- and two-person households
ATTRIBUTE_SHARES = {"一般贫困户": 0.58, "低保贫困户": 0.30, "特困供养贫困户": 0.12}
# 特困供养 (former 五保) households are single elderly people.
MAIN_CAUSE_SHARES = {
    "因病": 0.45,
    "因残": 0.24,
    "缺劳力": 0.10,
    "缺技术": 0.05,
    "缺资金": 0.05,
    "因学": 0.04,
    "缺土地": 0.02,
    "自身发展动力不足": 0.02,
    "因灾": 0.01,
    "其他": 0.02,
}
HEALTH_SHARES_BY_AGE = {  # 健康, 长期慢性病, 患有大病, 残疾
    "child": (0.95, 0.02, 0.0, 0.03),
    "adult": (0.60, 0.18, 0.10, 0.12),
    "elderly": (0.25, 0.45, 0.15, 0.15),
}
DISABILITY_SHARES = {"肢体": 0.45, "视力": 0.12, "听力": 0.10, "言语": 0.03, "智力": 0.12, "精神": 0.13, "多重": 0.05}

# Dynamics (annual rates unless stated).
HOUSEHOLD_DEATH_RATE = {"old": 0.05, "young": 0.015}  # one-person households, head >= 75 / < 75
MEMBER_LEAVE_RATE = {"old": 0.04, "young": 0.006}  # members of larger households, age >= 70 / < 70
BIRTH_RATE = 0.015  # households with a head under 50 and a spouse

# Measures.
NO_MEASURE_SHARE = 0.006  # households deliberately left without any measure
PUBLIC_WELFARE_JOBS = 3000  # plan: about 3,000 posts by 2016-12-31 (scaled)
DILAPIDATED_SHARE = 0.08
POVERTY_LINE_YUAN = 4600  # 市定扶贫标准 (2014); later years unconfirmed, assumed unchanged
POVERTY_LINE_SOURCE = "市定扶贫标准（2014年识别标准；2015年后是否调整未经证实，按不变处理）"
# Per-capita income of an exited household in 2016, as multiples of the line (uniform; +8 % a year after):
# about one in six below the monitoring line (1.5 ×) in 2016, one in ten in 2017 — the band 边缘户 monitoring watches.
EXITED_INCOME_RANGE = (1.2, 3.0)

# Deliberate faults at scale 1 (scaled, at least one each).
FAULTS = {"invalid_id_check_digit": 6, "person_in_two_households": 2, "exit_income_below_line": 3}

# 防返贫 monitoring line: 1.5 × the year's poverty line (Guangxi and Anhui practice; Qingdao published none).
MONITORING_FACTOR = 1.5
MONITORING_BASIS = "按当年扶贫标准的1.5倍设定（参照广西、安徽做法；青岛未公布监测线，示例数据的假设）"

# The causal layer (roster/synth/shocks.py). Every month an exited baseline household, and a household on the
# 边缘户 list (near-poor rural households outside the roster, the pool 新识别 come from) until it is registered,
# may suffer a shock at these rates. A shock pushes it into poverty with the chance EVENT_CHANCE × SHOCK_WEIGHT ×
# vulnerability (no labour, income close to the line); the return or 新识别 follows SHOCK_LAG_WEIGHTS months
# later. A shock that pushes nobody still cuts the year's income. All figures are assumptions of the synthetic data.
NEAR_POOR_SHARE = 0.35  # households on the 边缘户 list, relative to the baseline households
NEAR_POOR_INCOME_RANGE = (1.0, 2.0)  # their per-capita income in 2015, as multiples of the line (+8 % a year)
BACKGROUND_SHOCK_RATE = {  # per household and month
    "illness": 0.0040,
    "accident": 0.0006,
    "disability": 0.0006,
    "disaster": 0.0005,
    "job_loss": 0.0015,
    "dropout": 0.0004,
}
EVENT_CHANCE = {"exited": 0.02, "near_poor": 0.065}  # of a shock of weight 1 to an average household
SHOCK_WEIGHT = {"illness": 1.0, "accident": 2.5, "disability": 1.5, "disaster": 1.0, "job_loss": 1.0, "dropout": 0.8}
NO_LABOUR_FACTOR = 1.5  # no member of ordinary or skilled labour
INCOME_REFERENCE = 1.6  # vulnerability × REFERENCE / income multiple (clipped to 0.5 .. 2)
SHOCK_LAG_WEIGHTS = {1: 3, 2: 3, 3: 2, 4: 1}  # months from the shock to the return or 新识别
UNCAUSED_RETURN_RATE = 0.00006  # per exited household and month: returns without a visible shock
FIRST_EVENT_MONTH = "2017-01"  # no return or 新识别 before (the 2016 campaign year); a return never in its exit year
LAST_NEW_MONTH = "2020-06"  # 新识别 end with the last verification before the plan's end
SHOCK_INCOME_LOSS = {  # share of the year's income a shock that pushes nobody costs
    "illness": 0.15,
    "accident": 0.20,
    "disability": 0.10,
    "disaster": 0.15,
    "job_loss": 0.20,
    "dropout": 0.0,
}
ILL_MEMBER_ILLNESS_FACTOR = 2.0  # a household with a chronically or seriously ill member
INPATIENT_MEDIAN, INPATIENT_SIGMA = 5_000, 0.9  # out-of-pocket cost of an illness's stay, 元 (lognormal)
INPATIENT_REFERENCE = 8_000  # an illness weighs (SHOCK_WEIGHT ×) bill / reference, clipped to 0.25 .. 4
# Share of shocks a department pushes as a clue (the rest are never reported).
CLUE_SHARE = {"illness": 0.9, "accident": 0.6, "disability": 0.7, "disaster": 0.9, "job_loss": 0.35, "dropout": 0.8}
# A serious shock is followed by a 民政 assistance clue (new 低保 / 特困 / 临时救助) 0-2 months later.
ASSISTANCE_AFTER_CAUSE_SHARE = 0.35
ASSISTANCE_AFTER_BACKGROUND_SHARE = 0.03
# False alarms and noise: outpatient bills of households with an ill member, per month.
OUTPATIENT_CLUE_RATE = 0.02
OUTPATIENT_MEDIAN, OUTPATIENT_SIGMA = 380, 0.5
