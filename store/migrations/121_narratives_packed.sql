-- Text sections kept compressed (issue 25 items 2, 4; store/narratives.go).
-- At 200 000 national reports narratives held 948 MB of body text in
-- 1.4 million rows: after the originals (migration 120) the largest text
-- a bulk load's checkpoints read back and compress again, and what DuckDB
-- holds uncompressed in memory between checkpoints. From now on a section
-- is kept as one zstd frame in packed, its body ''. Rows kept before stay
-- as they are (packed NULL: body plain), read as before: nothing is
-- rewritten here.
ALTER TABLE narratives ADD COLUMN packed BLOB;
