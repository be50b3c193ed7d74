-- The sector reports of a roster database, in X.reports.duckdb next to X.duckdb (reporting/store.py).
-- Kept apart from the roster because roster snapshots are immutable files, while reports are entered,
-- corrected and approved between imports.

-- One value per target, area and period; the latest entry (its history is in report_step).
CREATE TABLE IF NOT EXISTS report_value (
    target_id  VARCHAR NOT NULL,
    area_code  VARCHAR NOT NULL,      -- 370200 (city), a district or a town code
    period     DATE NOT NULL,         -- the period's first day
    value      DOUBLE NOT NULL,
    comment    VARCHAR NOT NULL DEFAULT '',
    entered_by VARCHAR NOT NULL,
    entered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (target_id, area_code, period)
);

-- Where each reporting unit (data set × city or district × period) stands in the approval workflow.
CREATE TABLE IF NOT EXISTS report_state (
    dataset_id   VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,    -- 370200 or a district code
    period       DATE NOT NULL,
    state        VARCHAR NOT NULL CHECK (state IN ('draft', 'submitted', 'reviewed', 'approved', 'returned')),
    changed_by   VARCHAR NOT NULL,
    changed_at   TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,           -- the first submission (timeliness is judged on it)
    comment      VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (dataset_id, area_code, period)
);

-- Every step, append-only: who did what when, with the values before and after (JSON).
CREATE TABLE IF NOT EXISTS report_step (
    step_id    BIGINT PRIMARY KEY,
    dataset_id VARCHAR NOT NULL,
    area_code  VARCHAR NOT NULL,
    period     DATE NOT NULL,
    action     VARCHAR NOT NULL CHECK (action IN ('save', 'submit', 'review', 'approve', 'return')),
    from_state VARCHAR,
    to_state   VARCHAR NOT NULL,
    actor      VARCHAR NOT NULL,
    done_at    TIMESTAMP NOT NULL,
    comment    VARCHAR NOT NULL DEFAULT '',
    changes    VARCHAR NOT NULL DEFAULT '[]'  -- [{"target", "area", "before", "after"}]
);

-- Facts about the store: ``clock`` (the reporting date of a synthetic history), ``source``.
CREATE TABLE IF NOT EXISTS report_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
