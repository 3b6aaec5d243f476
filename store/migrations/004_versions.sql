-- A report is (agency id, year); its id never changes. Every ingested
-- version is kept whole; reports/cells/cell_sources/findings hold the
-- current one (corrections laid over), current_version points at it.
ALTER TABLE reports ADD COLUMN agency_id VARCHAR;
ALTER TABLE reports ADD COLUMN current_version INTEGER;
ALTER TABLE reports ADD COLUMN kind VARCHAR;

CREATE TABLE report_versions (
    report_id    BIGINT NOT NULL,
    version      INTEGER NOT NULL,
    agency       VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    edition      VARCHAR NOT NULL,
    format       VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    published_on DATE,
    synthetic    BOOLEAN NOT NULL,
    n_cells      INTEGER NOT NULL,
    has_t3       BOOLEAN NOT NULL,
    has_t4       BOOLEAN NOT NULL,
    author       VARCHAR NOT NULL,
    held         VARCHAR,           -- why it was not made current
    ingested_at  TIMESTAMP NOT NULL
);

CREATE TABLE version_cells (
    report_id BIGINT NOT NULL,
    version   INTEGER NOT NULL,
    code      VARCHAR NOT NULL,
    value     DOUBLE NOT NULL
);

CREATE TABLE version_sources (
    report_id BIGINT NOT NULL,
    version   INTEGER NOT NULL,
    code      VARCHAR NOT NULL,
    line      INTEGER,
    page      INTEGER,
    tbl       INTEGER,
    grid_row  INTEGER,
    grid_col  INTEGER,
    raw       VARCHAR,
    note      VARCHAR
);

CREATE TABLE version_findings (
    report_id BIGINT NOT NULL,
    version   INTEGER NOT NULL,
    seq       INTEGER NOT NULL,
    rule      VARCHAR NOT NULL,
    severity  VARCHAR NOT NULL,
    cells     VARCHAR[] NOT NULL,
    message   VARCHAR NOT NULL
);
