-- Rectifications (issue 21 item 6): a finding an assessor sent back to the
-- body (退回修改) with a deadline, followed until it is fixed. A finding is
-- named by its rule and cells (fkey, as finding_reviews does), never by its
-- index: the findings are computed again for every version. Overdue is not
-- stored: it is an open rectification whose deadline has passed, derived
-- when read (store.DaysLate), so no job has to flip it at midnight.
CREATE SEQUENCE rectifications_seq START 1;

CREATE TABLE rectifications (
    id           BIGINT NOT NULL DEFAULT nextval('rectifications_seq'),
    report_id    BIGINT NOT NULL,            -- the report when sent (ids never change across versions)
    agency_id    VARCHAR NOT NULL DEFAULT '',-- the report's agency in the registry ('' not mapped)
    agency       VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    fkey         VARCHAR NOT NULL,           -- rule|cell,cell,...
    rule         VARCHAR NOT NULL,
    cells        VARCHAR[] NOT NULL,
    message      VARCHAR NOT NULL,           -- the finding as it read when sent back
    deadline     DATE NOT NULL,
    comment      VARCHAR NOT NULL,
    sent_by      VARCHAR NOT NULL,
    sent_at      TIMESTAMP NOT NULL,
    state        VARCHAR NOT NULL DEFAULT 'open', -- open | closed
    closed_by    VARCHAR,                    -- 'reader': a new version no longer has the finding; else the person
    closed_at    TIMESTAMP,
    close_reason VARCHAR
);
