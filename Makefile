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
	go test -count=1 -timeout 25m ./...

bench:
	go test -run '^$$' -bench . -benchtime 3x ./...
