// Command bigdb multiplies a Nianbao database in place, for measuring the
// read side at national size without waiting for a national ingest: every
// report (with its cells, findings and assessment rows) is copied N times
// under new ids, each copy of a county moved to a real county of the
// registry (spread over the country by a hash of its code), so the
// province → city → county pickers and the registry filters see realistic
// groups. Per-report detail that no aggregate reads (cell sources, stored
// versions' cells) is not copied.
//
//	cp small.duckdb big.duckdb && go run ./scripts/bigdb -db big.duckdb -copies 33
//
// 6 012 reports × (1 + 33) = 204 408 reports, ≈ 41 M cell rows. Only for
// benchmarks: the copies are marked synthetic like their originals.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"log"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	path := flag.String("db", "", "DuckDB file to multiply in place")
	copies := flag.Int("copies", 33, "copies to add of every report")
	flag.Parse()
	if *path == "" {
		log.Fatal("bigdb: -db is required")
	}
	db, err := sql.Open("duckdb", *path)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	var stride int64
	if err := db.QueryRow(`SELECT max(id) + 1 FROM reports`).Scan(&stride); err != nil {
		log.Fatal(err)
	}
	// The statements take the copy count and the id stride as parameters;
	// copy k of report r has id r + k·stride.
	steps := []struct{ what, sql string }{
		{"county map", `CREATE TEMP TABLE cmap AS
			WITH old AS (SELECT county, row_number() OVER (ORDER BY county) AS i, count(*) OVER () AS n FROM (SELECT DISTINCT county FROM reports)),
			     real AS (SELECT row_number() OVER (ORDER BY hash(code)) AS j, name, code, city, city_code, province, province_code
			              FROM agencies WHERE level = '县级政府' AND source = 'gbt2260')
			SELECT k.range AS k, old.county AS old, real.* FROM range(1, ?::BIGINT + 1) k, old JOIN real ON real.j = (k.range - 1) * old.n + old.i`},
		{"agencies", `INSERT INTO agencies (id, code, name, short_name, level, county_code, county, city_code, city, province_code, province, source, registered)
			SELECT a.id || '-x' || m.k, NULL, a.name, a.short_name, a.level, m.code, m.name, m.city_code, m.city, m.province_code, m.province, 'synthetic', false
			FROM agencies a JOIN cmap m ON a.county = m.old WHERE a.source = 'synthetic'`},
		{"reports", `INSERT INTO reports BY NAME SELECT r.* REPLACE (r.id + m.k * ?::BIGINT AS id, m.name AS county, r.agency_id || '-x' || m.k AS agency_id)
			FROM reports r JOIN cmap m ON r.county = m.old`},
		{"cells", `INSERT INTO cells BY NAME SELECT c.* REPLACE (c.report_id + k.range * ?::BIGINT AS report_id) FROM cells c, range(1, ?::BIGINT + 1) k`},
		{"findings", `INSERT INTO findings BY NAME SELECT f.* REPLACE (f.report_id + k.range * ?::BIGINT AS report_id) FROM findings f, range(1, ?::BIGINT + 1) k`},
		{"report_versions", `INSERT INTO report_versions BY NAME SELECT v.* REPLACE (v.report_id + m.k * ?::BIGINT AS report_id, m.name AS county)
			FROM report_versions v JOIN reports r ON r.id = v.report_id JOIN cmap m ON r.county = m.old`},
		{"assess_timeliness", `INSERT INTO assess_timeliness BY NAME SELECT t.* REPLACE (t.report_id + k.range * ?::BIGINT AS report_id) FROM assess_timeliness t, range(1, ?::BIGINT + 1) k`},
		{"assess_copies", `INSERT INTO assess_copies BY NAME SELECT t.* REPLACE (t.report_id + k.range * ?::BIGINT AS report_id, t.other_report_id + k.range * ?::BIGINT AS other_report_id) FROM assess_copies t, range(1, ?::BIGINT + 1) k`},
		{"checkpoint", `CHECKPOINT`},
	}
	args := map[string][]any{
		"county map": {*copies}, "reports": {stride}, "cells": {stride, *copies}, "findings": {stride, *copies},
		"report_versions": {stride}, "assess_timeliness": {stride, *copies}, "assess_copies": {stride, stride, *copies},
	}
	for _, s := range steps {
		start := time.Now()
		res, err := db.Exec(s.sql, args[s.what]...)
		if err != nil {
			log.Fatalf("bigdb: %s: %v", s.what, err)
		}
		n, _ := res.RowsAffected()
		fmt.Printf("%-18s %10d rows  %v\n", s.what, n, time.Since(start).Round(time.Millisecond))
	}
}
