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
)

// TestServeSheetFlag: serve refuses a faulty --sheet with its line, and
// answers with the given one as the server's sheet.
func TestServeSheetFlag(t *testing.T) {
	dir := t.TempDir()
	bad, good := filepath.Join(dir, "bad.yaml"), filepath.Join(dir, "good.yaml")
	os.WriteFile(bad, []byte("name: 坏表\nratings: 3\n"), 0o644)
	os.WriteFile(good, []byte("name: 本市评分表\nbase: 100\n"), 0o644)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := serveConfig{db: filepath.Join(dir, "n.duckdb"), addr: "127.0.0.1:0", sample: filepath.Join(dir, "no-sample"), maxUpload: 1 << 20, sheet: bad}
	if err := serve(context.Background(), cfg, log, nil); err == nil || !strings.Contains(err.Error(), "bad.yaml 第2行第10列：ratings 应为列表") {
		t.Fatalf("serve with a bad sheet: %v", err)
	}
	cfg.sheet = good
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() { done <- serve(ctx, cfg, log, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + addr + "/api/v1/sheets")
	if err != nil {
		t.Fatal(err)
	}
	var ans struct {
		Server struct{ Name, Source string }
	}
	err = json.NewDecoder(resp.Body).Decode(&ans)
	resp.Body.Close()
	if err != nil || ans.Server.Name != "本市评分表" || !strings.Contains(ans.Server.Source, good) {
		t.Errorf("server sheet %+v %v", ans.Server, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
