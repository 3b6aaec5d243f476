package ingest_test

import (
	"os"
	"testing"

	"nianbao/store"
)

// TestFloorOfDatabase is the floor of scripts/bench-scale.sh: DuckDB's own
// COPY (copyFloor) of the cells of an existing database (NIANBAO_FLOOR_DB,
// a copy the script made) into an empty table, as wall clock and as CPU,
// so an ingest's CPU per report can be set beside it. Skipped without the
// variable: it measures, it checks nothing.
func TestFloorOfDatabase(t *testing.T) {
	path := os.Getenv("NIANBAO_FLOOR_DB")
	if path == "" {
		t.Skip("NIANBAO_FLOOR_DB not set: run by scripts/bench-scale.sh")
	}
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var reports int
	if err := st.DB().QueryRow(`SELECT count(*) FROM reports`).Scan(&reports); err != nil {
		t.Fatal(err)
	}
	cells, wall, cpu := copyFloor(t, st, t.TempDir())
	t.Logf("floor: %d reports, %d cells; COPY %.3f s wall, %.3f s CPU = %.3f ms CPU per report",
		reports, cells, wall.Seconds(), cpu.Seconds(), cpu.Seconds()*1e3/float64(max(reports, 1)))
}
