-- Each value written once (issue 25 item 2; store/inplace.go). Until now
-- every version's cells and sources were written to version_cells and
-- version_sources, the current version's a second time beside its current
-- rows (cells, cell_sources). From now on the current version is kept in
-- place: its rows are the current rows, and it has rows of its own only
-- once superseded, restored over, corrected or deleted. This moves an
-- existing database there: the version_* copy of each report's current
-- version is deleted where the current rows are exactly that copy (every
-- cell and every source equal, none more or fewer). Where they differ (a
-- correction laid over, or an older database's own history), the copy is
-- the version's parsed document and stays. The runner checkpoints after.
CREATE TEMP TABLE m110_current AS
SELECT r.id AS report_id, r.current_version AS version
FROM reports r JOIN report_versions v ON v.report_id = r.id AND v.version = r.current_version
WHERE v.n_cells > 0;

CREATE TEMP TABLE m110_differs AS
SELECT DISTINCT coalesce(c.report_id, x.report_id) AS report_id
FROM (SELECT report_id, code, value FROM cells WHERE report_id IN (SELECT report_id FROM m110_current)) c
FULL OUTER JOIN (SELECT x.report_id, x.code, x.value FROM version_cells x
                 JOIN m110_current m ON m.report_id = x.report_id AND m.version = x.version) x
  ON c.report_id = x.report_id AND c.code = x.code
WHERE c.code IS NULL OR x.code IS NULL OR c.value IS DISTINCT FROM x.value
UNION
SELECT DISTINCT coalesce(c.report_id, x.report_id)
FROM (SELECT * FROM cell_sources WHERE report_id IN (SELECT report_id FROM m110_current)) c
FULL OUTER JOIN (SELECT x.* FROM version_sources x
                 JOIN m110_current m ON m.report_id = x.report_id AND m.version = x.version) x
  ON c.report_id = x.report_id AND c.code = x.code
WHERE c.code IS NULL OR x.code IS NULL
   OR c.line IS DISTINCT FROM x.line OR c.page IS DISTINCT FROM x.page OR c.tbl IS DISTINCT FROM x.tbl
   OR c.grid_row IS DISTINCT FROM x.grid_row OR c.grid_col IS DISTINCT FROM x.grid_col
   OR c.raw IS DISTINCT FROM x.raw OR c.note IS DISTINCT FROM x.note;

DELETE FROM m110_current WHERE report_id IN (SELECT report_id FROM m110_differs);

DELETE FROM version_sources USING m110_current m WHERE version_sources.report_id = m.report_id AND version_sources.version = m.version;
DELETE FROM version_cells USING m110_current m WHERE version_cells.report_id = m.report_id AND version_cells.version = m.version;

DROP TABLE m110_differs;
DROP TABLE m110_current;
