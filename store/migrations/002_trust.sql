-- Human changes, each with who, when and why. Corrections and reviews are
-- keyed by the report's identity (agency, county, year), not its id, so
-- they survive a re-ingest of the same report.
CREATE TABLE corrections (
    agency       VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    code         VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    parsed_value DOUBLE,            -- what the reader found (NULL: cell absent)
    reason       VARCHAR NOT NULL,
    author       VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    -- orphaned: a re-ingested document no longer reads parsed_value there,
    -- so the correction no longer applies (and is reported).
    orphaned     BOOLEAN NOT NULL DEFAULT false,
    -- superseded: a later correction of the same cell replaced this one.
    superseded   BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE finding_reviews (
    agency     VARCHAR NOT NULL,
    county     VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    fkey       VARCHAR NOT NULL,   -- rule|cell,cell,...
    state      VARCHAR NOT NULL,   -- confirmed | dismissed
    comment    VARCHAR NOT NULL,
    author     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE SEQUENCE audit_seq START 1;

CREATE TABLE audit_log (
    seq        BIGINT NOT NULL DEFAULT nextval('audit_seq'),
    happened_at TIMESTAMP NOT NULL,
    author     VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,   -- correct | review | orphan | delete
    agency     VARCHAR NOT NULL,
    county     VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    target     VARCHAR NOT NULL,   -- a cell code or a finding key
    old_value  VARCHAR,
    new_value  VARCHAR,
    comment    VARCHAR
);

-- Findings with their review state, for counts that leave dismissed ones out.
CREATE VIEW findings_reviewed AS
SELECT f.*, coalesce(v.state, '') AS review, v.comment AS review_comment, v.author AS reviewer
FROM findings f
JOIN reports r ON r.id = f.report_id
LEFT JOIN finding_reviews v
  ON v.agency = r.agency AND v.county = r.county AND v.year = r.year
 AND v.fkey = f.rule || '|' || array_to_string(f.cells, ',');
