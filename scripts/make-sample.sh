#!/usr/bin/env bash
# Writes the sample corpus on real registry places (issue 22 item 2), the
# one in data/sample: every town of 乐至县, 雁江区 and 安岳县 (资阳市,
# 四川省) as the registry lists them, 2022–2024, about one town in eight
# publishing nothing and one in eight missing its last year, six
# departments of 乐至县, with the late, broken-across-years and copied
# reports of the generator — every report marked 示例数据 (the mark is the
# report's, its agency is the registry's town).
# Then it times a first start of `analytics serve` on it (make run's build
# of the database), which should stay under 20 s.
#
# Usage: scripts/make-sample.sh OUT_DIR
set -euo pipefail
out=${1:?usage: scripts/make-sample.sh OUT_DIR}
rm -rf "$out"
go build -o bin/analytics ./cmd/analytics
bin/analytics generate --seed 2024 --out "$out" --places 资阳市:乐至县,雁江区,安岳县 --years 2022-2024 --missing-every 8 --departments 6
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
start=$(date +%s.%N)
bin/analytics serve --db "$dir/n.duckdb" --addr 127.0.0.1:0 --sample "$out" >"$dir/log" 2>&1 &
pid=$!
until grep -q 'msg=serving' "$dir/log"; do
  kill -0 "$pid" 2>/dev/null || { cat "$dir/log"; exit 1; }
  sleep 0.2
done
echo "first start on $out: $(echo "$(date +%s.%N) - $start" | bc) s"
grep 'sample loaded' "$dir/log"
