# The two commands a new user needs: `make run` serves the sample data,
# `make test` runs every test. Both install what they need first.
.PHONY: setup run test bench build

setup:
	bash scripts/setup.sh

build:
	go build -o bin/analytics ./cmd/analytics

run: setup build
	./bin/analytics serve

test: setup
	go vet ./...
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1)
	go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	go test -count=1 -timeout 25m ./...
	# Bounded fuzzing (issue 15): one target per run, about a minute in all.
	# Counted in executions, not seconds: a time limit can end the run while a
	# worker is still busy, and go test then fails with "context deadline
	# exceeded" although nothing was found.
	go test ./ingest/document -run '^$$' -fuzz '^FuzzReadText$$' -fuzztime 30000x -fuzzminimizetime 100x
	go test ./ingest/document -run '^$$' -fuzz '^FuzzReadHTML$$' -fuzztime 10000x -fuzzminimizetime 100x
	go test ./ingest/document -run '^$$' -fuzz '^FuzzReadDOCX$$' -fuzztime 20000x -fuzzminimizetime 100x
	go test ./ingest/document -run '^$$' -fuzz '^FuzzReadXLSX$$' -fuzztime 20000x -fuzzminimizetime 100x
	go test ./ingest/document -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime 40000x -fuzzminimizetime 100x
	go test ./ingest/document -run '^$$' -fuzz '^FuzzPDFText$$' -fuzztime 40000x -fuzzminimizetime 100x
	go test ./ingest -run '^$$' -fuzz '^FuzzParseBytes$$' -fuzztime 8000x -fuzzminimizetime 100x
	go test ./parse -run '^$$' -fuzz '^FuzzParseText$$' -fuzztime 5000x -fuzzminimizetime 100x

bench:
	go test -run '^$$' -bench . -benchtime 3x ./...

# Issue 25: every target in one run (scripts/bench-scale.sh): a national
# corpus of SIZE reports ingested (CPU per report beside DuckDB's COPY of
# the same cells), its text files alone, the pages cold and the
# whole-country answers beside raw SQL, uploads, serve RSS, the load
# average around each step; one table at the end. BEFORE=BIN adds a
# before column; DB=FILE measures pages and uploads on a copy of FILE.
# Not part of make test: minutes at the default, an hour or more at
# SIZE=200000.
SIZE ?= 5000
.PHONY: bench-scale
bench-scale:
	SIZE=$(SIZE) bash scripts/bench-scale.sh

# Issue 14: every measured figure for one database (DB=FILE), as Markdown.
.PHONY: bench-all
bench-all:
	bash scripts/bench-all.sh $(DB)

# Issue 19: mutation testing (scripts/mutate). Not part of make test: one
# test build per mutant, an hour or more for all four packages. PKGS and
# FILES narrow it: make mutate PKGS=./assess FILES=timely.go,crossyear.go
PKGS ?= ./report ./assess ./query ./store
FILES ?=
.PHONY: mutate
mutate:
	go run ./scripts/mutate -timeout 5m -files '$(FILES)' -out mutation-results.json $(PKGS)
