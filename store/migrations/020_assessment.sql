-- What the assessment checks (package assess) keep beside the findings
-- they store in the findings table. Narratives are keyed by the report's
-- identity, like corrections, and replaced with each new version; the rest
-- is keyed by report id and written again whenever a check is re-run.
CREATE TABLE narratives (
    agency   VARCHAR NOT NULL,
    county   VARCHAR NOT NULL,
    year     INTEGER NOT NULL,
    position INTEGER NOT NULL,  -- order in the document
    section  INTEGER NOT NULL,  -- 1–6, 0 for the text before the first heading
    body     VARCHAR NOT NULL
);

CREATE TABLE assess_timeliness (
    report_id    BIGINT NOT NULL,
    published_on DATE NOT NULL,
    deadline     DATE NOT NULL,
    days_late    INTEGER NOT NULL   -- negative: days early
);

CREATE TABLE assess_copies (
    report_id       BIGINT NOT NULL,
    rule            VARCHAR NOT NULL,
    other_report_id BIGINT NOT NULL,
    share           DOUBLE NOT NULL,   -- Jaccard similarity of the shingles
    passages        VARCHAR NOT NULL   -- JSON array: shared runs of text, longest first
);

CREATE TABLE assess_coverage (
    report_id BIGINT NOT NULL,
    code      VARCHAR NOT NULL,
    aggregate DOUBLE NOT NULL,
    units_sum DOUBLE NOT NULL,
    units     INTEGER NOT NULL
);
