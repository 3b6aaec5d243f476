// Command loadraw measures what a server sends, not what a client can
// unpack: like `analytics bench` (8 requests in flight on loopback,
// bounded in time) but it asks for gzip and does not decompress, so a
// 300 KB page does not cost the load generator — on the same two cores as
// the server — more than the server spends sending it. Go's default
// client decompresses every answer, which capped `analytics bench` on the
// county page near 800–1 300 req/s while the server did ten times that.
//
//	go run ./scripts/loadraw -url 'http://127.0.0.1:8099/dashboards/county?county=…&year=2023' [-encoding identity] [-duration 10s]
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	target := flag.String("url", "", "loopback URL to load")
	encoding := flag.String("encoding", "gzip", "Accept-Encoding to send (gzip or identity)")
	duration := flag.Duration("duration", 10*time.Second, "how long (at most 30s)")
	workers := flag.Int("concurrency", 8, "requests in flight (at most 64)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || u.Scheme != "http" || !(strings.HasPrefix(u.Hostname(), "127.") || u.Hostname() == "localhost" || u.Hostname() == "::1") {
		log.Fatal("loadraw: -url must be http:// on loopback (127.0.0.0/8, localhost, ::1)")
	}
	d := min(*duration, 30*time.Second)
	n := min(max(*workers, 1), 64)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, DisableCompression: true}, Timeout: 10 * time.Second}
	end := time.Now().Add(d)
	var mu sync.Mutex
	var lat []time.Duration
	var bytes, errs int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for time.Now().Before(end) {
				req, _ := http.NewRequest(http.MethodGet, *target, nil)
				req.Header.Set("Accept-Encoding", *encoding)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					continue
				}
				got, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				if resp.StatusCode != http.StatusOK {
					errs++
				}
				lat = append(lat, time.Since(t0))
				bytes += got
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(lat) == 0 {
		log.Fatalf("loadraw: no answer (%d errors)", errs)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	fmt.Printf("%d requests, %.0f req/s, p50 %.2f ms, p99 %.2f ms, %d bytes each, %d errors\n",
		len(lat), float64(len(lat))/d.Seconds(), ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), bytes/int64(len(lat)), errs)
}
