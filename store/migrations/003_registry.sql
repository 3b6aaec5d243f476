-- The registry of agencies (issue 10): every GB/T 2260 place, the units a
-- county imports, and the agencies ingest met that the registry does not
-- hold (registered = false, listed for a person to map). The id is stable:
-- the division code, or a hash of county and name (registry.UnitID).
CREATE TABLE agencies (
    id            VARCHAR PRIMARY KEY,
    code          VARCHAR,
    name          VARCHAR NOT NULL,
    short_name    VARCHAR NOT NULL,
    level         VARCHAR NOT NULL,
    county_code   VARCHAR NOT NULL DEFAULT '',
    county        VARCHAR NOT NULL DEFAULT '',
    city_code     VARCHAR NOT NULL DEFAULT '',
    city          VARCHAR NOT NULL DEFAULT '',
    province_code VARCHAR NOT NULL DEFAULT '',
    province      VARCHAR NOT NULL DEFAULT '',
    source        VARCHAR NOT NULL,   -- gbt2260 | import | ingest | synthetic
    registered    BOOLEAN NOT NULL,
    reason        VARCHAR,            -- why ingest could not resolve it
    merged_into   VARCHAR,
    created_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE agency_aliases (
    agency_id    VARCHAR NOT NULL,
    alias        VARCHAR NOT NULL,
    effective_on DATE,
    note         VARCHAR
);

-- "Did not publish" (未发布) is a person's finding after checking the
-- agency's website; "not in Nianbao" (未收录) is only the absence of a row.
CREATE TABLE filing_marks (
    agency_id  VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    state      VARCHAR NOT NULL,   -- unpublished
    comment    VARCHAR NOT NULL,
    author     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);
