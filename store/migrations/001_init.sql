-- Reports, their cells in a long table, their findings, and the versions
-- that re-ingest replaced. Uniqueness of (agency, county, year) is kept by
-- the store's single writer: DuckDB checks unique indexes eagerly, which
-- makes delete-then-insert of the same key in one transaction fragile.
CREATE SEQUENCE report_id_seq START 1;

CREATE TABLE reports (
    id           BIGINT PRIMARY KEY DEFAULT nextval('report_id_seq'),
    agency       VARCHAR NOT NULL,
    county       VARCHAR NOT NULL DEFAULT '',
    year         INTEGER NOT NULL,
    edition      VARCHAR NOT NULL,
    format       VARCHAR NOT NULL DEFAULT 'text',
    source_file  VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    published_on DATE,
    synthetic    BOOLEAN NOT NULL DEFAULT false,
    ingested_at  TIMESTAMP NOT NULL
);

CREATE TABLE cells (
    report_id BIGINT NOT NULL,
    code      VARCHAR NOT NULL,
    value     DOUBLE NOT NULL
);

CREATE TABLE cell_sources (
    report_id BIGINT NOT NULL,
    code      VARCHAR NOT NULL,
    line      INTEGER,
    page      INTEGER,
    tbl       INTEGER,
    grid_row  INTEGER,
    grid_col  INTEGER,
    raw       VARCHAR,
    note      VARCHAR
);

CREATE TABLE findings (
    report_id BIGINT NOT NULL,
    seq       INTEGER NOT NULL,
    rule      VARCHAR NOT NULL,
    severity  VARCHAR NOT NULL,
    cells     VARCHAR[] NOT NULL,
    message   VARCHAR NOT NULL
);

CREATE TABLE report_history (
    agency       VARCHAR NOT NULL,
    county       VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    report_id    BIGINT NOT NULL,
    source_file  VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    ingested_at  TIMESTAMP NOT NULL,
    replaced_at  TIMESTAMP NOT NULL
);
