package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
)

func TestServeAnswers(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	cfg := serveConfig{db: filepath.Join(dir, "n.duckdb"), addr: "127.0.0.1:0", sample: filepath.Join(dir, "no-sample"), maxUpload: 1 << 20}
	go func() { done <- serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/v1/health", 200},
		{"/api/v1/reports", 200},
		{"/api/v1/openapi.json", 200},
		{"/dashboards/", 200},
	} {
		resp, err := http.Get("http://" + addr + c.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d", c.path, resp.StatusCode, c.status)
		}
	}
	req, _ := http.NewRequest(http.MethodDelete, "http://"+addr+"/api/v1/reports/1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("delete without token: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	if code := run([]string{"export", "--db", filepath.Join(dir, "none.duckdb"), "--parquet", dir}, io.Discard, io.Discard); code != 1 {
		t.Fatalf("missing db: exit %d", code)
	}
	if code := run([]string{"export", "--db", "x"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("no --parquet: exit %d", code)
	}
}
