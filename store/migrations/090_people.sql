-- People who sign in (issue 22 item 1), managed in the browser by an
-- administrator; the token file of `analytics serve --token-file` still
-- works beside them. No secret is stored: a token, a one-time sign-in link
-- and a session id are each kept as their sha256 (hex), so a copy of the
-- database file lets nobody sign in.
CREATE SEQUENCE people_seq START 1;

CREATE TABLE people (
    id           BIGINT PRIMARY KEY DEFAULT nextval('people_seq'),
    name         VARCHAR NOT NULL,
    role         VARCHAR NOT NULL,            -- viewer | clerk | assessor | admin
    scope        VARCHAR NOT NULL DEFAULT '', -- a county or agency for a clerk; '' anywhere
    token_sha256 VARCHAR NOT NULL,            -- the person's token, hashed
    created_by   VARCHAR NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP                    -- set: the person can no longer sign in
);

-- One-time sign-in links: opened once before expires_at, then used.
CREATE TABLE signin_links (
    token_sha256 VARCHAR PRIMARY KEY,
    person_id    BIGINT NOT NULL,
    created_by   VARCHAR NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    used_at      TIMESTAMP
);

-- Sessions of the work pages, so a restart signs nobody out. person_id is
-- NULL for a person of the token file, found again by token_sha256.
CREATE TABLE web_sessions (
    id_sha256    VARCHAR PRIMARY KEY,
    csrf         VARCHAR NOT NULL,
    person_id    BIGINT,
    token_sha256 VARCHAR NOT NULL DEFAULT '',
    expires_at   TIMESTAMP NOT NULL
);
