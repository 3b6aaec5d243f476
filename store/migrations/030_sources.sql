-- The documents reports were read from, kept byte for byte and addressed
-- by their sha256 (reports.sha256), so a person can open the source of any
-- cell. text is the document as the reader saw it (HTML without tags, a
-- PDF through pdftotext): cell_sources.line counts lines of it.
CREATE TABLE source_documents (
    sha256    VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,   -- the file's own name, never a server path
    bytes     BLOB NOT NULL,
    text      VARCHAR NOT NULL,
    stored_at TIMESTAMP NOT NULL
);
