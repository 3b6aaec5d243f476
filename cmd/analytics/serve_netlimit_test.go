package main

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// TestServeCapsConnectionsPerAddress: serve wires the per-address cap.
// One address holding 100 idle connections keeps 8 (the cap set here)
// and another address is still answered at once.
func TestServeCapsConnectionsPerAddress(t *testing.T) {
	addr, stop := startServe(t, serveConfig{maxConnsPerIP: 8}, false)
	defer stop()
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for range 100 {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	// The refused ones are closed at once: count those still open.
	time.Sleep(300 * time.Millisecond)
	held := 0
	for _, c := range idle {
		if closed, _ := closedWithin(c, 20*time.Millisecond); !closed {
			held++
		}
	}
	if held != 8 {
		t.Errorf("%d of 100 idle connections held, want 8", held)
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: 2 * time.Second}
	client := http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
	start := time.Now()
	resp, err := client.Get("http://" + addr + "/api/v1/health")
	if err != nil {
		t.Skipf("cannot connect from 127.0.0.2 (Linux loopback): %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || time.Since(start) > 2*time.Second {
		t.Errorf("another address: %d after %v, want 200 at once", resp.StatusCode, time.Since(start))
	}
}
