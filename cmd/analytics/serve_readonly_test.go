package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/store"
)

// TestServeReadOnlySnapshot builds a database, copies the file as a
// snapshot would be published, and serves the copy with --read-only: the
// reads answer from it, every write is refused with 405, and the file is
// left as it was.
func TestServeReadOnlySnapshot(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(dir, "corpus")
	truth, err := generate.WriteCorpus(corpus, generate.Options{Seed: 4, Counties: generate.CountyNames[:2], Towns: []int{3}, FirstYear: 2023, LastYear: 2024}, generate.Layouts())
	if err != nil {
		t.Fatal(err)
	}
	primary := filepath.Join(dir, "primary.duckdb")
	st, err := store.Open(primary)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.IngestPaths(context.Background(), st, []string{corpus}, ingest.Meta{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	data, err := os.ReadFile(primary)
	if err != nil {
		t.Fatal(err)
	}
	snapshot := filepath.Join(dir, "replica.duckdb")
	if err := os.WriteFile(snapshot, data, 0o444); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	cfg := serveConfig{db: snapshot, addr: "127.0.0.1:0", readOnly: true, maxUpload: 1 << 20}
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	get := func(path string) (int, []byte) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, body
	}
	code, body := get("/api/v1/reports?limit=1000")
	if code != 200 {
		t.Fatalf("/reports: %d %s", code, body)
	}
	var list struct {
		Total   int               `json:"total"`
		Reports []json.RawMessage `json:"reports"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("/reports: %v: %.200s", err, body)
	}
	if len(list.Reports) != len(truth) {
		t.Errorf("the replica lists %d reports, the primary stored %d", len(list.Reports), len(truth))
	}
	for _, path := range []string{"/api/v1/health", "/api/v1/cells?codes=t3.new.total&group_by=county", "/api/v1/stats/applications?year=2024&group_by=agency", "/dashboards/"} {
		if code, body := get(path); code != 200 {
			t.Errorf("%s: %d %.200s", path, code, body)
		}
	}
	for _, m := range []string{http.MethodPost, http.MethodDelete, http.MethodPut} {
		req, _ := http.NewRequest(m, "http://"+addr+"/api/v1/reports/1", strings.NewReader("{}"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(string(body), "只读副本") {
			t.Errorf("%s on a replica: %d %s", m, resp.StatusCode, body)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(snapshot)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(data) {
		t.Error("serving the snapshot changed its file")
	}
}
