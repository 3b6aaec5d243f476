-- Score sheets an admin stored (issue 19 item 5), and which county or city
-- each applies to. A place is a GB/T 2260 code of a county or a city, or a
-- county's name as its reports give it (a county the registry lacks). A
-- county without a row of its own takes its city's, else the sheet the
-- server was started with.
CREATE TABLE sheets (
    name       VARCHAR PRIMARY KEY,
    body       VARCHAR NOT NULL,   -- the YAML or JSON as given
    sha        VARCHAR NOT NULL,   -- sha256 of body, hex
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sheet_assignments (
    place      VARCHAR PRIMARY KEY,
    sheet_name VARCHAR NOT NULL,
    set_by     VARCHAR NOT NULL,
    set_at     TIMESTAMP NOT NULL
);
