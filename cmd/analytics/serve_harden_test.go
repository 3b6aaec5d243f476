package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"nianbao/report"
)

const testToken = "t0ken"

// startServe runs serve on a loopback port with cfg's timeouts, and
// returns its address and a function stopping it (and reporting its error).
func startServe(t *testing.T, cfg serveConfig, untilSignal bool) (string, func() error) {
	t.Helper()
	dir := t.TempDir()
	cfg.db = filepath.Join(dir, "n.duckdb")
	cfg.addr = "127.0.0.1:0"
	cfg.sample = filepath.Join(dir, "no-sample")
	if cfg.maxUpload == 0 {
		cfg.maxUpload = 1 << 20
	}
	t.Setenv("ANALYTICS_TOKEN", testToken)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() {
		if untilSignal {
			done <- serveUntilSignal(cfg, log, ready)
		} else {
			done <- serve(ctx, cfg, log, ready)
		}
	}()
	select {
	case addr := <-ready:
		return addr, func() error { cancel(); return <-done }
	case err := <-done:
		cancel()
		t.Fatal(err)
	}
	return "", nil
}

// closedWithin tells whether the server closes conn within d: a read
// returns EOF or a reset rather than timing out.
func closedWithin(conn net.Conn, d time.Duration) (bool, time.Duration) {
	start := time.Now()
	conn.SetReadDeadline(start.Add(d))
	buf := make([]byte, 4096)
	for {
		_, err := conn.Read(buf)
		if err == nil {
			continue // an answer (408, 401 …) before the close
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return false, time.Since(start)
		}
		return true, time.Since(start)
	}
}

// TestSlowAndIdleConnectionsClosed: on loopback, a body sent a byte at a
// time, headers that never end, and a kept-alive connection left idle
// are each closed by the server after its timeout.
func TestSlowAndIdleConnectionsClosed(t *testing.T) {
	const timeout = 500 * time.Millisecond
	addr, stop := startServe(t, serveConfig{readHeaderTimeout: timeout, readTimeout: timeout, writeTimeout: 5 * time.Second, idleTimeout: timeout}, false)
	defer stop()
	cases := []struct {
		name string
		send func(c net.Conn)
	}{
		{"slow body of an authorised write", func(c net.Conn) {
			fmt.Fprintf(c, "PUT /api/v1/reports/1/cells/t3.new.total HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", testToken)
			go func() {
				for i := 0; i < 50; i++ {
					time.Sleep(100 * time.Millisecond)
					if _, err := c.Write([]byte(" ")); err != nil {
						return
					}
				}
			}()
		}},
		{"slow body of an anonymous write", func(c net.Conn) {
			fmt.Fprint(c, "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 10000000\r\n\r\n--x")
		}},
		{"headers that never end", func(c net.Conn) {
			fmt.Fprint(c, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
		}},
		{"idle keep-alive", func(c net.Conn) {
			fmt.Fprint(c, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n")
		}},
		{"idle before any request", func(c net.Conn) {}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			tc.send(conn)
			closed, after := closedWithin(conn, 10*timeout)
			t.Logf("closed %v after %v (timeouts %v)", closed, after.Round(time.Millisecond), timeout)
			if !closed {
				t.Errorf("connection still open after %v", after)
			}
		})
	}
}

// TestRefusedUploadClosesConnection: a 401 to an upload whose body has
// not been read comes with Connection: close.
func TestRefusedUploadClosesConnection(t *testing.T) {
	addr, stop := startServe(t, serveConfig{}, false)
	defer stop()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 10000000\r\n\r\n--x")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || !resp.Close {
		t.Errorf("status %d, close %v; want 401 and Connection: close", resp.StatusCode, resp.Close)
	}
}

// slowParser holds each parse until released.
type slowParser struct {
	started chan struct{}
	release chan struct{}
}

func (p slowParser) Parse(ctx context.Context, name string, data []byte) ([]*report.Report, error) {
	p.started <- struct{}{}
	<-p.release
	r := report.New(name)
	r.Agency, r.County, r.Year, r.Edition = "甲镇", "乐至县", 2023, report.Edition2021
	r.Set("t3.new.total", 3, report.Source{Line: 1})
	return []*report.Report{r}, nil
}

// TestSIGTERMAnswersUploadInFlight sends this process a real SIGTERM
// while an upload is being parsed: the upload is still answered (201),
// and serve returns without error.
func TestSIGTERMAnswersUploadInFlight(t *testing.T) {
	p := slowParser{started: make(chan struct{}, 1), release: make(chan struct{})}
	addr, stop := startServe(t, serveConfig{parser: p}, true)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "a.txt")
	fw.Write([]byte("甲镇 2023 年报"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/reports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+testToken)
	answer := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("upload: %v", err)
			answer <- 0
			return
		}
		resp.Body.Close()
		answer <- resp.StatusCode
	}()
	<-p.started
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The listener closes at once; the parse in flight goes on.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections 5 s after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(p.release)
	if code := <-answer; code != 201 {
		t.Errorf("upload in flight at SIGTERM answered %d, want 201", code)
	}
	if err := stop(); err != nil && !strings.Contains(err.Error(), "closed") {
		t.Errorf("serve: %v", err)
	}
}
