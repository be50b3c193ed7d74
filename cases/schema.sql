-- The monitoring cases of one roster database, in X.monitoring.duckdb beside X.duckdb: they outlive every roster
-- snapshot (like the sector reports). Steps and assigned measures are only ever appended.
CREATE TABLE IF NOT EXISTS monitoring_case (
    case_id        INTEGER PRIMARY KEY,
    household_id   VARCHAR NOT NULL,
    town_code      VARCHAR NOT NULL,  -- the household's town when the case was opened (scopes the lists)
    object_type    VARCHAR CHECK (object_type IN ('脱贫不稳定户', '边缘易致贫户', '突发严重困难户')),
    opened         DATE NOT NULL,     -- the day the clue was taken up
    state          VARCHAR NOT NULL CHECK (state IN ('verifying', 'publicising', 'town_review', 'deciding',
                                                      'monitored', 'eliminated', 'rejected')),
    state_since    DATE NOT NULL,     -- the day the case entered its state
    deadline       DATE NOT NULL,     -- opened + 15 days: the decision is due
    decided        DATE,              -- the 区市审定 day
    closed         DATE,              -- 风险消除 or 不纳入
    reason         VARCHAR NOT NULL,  -- why it was opened (the warning's reasons)
    close_reason   VARCHAR
);

CREATE TABLE IF NOT EXISTS monitoring_step (
    step_id    INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL,
    action     VARCHAR NOT NULL,
    from_state VARCHAR,
    to_state   VARCHAR NOT NULL,
    actor      VARCHAR NOT NULL,
    done_on    DATE NOT NULL,
    fields     VARCHAR NOT NULL       -- JSON: the step's fields as entered
);

CREATE TABLE IF NOT EXISTS monitoring_measure (
    case_id      INTEGER NOT NULL,
    measure_code VARCHAR NOT NULL,
    assigned     DATE NOT NULL,
    actor        VARCHAR NOT NULL,
    PRIMARY KEY (case_id, measure_code)
);

CREATE TABLE IF NOT EXISTS monitoring_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
