#!/usr/bin/env bash
# Issue 25: ingest and upload at a given size, in one run on one machine.
#
#   scripts/bench-scale.sh            # SIZE=5000, a few minutes on 2 cores
#   SIZE=200000 scripts/bench-scale.sh   # the issue's national size (≈ an hour)
#
# 1. builds a national corpus of SIZE reports (analytics generate --national),
# 2. ingests it into a fresh database under /usr/bin/time: CPU per report
#    (user+sys, the steady measure on a shared machine), wall, peak RSS,
# 3. times DuckDB's own COPY of the same cells (the floor of
#    docs/benchmarks.md "Ingest end to end", ingest.copyFloor) and prints
#    the ratio,
# 4. serves a copy of that database and uploads UPLOADS further reports
#    (another seed, so new reports and new versions) one by one through
#    POST /api/v1/reports: p50, p99, max,
# 5. prints the load average before and after.
# Environment: SIZE (5000), UPLOADS (40), SEED (1), ANALYTICS (a built
# binary to measure instead of building this tree), KEEP=DIR (keep the
# corpus and databases there instead of a temporary directory), DB=FILE
# (an existing database: steps 1-3 are skipped and the uploads go into a
# copy of FILE, which is never opened itself), PROFILE=FILE (the server's
# CPU profile, start to shutdown, written there: go tool pprof -top FILE).
set -euo pipefail
size=${SIZE:-5000}
uploads=${UPLOADS:-40}
seed=${SEED:-1}
cd "$(dirname "$0")/.."
root=$(pwd)
if [ -n "${KEEP:-}" ]; then
	work=$KEEP
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
bin=${ANALYTICS:-$work/analytics}
[ -n "${ANALYTICS:-}" ] || go build -o "$bin" ./cmd/analytics

echo "## bench-scale: SIZE=$size UPLOADS=$uploads on $(hostname), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), binary ${ANALYTICS:-of commit $(git rev-parse --short HEAD)}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

db=$work/ingest-$size.duckdb
if [ -n "${DB:-}" ]; then
	# Uploads only, into a copy: the given database stays as it is, so
	# before and after start from the same one.
	db=$work/upload-copy.duckdb
	rm -f "$db" "$db.wal"
	cp "$DB" "$db"
	[ ! -f "$DB.wal" ] || cp "$DB.wal" "$db.wal"
	echo "database: copy of $DB ($(du -h "$DB" | cut -f1))"
else
corpus=$work/corpus-$size
if [ ! -d "$corpus" ]; then
	"$bin" generate --national --seed "$seed" --limit "$size" --out "$corpus" >/dev/null
fi
rm -f "$db" "$db.wal"
/usr/bin/time -f '%U %S %e %M' -o "$work/time" "$bin" ingest --db "$db" "$corpus" >"$work/ingest.log" 2>&1 ||
	{ tail -20 "$work/ingest.log" >&2; exit 1; }
read -r user sys wall rss <"$work/time"
reports=$(find "$corpus" -type f ! -name manifest.csv ! -name "*.json" | wc -l)
cpu=$(echo "$user + $sys" | bc -l)
printf 'ingest: %d files, wall %.1f s, CPU %.1f s (user %.1f, sys %.1f) = %.2f ms CPU per report, %.0f reports/s, %.0f%% of one core, peak RSS %d MB\n' \
	"$reports" "$wall" "$cpu" "$user" "$sys" "$(echo "$cpu * 1000 / $reports" | bc -l)" "$(echo "$reports / $wall" | bc -l)" \
	"$(echo "$cpu * 100 / $wall" | bc -l)" "$((rss / 1024))"

# The floor reads a copy: the test opens it through the store.
cp "$db" "$work/floor.duckdb"
floor=$(NIANBAO_FLOOR_DB="$work/floor.duckdb" go test ./ingest -run '^TestFloorOfDatabase$' -count=1 -v 2>&1 | grep -o 'floor: .*') ||
	{ echo "floor: not measured" >&2; floor=""; }
echo "$floor"
fcpu=$(echo "$floor" | sed -n 's/.*= \([0-9.]*\) ms CPU per report/\1/p')
if [ -n "$fcpu" ]; then
	printf 'ratio: ingest CPU per report / COPY CPU per report = %.1f×\n' "$(echo "$cpu * 1000 / $reports / $fcpu" | bc -l)"
fi
rm -f "$work/floor.duckdb"
fi

# Uploads into the grown database, one at a time, as a clerk sends them.
up=$work/uploads
[ -d "$up" ] || "$bin" generate --national --seed $((seed + 1000)) --limit "$uploads" --out "$up" >/dev/null
port=$((20000 + RANDOM % 20000))
NIANBAO_CPUPROFILE=${PROFILE:-} ANALYTICS_TOKEN=bench "$bin" serve --db "$db" --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
serve=$!
for _ in $(seq 300); do
	curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
	sleep 0.2
done
# The server's CPU (its own and its parse workers', user + sys, in clock
# ticks) before and after: CPU per upload, steadier than wall time on a
# shared machine.
# The live children count too: a warm parse worker (sandbox.Pool) is
# reaped, and so counted in the server's own line, only when it ends.
cpu_ticks() {
	# A process that ends between the glob and its read fails cat: not an
	# error here (set -e, pipefail).
	{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$serve" '$1 == p || $4 == p { s += $14 + $15 + $16 + $17 } END { print s }'
}
ticks0=$(cpu_ticks)
: >"$work/upload.times"
find "$up" -type f ! -name manifest.csv ! -name '*.json' | sort | while read -r f; do
	code=$(curl -s -o "$work/upload.out" -w '%{http_code} %{time_total}' -H "Authorization: Bearer bench" \
		-F "file=@$f" "http://127.0.0.1:$port/api/v1/reports")
	case "$code" in
	201*) echo "${code#* }" >>"$work/upload.times" ;;
	*) echo "upload $(basename "$f"): HTTP $code $(head -c 200 "$work/upload.out")" >&2 ;;
	esac
done
ticks1=$(cpu_ticks)
kill "$serve"
wait "$serve" 2>/dev/null || true
sort -n "$work/upload.times" | awk '{ v[NR] = $1 * 1000 } END {
	if (NR == 0) { print "upload: none stored"; exit }
	p50 = v[int((NR + 1) / 2)]; i99 = int(NR * 0.99 + 0.999); if (i99 > NR) i99 = NR
	printf "upload (POST /api/v1/reports, curl time_total): %d stored, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, p50, v[i99], v[NR] }'
stored=$(wc -l <"$work/upload.times")
[ "$stored" -eq 0 ] || printf 'upload: server CPU (with its parse workers) %.1f ms per upload\n' \
	"$(echo "($ticks1 - $ticks0) * 1000 / $(getconf CLK_TCK) / $stored" | bc -l)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
