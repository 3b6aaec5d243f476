#!/usr/bin/env bash
# p50/p99 of API routes and a dashboard page, measured with curl on
# loopback against a running server (for example `analytics serve
# --read-only --db SNAPSHOT --addr 127.0.0.1:8099`). The first request of
# each route is reported apart as "cold" (the query cache is empty right
# after the server starts); the following N are "warm".
#   scripts/api-latency.sh http://127.0.0.1:8099 200
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
n=${2:-200}
case "$base" in http://127.*|http://localhost*) ;; *) echo "loopback only" >&2; exit 2;; esac
routes=(
  "/api/v1/cells?codes=t3.new.total,t3.denied.*&group_by=county"
  "/api/v1/stats/applications?year=2023&group_by=county"
  "/api/v1/stats/outcomes?group_by=county"
  "/api/v1/assessment?county=%E7%A4%BA%E8%8C%83%E5%8E%BF&year=2023"
  "/dashboards/county?county=%E7%A4%BA%E8%8C%83%E5%8E%BF&year=2023"
  "/dashboards/"
)
printf '%-70s %10s %10s %10s %10s\n' route cold_ms p50_ms p99_ms bytes
for r in "${routes[@]}"; do
  cold=$(curl -s -o /dev/null -w '%{time_total}' "$base$r")
  size=$(curl -s -o /dev/null -w '%{size_download}' "$base$r")
  for _ in $(seq "$n"); do curl -s -o /dev/null -w '%{time_total}\n' "$base$r"; done | sort -n > /tmp/latency.$$
  p50=$(awk -v n="$n" 'NR==int(n*0.5)+0{print; exit}' /tmp/latency.$$)
  p99=$(awk -v n="$n" 'NR==int(n*0.99){print; exit}' /tmp/latency.$$)
  awk -v r="$r" -v c="$cold" -v a="$p50" -v b="$p99" -v s="$size" 'BEGIN{printf "%-70s %10.1f %10.1f %10.1f %10d\n", r, c*1000, a*1000, b*1000, s}'
done
rm -f /tmp/latency.$$
