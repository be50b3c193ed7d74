-- The roster database: one DDL source of truth (docs/schema.md describes every table).
-- Months are DATE values on the first day of the month.

CREATE TABLE district (
    district_code VARCHAR PRIMARY KEY CHECK (length(district_code) = 6),
    name          VARCHAR NOT NULL
);

CREATE TABLE town (
    town_code             VARCHAR PRIMARY KEY CHECK (length(town_code) = 9),
    district_code         VARCHAR NOT NULL REFERENCES district (district_code),
    name                  VARCHAR NOT NULL,
    is_weak_town          BOOLEAN NOT NULL,
    pairing_district_code VARCHAR REFERENCES district (district_code),
    exit_month            DATE CHECK (day(exit_month) = 1),
    has_polygon           BOOLEAN NOT NULL,
    CHECK (is_weak_town OR (pairing_district_code IS NULL AND exit_month IS NULL))
);

CREATE TABLE village (
    village_code         VARCHAR PRIMARY KEY,
    town_code            VARCHAR NOT NULL REFERENCES town (town_code),
    name                 VARCHAR NOT NULL,
    is_village_committee BOOLEAN NOT NULL,
    designation          VARCHAR CHECK (designation IN ('provincial_poor', 'municipal_weak')),
    exit_month           DATE CHECK (day(exit_month) = 1),
    lon                  DOUBLE NOT NULL CHECK (lon BETWEEN 119 AND 122),
    lat                  DOUBLE NOT NULL CHECK (lat BETWEEN 35 AND 37.5),
    point_generated      BOOLEAN NOT NULL,
    source_village_code  VARCHAR NOT NULL,
    rural_population     INTEGER CHECK (rural_population > 0),
    CHECK (designation IS NOT NULL OR exit_month IS NULL)
);

CREATE TABLE household (
    household_id            VARCHAR PRIMARY KEY,
    village_code            VARCHAR NOT NULL REFERENCES village (village_code),
    head_name               VARCHAR NOT NULL,
    head_id_number          VARCHAR NOT NULL,
    phone                   VARCHAR,
    size                    INTEGER NOT NULL CHECK (size >= 0),
    attribute               VARCHAR NOT NULL CHECK (attribute IN ('一般贫困户', '低保贫困户', '特困供养贫困户')),
    main_cause              VARCHAR NOT NULL CHECK (main_cause IN (
        '因病', '因残', '因学', '因灾', '缺土地', '缺水', '缺技术', '缺劳力', '缺资金',
        '交通条件落后', '自身发展动力不足', '其他')),
    identification_standard VARCHAR NOT NULL CHECK (identification_standard IN ('国家标准', '省定标准', '市定标准')),
    identified_month        DATE NOT NULL CHECK (day(identified_month) = 1),
    planned_exit_year       INTEGER CHECK (planned_exit_year BETWEEN 2016 AND 2020),
    dilapidated_house       BOOLEAN NOT NULL,
    helper_name             VARCHAR,
    helper_unit             VARCHAR
);

CREATE TABLE person (
    person_id     VARCHAR PRIMARY KEY,
    household_id  VARCHAR NOT NULL REFERENCES household (household_id),
    name          VARCHAR NOT NULL,
    id_number     VARCHAR NOT NULL CHECK (length(id_number) = 18),
    sex           VARCHAR NOT NULL CHECK (sex IN ('男', '女')),
    birth_date    DATE NOT NULL,
    relation      VARCHAR NOT NULL CHECK (relation IN ('户主', '配偶', '子女', '父母', '孙子女', '儿媳', '其他')),
    ethnicity     VARCHAR NOT NULL,
    health        VARCHAR NOT NULL CHECK (health IN ('健康', '长期慢性病', '患有大病', '残疾')),
    labor_ability VARCHAR NOT NULL CHECK (labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力', '丧失劳动力', '无劳动力')),
    education     VARCHAR NOT NULL CHECK (education IN ('学龄前儿童', '文盲或半文盲', '小学', '初中', '高中', '大专', '本科及以上')),
    school_status VARCHAR NOT NULL CHECK (school_status IN ('学前教育', '小学', '初中', '普通高中', '中职', '高校', '非在校生')),
    disability    VARCHAR CHECK (disability IN ('肢体', '视力', '听力', '言语', '智力', '精神', '多重')),
    joined_month  DATE CHECK (day(joined_month) = 1),
    CHECK ((health = '残疾') = (disability IS NOT NULL))
);

-- The single source of a household's (and a person's membership) status over time. Events of one household
-- are ordered by (event_month, event_id). Household events have person_id NULL; person events ('new' = joined,
-- 'removed' = left or died) concern one member while the household goes on.
CREATE TABLE status_event (
    event_id     BIGINT PRIMARY KEY,
    household_id VARCHAR NOT NULL REFERENCES household (household_id),
    person_id    VARCHAR REFERENCES person (person_id),
    event_month  DATE NOT NULL CHECK (day(event_month) = 1),
    event_type   VARCHAR NOT NULL CHECK (event_type IN ('identified', 'exited', 'returned', 'new', 'removed')),
    CHECK (person_id IS NULL OR event_type IN ('new', 'removed'))
);

-- Changes of a household's attribute, main cause or village (a move; old and new village codes), found by comparing
-- two imported snapshots.
CREATE TABLE household_change (
    household_id VARCHAR NOT NULL REFERENCES household (household_id),
    change_month DATE NOT NULL CHECK (day(change_month) = 1),
    field        VARCHAR NOT NULL CHECK (field IN ('attribute', 'main_cause', 'village_code')),
    old_value    VARCHAR NOT NULL,
    new_value    VARCHAR NOT NULL,
    PRIMARY KEY (household_id, change_month, field)
);

CREATE TABLE measure_type (
    measure_code     VARCHAR PRIMARY KEY,
    category_code    VARCHAR NOT NULL,
    category_zh      VARCHAR NOT NULL,
    measure_zh       VARCHAR NOT NULL,
    level            VARCHAR NOT NULL,
    benefit_standard VARCHAR,
    chapter          VARCHAR,
    quote_zh         VARCHAR
);

CREATE TABLE measure (
    measure_id     BIGINT PRIMARY KEY,
    household_id   VARCHAR NOT NULL REFERENCES household (household_id),
    person_id      VARCHAR REFERENCES person (person_id),
    category_code  VARCHAR NOT NULL,
    measure_code   VARCHAR NOT NULL REFERENCES measure_type (measure_code),
    start_month    DATE NOT NULL CHECK (day(start_month) = 1),
    end_month      DATE NOT NULL CHECK (day(end_month) = 1),
    amount_yuan    DECIMAL(12, 2) NOT NULL CHECK (amount_yuan >= 0),
    funding_source VARCHAR NOT NULL,
    CHECK (end_month >= start_month AND year(end_month) = year(start_month))
);

CREATE TABLE village_indicator (
    village_code           VARCHAR NOT NULL REFERENCES village (village_code),
    year                   INTEGER NOT NULL,
    collective_income_wan  DECIMAL(10, 2) NOT NULL CHECK (collective_income_wan >= 0),
    industries             INTEGER NOT NULL CHECK (industries >= 0),
    proj_road              BOOLEAN NOT NULL,
    proj_drinking_water    BOOLEAN NOT NULL,
    proj_electricity       BOOLEAN NOT NULL,
    proj_culture_square    BOOLEAN NOT NULL,
    proj_lighting          BOOLEAN NOT NULL,
    proj_irrigation        BOOLEAN NOT NULL,
    proj_office            BOOLEAN NOT NULL,
    proj_service           BOOLEAN NOT NULL,
    PRIMARY KEY (village_code, year)
);

CREATE TABLE town_indicator (
    town_code           VARCHAR NOT NULL REFERENCES town (town_code),
    year                INTEGER NOT NULL,
    proj_road           BOOLEAN NOT NULL,
    proj_drainage       BOOLEAN NOT NULL,
    proj_sewage         BOOLEAN NOT NULL,
    proj_culture_square BOOLEAN NOT NULL,
    proj_service_center BOOLEAN NOT NULL,
    proj_townscape      BOOLEAN NOT NULL,
    PRIMARY KEY (town_code, year)
);

CREATE TABLE income (
    household_id           VARCHAR NOT NULL REFERENCES household (household_id),
    year                   INTEGER NOT NULL,
    per_capita_income_yuan DECIMAL(12, 2) NOT NULL,
    PRIMARY KEY (household_id, year)
);

CREATE TABLE poverty_line (
    year   INTEGER PRIMARY KEY,
    yuan   DECIMAL(10, 2) NOT NULL,
    source VARCHAR NOT NULL
);

-- 防返贫监测线 by year: a household whose per-capita income of the year falls below it is watched.
CREATE TABLE monitoring_threshold (
    year        INTEGER PRIMARY KEY,
    income_yuan DECIMAL(10, 2) NOT NULL CHECK (income_yuan > 0),
    basis       VARCHAR NOT NULL
);

-- Early-warning rules as data (data/reference/warning_rules.csv): which clue (source, kind) or roster figure
-- triggers, for which households, over which span, from which threshold, at which tier.
CREATE TABLE warning_rule (
    rule_id    VARCHAR PRIMARY KEY,
    source_zh  VARCHAR NOT NULL,  -- the department that pushes the clue (名册 = the roster itself)
    kind       VARCHAR NOT NULL CHECK (kind IN ('inpatient', 'outpatient', 'assistance', 'dropout', 'disability',
                                                'disaster', 'accident', 'unemployment', 'income_monitoring',
                                                'income_poverty')),
    applies_to VARCHAR NOT NULL CHECK (applies_to IN ('exited', 'other', 'any')),
    span       VARCHAR NOT NULL CHECK (span IN ('month', 'year', 'event')),
    threshold  DECIMAL(12, 2),    -- amounts (元) for month and year spans; NULL for events and income rules
    tier       VARCHAR NOT NULL CHECK (tier IN ('红', '黄')),
    label_zh   VARCHAR NOT NULL,
    basis_zh   VARCHAR NOT NULL,
    CHECK ((span = 'event') = (threshold IS NULL) OR kind LIKE 'income_%')
);

-- 边缘户: rural households outside the roster on the 民政 low-income list, watched for shocks as 边缘易致贫户
-- candidates. A household later registered (新识别) keeps its row; household_id is the roster household it became
-- (NULL: not registered by the as-of month).
CREATE TABLE near_poor_household (
    near_poor_id     VARCHAR PRIMARY KEY,
    village_code     VARCHAR NOT NULL REFERENCES village (village_code),
    size             INTEGER NOT NULL CHECK (size >= 1),
    head_name        VARCHAR NOT NULL,
    head_id_number   VARCHAR NOT NULL CHECK (length(head_id_number) = 18),
    household_id     VARCHAR,
    registered_month DATE CHECK (day(registered_month) = 1),
    CHECK ((household_id IS NULL) = (registered_month IS NULL))
);

CREATE TABLE near_poor_person (
    near_poor_id  VARCHAR NOT NULL REFERENCES near_poor_household (near_poor_id),
    name          VARCHAR NOT NULL,
    id_number     VARCHAR NOT NULL CHECK (length(id_number) = 18),
    sex           VARCHAR NOT NULL CHECK (sex IN ('男', '女')),
    birth_date    DATE NOT NULL,
    relation      VARCHAR NOT NULL CHECK (relation IN ('户主', '配偶', '子女', '父母', '孙子女', '儿媳', '其他')),
    health        VARCHAR NOT NULL CHECK (health IN ('健康', '长期慢性病', '患有大病', '残疾')),
    labor_ability VARCHAR NOT NULL CHECK (labor_ability IN ('普通劳动力', '技能劳动力', '弱劳动力或半劳动力', '丧失劳动力', '无劳动力')),
    school_status VARCHAR NOT NULL CHECK (school_status IN ('学前教育', '小学', '初中', '普通高中', '中职', '高校', '非在校生'))
);

-- Per-capita net income of a 边缘户 by year (the years before it was registered; then the income table holds it).
CREATE TABLE near_poor_income (
    near_poor_id           VARCHAR NOT NULL REFERENCES near_poor_household (near_poor_id),
    year                   INTEGER NOT NULL,
    per_capita_income_yuan DECIMAL(12, 2) NOT NULL,
    PRIMARY KEY (near_poor_id, year)
);

-- Warning clues pushed by departments (医保, 民政, 教育, 残联, 应急, 公安, 人社), one per person and event or month;
-- household_id is the roster household the ID number matched, near_poor_id the 边缘户 (at most one of them; neither:
-- on no list).
CREATE TABLE warning_clue (
    clue_id      BIGINT PRIMARY KEY,
    household_id VARCHAR REFERENCES household (household_id),
    near_poor_id VARCHAR REFERENCES near_poor_household (near_poor_id),
    id_number    VARCHAR NOT NULL CHECK (length(id_number) = 18),
    source_zh    VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL CHECK (kind IN ('inpatient', 'outpatient', 'assistance', 'dropout', 'disability',
                                                  'disaster', 'accident', 'unemployment')),
    month        DATE NOT NULL CHECK (day(month) = 1),
    amount_yuan  DECIMAL(12, 2) CHECK (amount_yuan >= 0),
    detail       VARCHAR NOT NULL,
    CHECK (household_id IS NULL OR near_poor_id IS NULL)
);

CREATE TABLE plan_target (
    id           VARCHAR PRIMARY KEY,
    chapter      VARCHAR NOT NULL,
    indicator_zh VARCHAR NOT NULL,
    target_value DOUBLE NOT NULL,
    unit         VARCHAR NOT NULL,
    comparator   VARCHAR NOT NULL CHECK (comparator IN ('>=', '<=', '=', '<', 'all')),
    deadline     DATE,
    scope        VARCHAR NOT NULL,
    quote_zh     VARCHAR NOT NULL
);

-- Who answers for each plan target, how it is measured and reported (data/reference/target_registry.csv).
CREATE TABLE target_registry (
    id                     VARCHAR PRIMARY KEY REFERENCES plan_target (id),
    owner_code             VARCHAR NOT NULL,  -- the lead unit (牵头单位), e.g. agriculture
    owner_zh               VARCHAR NOT NULL,
    co_units_zh            VARCHAR,           -- the units that share the task (责任单位), 、- or ；-separated
    kind                   VARCHAR NOT NULL
        CHECK (kind IN ('roster', 'village_indicator', 'policy_rule', 'reported', 'unmeasurable')),
    level                  VARCHAR CHECK (level IN ('市', '区市', '镇', '村')),  -- where it is reported or sliced
    period                 VARCHAR CHECK (period IN ('月', '季', '年')),
    reported_as            VARCHAR CHECK (reported_as IN ('total', 'level', 'share', 'percent')),
    cumulative             BOOLEAN NOT NULL,  -- a reported count that may not fall (without a comment)
    baseline               DOUBLE,            -- the plan's starting value, where it gives one
    units                  VARCHAR,           -- for ``share``: what is counted (贫困村 / 镇街)
    not_above              VARCHAR REFERENCES plan_target (id),  -- may not exceed this target (same area, period)
    unmeasurable_reason_zh VARCHAR,
    CHECK ((kind = 'reported') = (reported_as IS NOT NULL)),
    CHECK (kind <> 'unmeasurable' OR unmeasurable_reason_zh IS NOT NULL)
);

CREATE TABLE dataset_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- Deliberate data-quality faults of the synthetic roster, so tests and quality checks can find them.
CREATE TABLE dataset_fault (
    fault_id   INTEGER PRIMARY KEY,
    fault_type VARCHAR NOT NULL CHECK (fault_type IN ('invalid_id_check_digit', 'person_in_two_households', 'exit_income_below_line')),
    table_name VARCHAR NOT NULL,
    record_id  VARCHAR NOT NULL,
    detail     VARCHAR NOT NULL
);

-- Pre-aggregated monthly figures at village grain (analytics.cubes), built with the roster in the same
-- write: every household outcome figure at each month end, the monthly flows by unit, and coverage by
-- measure group. Derived data: one row per village, month (and key) by construction, stored in month order
-- with the village's town and district codes so that questions filter without joins; no indexes, so
-- building them at large scale stays fast and small.
CREATE TABLE cube_outcome (
    village_code VARCHAR NOT NULL,
    town_code    VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month        DATE NOT NULL,
    baseline_households           BIGINT NOT NULL,
    baseline_persons              BIGINT NOT NULL,
    registered_households         BIGINT NOT NULL,
    recorded_households           BIGINT NOT NULL,
    new_households                BIGINT NOT NULL,
    exited_households             BIGINT NOT NULL,
    exited_persons                BIGINT NOT NULL,
    baseline_exited_households    BIGINT NOT NULL,
    baseline_exited_persons       BIGINT NOT NULL,
    remaining_households          BIGINT NOT NULL,
    remaining_persons             BIGINT NOT NULL,
    baseline_remaining_households BIGINT NOT NULL,
    baseline_remaining_persons    BIGINT NOT NULL,
    returned_households           BIGINT NOT NULL,
    removed_households            BIGINT NOT NULL,
    active_households             BIGINT NOT NULL,
    covered_households            BIGINT NOT NULL
);

CREATE TABLE cube_coverage (
    village_code  VARCHAR NOT NULL,
    town_code     VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month         DATE NOT NULL,
    measure_group VARCHAR NOT NULL,
    covered       BIGINT NOT NULL CHECK (covered > 0)
);

CREATE TABLE cube_profile (
    village_code  VARCHAR NOT NULL,
    town_code     VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month         DATE NOT NULL,
    dimension     VARCHAR NOT NULL CHECK (dimension IN ('main_cause', 'attribute')),
    value         VARCHAR NOT NULL,
    remaining_households       BIGINT NOT NULL,
    remaining_persons          BIGINT NOT NULL,
    baseline_households        BIGINT NOT NULL,
    baseline_persons           BIGINT NOT NULL
);

-- Poor (baseline) households with at least one member of an age band, health or labour ability, and those
-- members (a household lies in one village, so the households add up over villages).
CREATE TABLE cube_person (
    village_code  VARCHAR NOT NULL,
    town_code     VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month         DATE NOT NULL,
    dimension     VARCHAR NOT NULL CHECK (dimension IN ('age_band', 'health', 'labor_ability')),
    value         VARCHAR NOT NULL,
    remaining_households       BIGINT NOT NULL,
    remaining_persons          BIGINT NOT NULL,
    baseline_households        BIGINT NOT NULL,
    baseline_persons           BIGINT NOT NULL
);

CREATE TABLE cube_measure_count (
    village_code  VARCHAR NOT NULL,
    town_code     VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month         DATE NOT NULL,
    measures      BIGINT NOT NULL,
    households    BIGINT NOT NULL CHECK (households > 0)
);

-- Households by status (event type; '' = none yet) at the baseline and at the month.
CREATE TABLE cube_transition (
    village_code  VARCHAR NOT NULL,
    town_code     VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month         DATE NOT NULL,
    status_from   VARCHAR NOT NULL,
    status_to     VARCHAR NOT NULL,
    households    BIGINT NOT NULL CHECK (households > 0)
);

CREATE TABLE cube_goal (
    village_code VARCHAR NOT NULL,
    town_code    VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month        DATE NOT NULL,
    target_id    VARCHAR NOT NULL,
    applies      BIGINT NOT NULL CHECK (applies > 0),
    meets        BIGINT NOT NULL,
    amount       DOUBLE NOT NULL,
    lowest       DOUBLE
);

CREATE TABLE cube_quality (
    village_code VARCHAR NOT NULL,
    town_code    VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month        DATE NOT NULL,
    check_key    VARCHAR NOT NULL,
    records      BIGINT NOT NULL CHECK (records > 0)
);

-- Figures at the as-of month only that add up over villages (analytics.figures): per figure (gaps, funds,
-- completeness, income_heaping, helpers) a key and its value.
CREATE TABLE cube_figure (
    village_code VARCHAR NOT NULL,
    town_code    VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month        DATE NOT NULL,
    figure       VARCHAR NOT NULL,
    key          VARCHAR NOT NULL,
    value        DOUBLE NOT NULL
);

-- The households the warning rules flag (analytics.monitoring.rules.city_flags) at the as-of month only:
-- household_id holds the 边缘户's id where near_poor.
CREATE TABLE cube_flag (
    household_id VARCHAR NOT NULL,
    near_poor    BOOLEAN NOT NULL,
    village_code VARCHAR NOT NULL,
    town_code    VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month        DATE NOT NULL,
    tier         VARCHAR NOT NULL CHECK (tier IN ('红', '黄')),
    rules        BIGINT NOT NULL,
    reasons      VARCHAR NOT NULL
);

-- The risk score (analytics.monitoring.score.city_risk) of every watched household at the as-of month only:
-- household_id holds the 边缘户's id where near_poor.
CREATE TABLE cube_risk (
    household_id VARCHAR NOT NULL,
    near_poor    BOOLEAN NOT NULL,
    village_code VARCHAR NOT NULL,
    town_code    VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month        DATE NOT NULL,
    risk         DOUBLE NOT NULL,
    reasons      VARCHAR NOT NULL,
    town_rank    INTEGER NOT NULL
);

CREATE TABLE cube_flow (
    village_code VARCHAR NOT NULL,
    town_code    VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    month        DATE NOT NULL,
    unit         VARCHAR NOT NULL CHECK (unit IN ('households', 'persons')),
    new          BIGINT NOT NULL,
    returned     BIGINT NOT NULL,
    born         BIGINT NOT NULL,  -- 自然增加 (persons only)
    exited       BIGINT NOT NULL,
    removed      BIGINT NOT NULL
);

-- The month each cube was built through (a cube holds rows only for what there is to count, so its own
-- latest month can be earlier): analytics.cube_switch answers from a cube only within it.
CREATE TABLE cube_built (
    cube    VARCHAR PRIMARY KEY,
    through DATE NOT NULL
);

-- The files an imported snapshot was made from (empty for generated data).
CREATE TABLE snapshot_file (
    file_name  VARCHAR NOT NULL,
    sha256     VARCHAR NOT NULL CHECK (length(sha256) = 64),
    tables     VARCHAR NOT NULL,
    rows       INTEGER NOT NULL CHECK (rows >= 0)
);
