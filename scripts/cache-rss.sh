#!/usr/bin/env bash
# Measures the server's resident memory before and after N GET requests
# with unique filter values (issue 15: the read cache grew without bound).
# Usage: scripts/cache-rss.sh [N] [BINARY] [PAD]  (default 10000,
# bin/analytics, 90: the length of each county value before its number;
# values over 100 characters are refused with 400 by the bounded server)
set -euo pipefail
n=${1:-10000}
bin=${2:-bin/analytics}
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))
"$bin" serve --db "$dir/n.duckdb" --addr "127.0.0.1:$port" --sample data/sample >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
  sleep 0.5
done
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
curl -fs "http://127.0.0.1:$port/api/v1/reports" >/dev/null
echo "RSS after start and one request: $(rss)"
pad=$(head -c "${3:-90}" /dev/zero | tr '\0' x)
for i in $(seq "$n"); do
  echo "url = \"http://127.0.0.1:$port/api/v1/stats/applications?county=${pad}$i\""
  echo "output = /dev/null"
done >"$dir/urls"
start=$(date +%s)
curl -s --no-progress-meter -Z --parallel-max 4 -K "$dir/urls" -w '%{http_code}\n' | sort | uniq -c | sed 's/^/  HTTP /' 
echo "RSS after $n unique-key requests ($(( $(date +%s) - start )) s): $(rss)"
awk '/VmHWM/ {print "peak RSS (VmHWM): " $2 " kB"}' "/proc/$pid/status"
