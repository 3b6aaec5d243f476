package netlimit

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serveCapped starts an HTTP server on loopback behind the caps.
func serveCapped(t *testing.T, perAddr, total int) (*Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	capped := Wrap(ln, perAddr, total, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }), ReadHeaderTimeout: time.Minute}
	go srv.Serve(capped)
	t.Cleanup(func() { srv.Close() })
	return capped, ln.Addr().String()
}

// dialFrom opens a connection from a given loopback address (Linux
// routes all of 127.0.0.0/8 to lo, so 127.0.0.2 is "another client").
func dialFrom(t *testing.T, local, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("cannot dial from %s (loopback aliases are Linux's): %v", local, err)
	}
	return c
}

func getFrom(t *testing.T, local, addr string) (int, string, error) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 2 * time.Second}
	client := http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/")
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestPerAddressCapKeepsOthersServed(t *testing.T) {
	l, addr := serveCapped(t, DefaultPerAddr, 1000)
	var idle []net.Conn
	for range 100 {
		idle = append(idle, dialFrom(t, "127.0.0.1", addr))
	}
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	waitFor(t, "32 held and 68 refused", func() bool { return l.Open("127.0.0.1") == DefaultPerAddr && l.Refused() == 100-DefaultPerAddr })

	// A refused connection is told why, then closed.
	var told int
	for _, c := range idle {
		c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		line, err := bufio.NewReader(c).ReadString('\n')
		if err == nil && strings.HasPrefix(line, "HTTP/1.1 429") {
			told++
		}
	}
	if told != 100-DefaultPerAddr {
		t.Errorf("%d refused connections read a 429, want %d", told, 100-DefaultPerAddr)
	}

	start := time.Now()
	code, body, err := getFrom(t, "127.0.0.2", addr)
	if err != nil || code != http.StatusOK || body != "ok" {
		t.Fatalf("another address: %d %q %v, want 200 ok", code, body, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("another address waited %v", d)
	}
	// The capped address itself is refused with the sentence.
	code, body, err = getFrom(t, "127.0.0.1", addr)
	if err == nil && (code != http.StatusTooManyRequests || !strings.Contains(body, "连接数过多")) {
		t.Errorf("capped address: %d %q, want 429 with a sentence", code, body)
	}

	// Closing gives the places back.
	for _, c := range idle {
		c.Close()
	}
	waitFor(t, "places given back", func() bool { return l.Open("") == 0 })
	if code, _, err := getFrom(t, "127.0.0.1", addr); err != nil || code != http.StatusOK {
		t.Errorf("after closing: %d %v, want 200", code, err)
	}
}

func TestTotalCap(t *testing.T) {
	l, addr := serveCapped(t, 4, 6)
	var idle []net.Conn
	for _, local := range []string{"127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.3", "127.0.0.3"} {
		idle = append(idle, dialFrom(t, local, addr))
	}
	t.Cleanup(func() {
		for _, c := range idle {
			c.Close()
		}
	})
	waitFor(t, "6 held", func() bool { return l.Open("") == 6 })
	if code, _, err := getFrom(t, "127.0.0.2", addr); err == nil && code != http.StatusTooManyRequests {
		t.Errorf("over the total cap: %d, want 429 or a closed connection", code)
	}
	if l.Refused() != 1 {
		t.Errorf("refused %d, want 1", l.Refused())
	}
}

func TestFileLimitCapBelowLimit(t *testing.T) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Skip(err)
	}
	n := FileLimitCap()
	if n < minTotal || (rl.Cur > 128 && uint64(n) > rl.Cur-64) {
		t.Fatalf("cap %d with a file limit of %d: want at least %d and 64 below the limit", n, rl.Cur, minTotal)
	}
}

func TestHostOfGroupsIPv6By64(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"10.1.2.3", "10.1.2.3"},
		{"2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"},
	} {
		if got := hostOf(&net.TCPAddr{IP: net.ParseIP(tc.addr), Port: 1}); got != tc.want {
			t.Errorf("hostOf(%s) = %s, want %s", tc.addr, got, tc.want)
		}
	}
}
