package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestBenchLoadsLoopback runs the load generator for a moment against a
// loopback server: it counts what the server answered, never a time.
func TestBenchLoadsLoopback(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res, err := loadURL(context.Background(), srv.URL+"/x", 300*time.Millisecond, 2)
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests == 0 || res.Errors != 0 || res.P99 < res.P50 {
		t.Fatalf("%+v", res)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--url", srv.URL + "/x", "--duration", "200ms", "--concurrency", "2"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "req/s") || !strings.Contains(out.String(), srv.URL) {
		t.Errorf("output: %s", out.String())
	}
}

// TestBenchRefusesOtherHosts: only loopback may be loaded, for a bounded time.
func TestBenchRefusesOtherHosts(t *testing.T) {
	if _, err := loadURL(context.Background(), "http://10.0.0.1/x", time.Second, 1); err == nil {
		t.Error("a private address was accepted")
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"bench", "--url", "http://127.0.0.1:1/x", "--duration", "31s"}, &out, &errOut); code != 2 {
		t.Errorf("a 31 s run: exit %d", code)
	}
}
