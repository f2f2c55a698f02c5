# wxarchive — run `make help` for the targets.
GO      ?= go
BIN     ?= bin/wxarchive
CONFIG  ?= pipeline.yaml
BENCH   ?= .
PKGS    ?= ./...
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT  ?= $(shell c=$$(git rev-parse HEAD 2>/dev/null) && { git diff --quiet HEAD 2>/dev/null && echo $$c || echo $$c-dirty; })
LDFLAGS ?= -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: help build test lint bench bench-go run clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build bin/wxarchive
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wxarchive

test: ## run all tests with the race detector
	$(GO) test -race -count=1 $(PKGS)

lint: ## go vet and gofmt
	$(GO) vet $(PKGS)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

COUNT   ?= 5

ARTICLES ?= 10000

bench: build ## extract vs html.Parse per fixture, ratio of totals; convert ms/page; reextract articles/s (1 and all cores)
	$(GO) test -run '^$$' -bench 'VersusParse' -count $(COUNT) ./extractor/ > bench-extract.txt
	awk -f scripts/bench-ratio.awk bench-extract.txt
	scripts/bench-convert.sh $(BIN) $(COUNT)
	WXARCHIVE_BENCH_ARTICLES=$(ARTICLES) $(GO) test -run '^$$' -bench 'BenchmarkReextract' -benchtime 1x -timeout 60m ./ingest/ \
		| grep -E '^Benchmark'

bench-go: ## run the Go benchmarks (BENCH=regexp, PKGS=packages to choose)
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem $(PKGS)

run: build ## one pass of the scheduled pipeline over pipeline.yaml
	./$(BIN) run --once --config $(CONFIG)

clean: ## remove build output
	rm -rf bin
