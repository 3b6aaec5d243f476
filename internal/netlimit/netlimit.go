// Package netlimit bounds the connections a server holds: so many per
// client address, and so many in all, below the process's file limit.
//
// Without it one client holding idle connections takes every file
// descriptor; Accept then fails with EMFILE and net/http backs off and
// retries, so every other client is refused until a connection closes (an
// operator measured 54 s with 247 idle connections from one address under
// a 256-file limit). Here the connection over a cap is answered a short
// 429 and closed at once, and the descriptors stay free for others.
package netlimit

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// DefaultPerAddr is how many connections one address may hold by default:
// a browser opens six per host, a few tabs and a script stay well under it.
const DefaultPerAddr = 32

// minTotal is the least total cap FileLimitCap returns, whatever the limit.
const minTotal = 16

// FileLimitCap is the total cap under the process's soft RLIMIT_NOFILE
// (which Go raises to the hard limit at start on Linux): it leaves an
// eighth of the descriptors, and at least 64, for DuckDB's files, the
// readers' temporary files, pdftotext's pipes and the log.
func FileLimitCap() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur == 0 || rl.Cur > 1<<30 {
		return 1 << 16
	}
	n := int(rl.Cur)
	return max(n-max(64, n/8), minTotal)
}

// Listener wraps a listener and closes, as it accepts them, connections
// over PerAddr from one address or over Total in all. Zero means no cap.
type Listener struct {
	net.Listener
	perAddr, total int
	log            *slog.Logger

	mu     sync.Mutex
	open   int
	byAddr map[string]int
	// refused counts connections closed over a cap (for tests and logs).
	refused int
}

// Wrap caps ln: perAddr connections per client address, total in all.
func Wrap(ln net.Listener, perAddr, total int, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	return &Listener{Listener: ln, perAddr: perAddr, total: total, log: log, byAddr: map[string]int{}}
}

// refusal is written to a connection over a cap before it is closed. It
// costs one write to a fresh socket (its buffer is empty, so it does not
// block); a client that sent its request already may see a reset instead.
var refusal = func() []byte {
	body := "连接数过多：同一地址同时打开的连接已达上限，请关闭空闲连接后重试。\n"
	return []byte("HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: " +
		strconv.Itoa(len(body)) + "\r\n\r\n" + body)
}()

// Accept returns the next connection within the caps; those over a cap
// are answered 429 and closed without reaching the server.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := hostOf(c.RemoteAddr())
		l.mu.Lock()
		why := ""
		switch {
		case l.perAddr > 0 && l.byAddr[addr] >= l.perAddr:
			why = fmt.Sprintf("per address cap %d", l.perAddr)
		case l.total > 0 && l.open >= l.total:
			why = fmt.Sprintf("total cap %d", l.total)
		}
		if why != "" {
			l.refused++
			n := l.refused
			l.mu.Unlock()
			c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
			c.Write(refusal)
			c.Close()
			// One line per hundred refusals: a flood must not flood the log.
			if n%100 == 1 {
				l.log.Warn("connection refused over a cap", "addr", addr, "cap", why, "refused", n)
			}
			continue
		}
		l.open++
		l.byAddr[addr]++
		l.mu.Unlock()
		return &conn{Conn: c, l: l, addr: addr}, nil
	}
}

// Open is the number of connections held now (from addr when not "").
func (l *Listener) Open(addr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if addr != "" {
		return l.byAddr[addr]
	}
	return l.open
}

// Refused is the number of connections closed over a cap so far.
func (l *Listener) Refused() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refused
}

func (l *Listener) release(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	// Deleting at zero keeps the map as small as the addresses connected.
	if l.byAddr[addr]--; l.byAddr[addr] <= 0 {
		delete(l.byAddr, addr)
	}
}

// hostOf is the client's key of a connection (AddrKey of its address).
func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return ipKey(t.IP)
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return AddrKey(host)
}

// AddrKey is what counts as one client for the caps and throttles: the
// IP address, an IPv6 one by its /64, as one host is commonly given a
// whole /64 and could otherwise take a new address per connection.
func AddrKey(host string) string {
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	return ipKey(ip)
}

func ipKey(ip net.IP) string {
	if ip.To4() == nil && len(ip) == net.IPv6len {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// conn gives its place back once, however often it is closed.
type conn struct {
	net.Conn
	l    *Listener
	addr string
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.addr) })
	return err
}
