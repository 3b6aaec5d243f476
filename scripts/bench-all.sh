#!/usr/bin/env bash
# Every measured figure of issue 14 for one database, as Markdown to paste
# into docs/benchmarks.md: the ingest benchmarks against DuckDB's own COPY
# floor, then `analytics bench --latency` over a copy of DB (each serving
# route cold, warm and beside its raw SQL; load on loopback; peak RSS).
#
#   scripts/bench-all.sh DB [OUT.md]
#
# DB must not be being written (stop `analytics ingest`/`serve` first): it
# is copied, and the copy is what is measured, as a replica would serve it.
# Environment:
#   BENCH_INGEST=0        skip the ingest benchmarks (they take minutes)
#   BENCH_TOWNS=N         towns per county of the generated ingest corpus (default 16)
#   NIANBAO_BENCH_NATIONAL=N  reports of the per-format national sample (default 600)
#   BENCH_CORPUS=DIR      also ingest DIR with the CLI under /usr/bin/time (reports/s, peak RSS)
#   BENCH_N, BENCH_BUDGET, BENCH_LOAD, BENCH_CONCURRENCY
#                         passed to bench --latency as --n, --budget, --load, --concurrency
set -euo pipefail
db=${1:?usage: scripts/bench-all.sh DB [OUT.md]}
out=${2:-bench-$(basename "$db" .duckdb)-$(date -u +%Y%m%dT%H%M).md}
cd "$(dirname "$0")/.."
[ -f "$db" ] || { echo "bench-all: no database at $db" >&2; exit 2; }
if pgrep -af "analytics (ingest|serve)" | grep -F -- "$db" >/dev/null; then
	echo "bench-all: $db is held by a running analytics process; wait for it or stop it" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/analytics" ./cmd/analytics
snap="$work/$(basename "$db")"
cp "$db" "$snap"
[ -f "$db.wal" ] && cp "$db.wal" "$snap.wal"

{
	echo "## Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname)"
	echo
	echo "    scripts/bench-all.sh $*"
	echo
	if [ "${BENCH_INGEST:-1}" != 0 ]; then
		echo "### Ingest against DuckDB's COPY floor"
		echo
		echo "    NIANBAO_BENCH_TOWNS=${BENCH_TOWNS:-16} NIANBAO_BENCH_NATIONAL=${NIANBAO_BENCH_NATIONAL:-600} go test ./ingest -run '^\$' -bench 'IngestGenerated/batch=256|IngestFormats' -benchtime 1x -v -timeout 60m"
		echo
		echo '```'
		NIANBAO_BENCH_TOWNS=${BENCH_TOWNS:-16} go test ./ingest -run '^$' -bench 'IngestGenerated/batch=256|IngestFormats' -benchtime 1x -v -timeout 60m 2>&1 |
			grep -E '^(Benchmark|goos|cpu|ok|FAIL|---)|_test\.go:[0-9]+:' || true
		echo '```'
		echo
	fi
	if [ -n "${BENCH_CORPUS:-}" ]; then
		echo "### CLI ingest of $BENCH_CORPUS"
		echo
		echo "    /usr/bin/time -v analytics ingest --db NEW.duckdb $BENCH_CORPUS"
		echo
		echo '```'
		/usr/bin/time -v "$work/analytics" ingest --db "$work/ingest.duckdb" "$BENCH_CORPUS" >"$work/ingest.log" 2>&1 || true
		grep -E 'ingest done|stored|Elapsed|Maximum resident' "$work/ingest.log" || true
		echo '```'
		echo
	fi
	"$work/analytics" bench --latency --db "$snap" --n "${BENCH_N:-30}" --budget "${BENCH_BUDGET:-20s}" \
		--load "${BENCH_LOAD:-5s}" --concurrency "${BENCH_CONCURRENCY:-8}"
} | tee "$out"
echo "bench-all: written to $out" >&2
