#!/usr/bin/env bash
# Issue 25: every target, in one run on one machine, ending with one table.
#
#   scripts/bench-scale.sh                # SIZE=5000, minutes on 2 cores
#   SIZE=200000 scripts/bench-scale.sh    # the issue's national size (an hour or more)
#   BEFORE=old/analytics scripts/bench-scale.sh   # before and after columns
#
# 1. builds a national corpus of SIZE reports (analytics generate
#    --national) and the text files of that same corpus (--formats txt),
# 2. ingests the national mix into a fresh database under /usr/bin/time:
#    CPU per report (user+sys, the steady measure on a shared machine),
#    reports/s, wall, peak RSS,
# 3. times DuckDB's own COPY of the same cells (the floor of
#    docs/benchmarks.md "Ingest end to end", ingest.copyFloor), once, on a
#    copy of the after build's database,
# 4. ingests the text files alone into another fresh database,
# 5. measures the county-scoped pages and the whole-country answers cold
#    and as raw SQL (analytics bench --latency --n N --budget BUDGET, the
#    database opened read-only) and that process's peak RSS,
# 6. serves the database and uploads UPLOADS further reports (another
#    seed, so new reports and new versions) one by one through
#    POST /api/v1/reports: p50, p99, max, the server's CPU and peak RSS,
# 7. prints every target as one Markdown table (analytics bench
#    --summarise, which reads the steps' logs: cmd/analytics/cmd_bench_summary.go).
# Each step's log starts and ends with the load average. With BEFORE=BIN
# every step runs with that build too, the two alternately (before, then
# after), and the table has a column for each. A step that fails is
# "未测" in the table, with why; the script fails only for a real error
# (a build, the corpus, the table).
# Environment: SIZE (5000), UPLOADS (40), SEED (1), ANALYTICS (a built
# binary to measure instead of building this tree), BEFORE (a second
# binary, measured alternately), N (20: requests per route and series of
# bench --latency), BUDGET (120s: a series stops after this once it has 3
# requests), KEEP=DIR (keep the corpus, databases and logs there instead
# of a temporary directory; a corpus already in DIR/corpus-SIZE is used
# as it is), DB=FILE (an existing database: steps 1-4 are skipped and the
# pages and uploads go into a copy of FILE, one build at a time, which is
# never opened itself), PROFILE=FILE (the server's CPU profile during the
# uploads, start to shutdown: go tool pprof -top FILE; the before build's
# in FILE.before).
set -euo pipefail
size=${SIZE:-5000}
uploads=${UPLOADS:-40}
seed=${SEED:-1}
n=${N:-20}
budget=${BUDGET:-120s}
cd "$(dirname "$0")/.."
if [ -n "${KEEP:-}" ]; then
	work=$KEEP
	mkdir -p "$work"
else
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
fi
bin=${ANALYTICS:-$work/analytics}
[ -n "${ANALYTICS:-}" ] || go build -o "$bin" ./cmd/analytics
[ -z "${BEFORE:-}" ] || [ -x "$BEFORE" ] || { echo "BEFORE=$BEFORE: not an executable" >&2; exit 2; }
# The corpora and the table come from a build that knows generate
# --formats and bench --summarise: the measured one, else this tree's.
tool=$bin
if ! "$bin" bench --help 2>&1 | grep -- --summarise >/dev/null; then
	tool=$work/analytics-tree
	go build -o "$tool" ./cmd/analytics
fi
logs=$work/logs
rm -rf "$logs"
mkdir -p "$logs"
builds=(after)
[ -z "${BEFORE:-}" ] || builds=(before after)
binary() { if [ "$1" = before ]; then echo "$BEFORE"; else echo "$bin"; fi; }

scope="SIZE=$size"
[ -z "${DB:-}" ] || scope="DB=$DB"
echo "## bench-scale: $scope UPLOADS=$uploads N=$n BUDGET=$budget on $(hostname), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC'), binary ${ANALYTICS:-of commit $(git rev-parse --short HEAD)}${BEFORE:+, before: $BEFORE}"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# step NAME BUILD COMMAND…: runs the command with its output on the
# terminal and in the step's log, between two load averages. The
# commands report their own failures as "未测: why" and return 0; a
# non-zero return is a real error.
step() {
	local log=$logs/$1.$2.log
	[ -n "$2" ] || log=$logs/$1.log
	shift 2
	{
		echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
		"$@"
		echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
	} 2>&1 | tee "$log"
}

fresh() { rm -f "$1" "$1.wal"; }

# ingest BIN CORPUS DB: the ingest of a corpus into a fresh database.
ingest() {
	local b=$1 corpus=$2 db=$3
	fresh "$db"
	if ! /usr/bin/time -f '%U %S %e %M' -o "$work/time" "$b" ingest --db "$db" "$corpus" >"$work/ingest.log" 2>&1; then
		echo "未测: analytics ingest $corpus failed: $(tail -1 "$work/ingest.log")"
		return 0
	fi
	local user sys wall rss reports cpu
	read -r user sys wall rss <"$work/time"
	reports=$(find "$corpus" -type f ! -name manifest.csv ! -name "*.json" | wc -l)
	cpu=$(echo "$user + $sys" | bc -l)
	printf 'ingest: %d files, wall %.1f s, CPU %.1f s (user %.1f, sys %.1f) = %.2f ms CPU per report, %.0f reports/s, %.0f%% of one core, peak RSS %d MB\n' \
		"$reports" "$wall" "$cpu" "$user" "$sys" "$(echo "$cpu * 1000 / $reports" | bc -l)" "$(echo "$reports / $wall" | bc -l)" \
		"$(echo "$cpu * 100 / $wall" | bc -l)" "$((rss / 1024))"
}

# floor DB: DuckDB's COPY of the database's cells; the test opens it
# through the store, so it reads a copy.
floor() {
	cp "$1" "$work/floor.duckdb"
	local out
	if out=$(NIANBAO_FLOOR_DB="$work/floor.duckdb" go test ./ingest -run '^TestFloorOfDatabase$' -count=1 -v 2>&1); then
		echo "$out" | grep -o 'floor: .*' || echo "未测: TestFloorOfDatabase printed no floor line"
	else
		echo "未测: TestFloorOfDatabase failed: $(echo "$out" | tail -3 | tr '\n' ' ')"
	fi
	fresh "$work/floor.duckdb"
}

# pages BIN DB: the county-scoped routes and the whole-country answers
# cold, warm and as raw SQL, on the file opened read-only.
pages() {
	"$1" bench --latency --db "$2" --n "$n" --budget "$budget" --load "${LOAD:-2s}" --timeout 60s \
		--only 'county page' --only entry --only assessment --only compare --only 'outcomes, all' --only 'cells, all' \
		2>"$work/pages.err" || echo "未测: analytics bench --latency failed: $(tail -1 "$work/pages.err")"
}

# upload BIN DB PROFILE: uploads into the database, one at a time, as a
# clerk sends them.
upload() {
	local b=$1 db=$2 port serve ticks0 ticks1 hwm stored
	port=$((20000 + RANDOM % 20000))
	NIANBAO_CPUPROFILE=$3 ANALYTICS_TOKEN=bench "$b" serve --db "$db" --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
	serve=$!
	for _ in $(seq 300); do
		curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && break
		sleep 0.2
	done
	if ! curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; then
		kill "$serve" 2>/dev/null || true
		wait "$serve" 2>/dev/null || true
		echo "未测: the server did not answer within 60 s: $(tail -1 "$work/serve.log")"
		return 0
	fi
	# The server's CPU (its own and its parse workers', user + sys, in
	# clock ticks) before and after: CPU per upload, steadier than wall
	# time on a shared machine. The live children count too: a warm parse
	# worker (sandbox.Pool) is reaped, and so counted in the server's own
	# line, only when it ends.
	cpu_ticks() {
		# A process that ends between the glob and its read fails cat: not
		# an error here (set -e, pipefail).
		{ cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v p="$serve" '$1 == p || $4 == p { s += $14 + $15 + $16 + $17 } END { print s }'
	}
	ticks0=$(cpu_ticks)
	: >"$work/upload.times"
	find "$work/uploads" -type f ! -name manifest.csv ! -name '*.json' | sort | while read -r f; do
		code=$(curl -s -o "$work/upload.out" -w '%{http_code} %{time_total}' -H "Authorization: Bearer bench" \
			-F "file=@$f" "http://127.0.0.1:$port/api/v1/reports")
		case "$code" in
		201*) echo "${code#* }" >>"$work/upload.times" ;;
		*) echo "upload $(basename "$f"): HTTP $code $(head -c 200 "$work/upload.out")" >&2 ;;
		esac
	done
	ticks1=$(cpu_ticks)
	# The server process's own peak (VmHWM), its parse workers apart.
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$serve/status" 2>/dev/null || true)
	kill "$serve" 2>/dev/null || true
	wait "$serve" 2>/dev/null || true
	sort -n "$work/upload.times" | awk '{ v[NR] = $1 * 1000 } END {
		if (NR == 0) { print "未测: no upload was stored"; exit }
		p50 = v[int((NR + 1) / 2)]; i99 = int(NR * 0.99 + 0.999); if (i99 > NR) i99 = NR
		printf "upload (POST /api/v1/reports, curl time_total): %d stored, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", NR, p50, v[i99], v[NR] }'
	stored=$(wc -l <"$work/upload.times")
	[ "$stored" -eq 0 ] || printf 'upload: server CPU (with its parse workers) %.1f ms per upload\n' \
		"$(echo "($ticks1 - $ticks0) * 1000 / $(getconf CLK_TCK) / $stored" | bc -l)"
	[ -z "$hwm" ] || echo "upload: server peak RSS $((hwm / 1024)) MB"
}

# skip NAME BUILD WHY: a step not run, said so in its log.
skip() {
	local log=$logs/$1.$2.log
	[ -n "$2" ] || log=$logs/$1.log
	echo "未测: $3" | tee "$log"
}

# The uploads: another seed, so new reports and new versions.
[ -d "$work/uploads" ] || "$tool" generate --national --seed $((seed + 1000)) --limit "$uploads" --out "$work/uploads" >/dev/null

if [ -n "${DB:-}" ]; then
	echo "database: copies of $DB ($(du -h "$DB" | cut -f1)), one build at a time"
	for b in "${builds[@]}"; do
		for s in ingest-mix ingest-text; do skip "$s" "$b" "DB=$DB given: pages and uploads only"; done
	done
	skip floor "" "DB=$DB given: pages and uploads only"
	# A fresh copy per build, the pages measured before the uploads grow
	# it: the given database stays as it is, and at most one copy exists.
	for b in "${builds[@]}"; do
		db=$work/copy.$b.duckdb
		fresh "$db"
		cp "$DB" "$db"
		[ ! -f "$DB.wal" ] || cp "$DB.wal" "$db.wal"
		profile=${PROFILE:-}
		[ -z "$profile" ] || [ "$b" = after ] || profile=$PROFILE.before
		step pages "$b" pages "$(binary "$b")" "$db"
		step upload "$b" upload "$(binary "$b")" "$db" "$profile"
		fresh "$db"
	done
else
	corpus=$work/corpus-$size
	text=$work/text-$size
	[ -d "$corpus" ] || "$tool" generate --national --seed "$seed" --limit "$size" --out "$corpus" >/dev/null
	[ -d "$text" ] || "$tool" generate --national --seed "$seed" --limit "$size" --formats txt --out "$text" >/dev/null
	for b in "${builds[@]}"; do
		step ingest-mix "$b" ingest "$(binary "$b")" "$corpus" "$work/ingest-$size.$b.duckdb"
	done
	if [ -f "$work/ingest-$size.after.duckdb" ] && ! grep -q '^未测' "$logs/ingest-mix.after.log"; then
		step floor "" floor "$work/ingest-$size.after.duckdb"
	else
		skip floor "" "the after build's ingest failed: no database to copy"
	fi
	for b in "${builds[@]}"; do
		step ingest-text "$b" ingest "$(binary "$b")" "$text" "$work/text-$size.$b.duckdb"
		fresh "$work/text-$size.$b.duckdb"
	done
	for b in "${builds[@]}"; do
		db=$work/ingest-$size.$b.duckdb
		profile=${PROFILE:-}
		[ -z "$profile" ] || [ "$b" = after ] || profile=$PROFILE.before
		if grep -q '^未测' "$logs/ingest-mix.$b.log"; then
			skip pages "$b" "the ingest failed: no database"
			skip upload "$b" "the ingest failed: no database"
		else
			step pages "$b" pages "$(binary "$b")" "$db"
			step upload "$b" upload "$(binary "$b")" "$db" "$profile"
		fi
		# The before build's database goes at once (disk); the after
		# build's stays with KEEP.
		[ -n "${KEEP:-}" ] && [ "$b" = after ] || fresh "$db"
	done
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$tool" bench --summarise "$logs" | tee "$work/summary.md"
