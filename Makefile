# gatewayd — the two commands a newcomer needs are `make demo` and `make test`.
GO       ?= go
BIN      := bin/gatewayd
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 10s
STATICCHECK_VERSION := v0.8.2

.PHONY: all build deps test test-unit fuzz lint demo bench bench-smoke clean

all: build

## build: static binary in bin/gatewayd (pure Go, no cgo)
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/gatewayd

## test: the whole suite with the race detector against real PostgreSQL and
## Redis (throwaway servers unless TEST_DATABASE_URL / TEST_REDIS_URL are
## set), then a short fuzz run of the header-stripping/route-matching path.
test: deps
	$(GO) run ./cmd/testenv -- $(GO) test -race -count=1 -timeout 15m ./...
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory bench-smoke

## bench-smoke: the forwarder and whole-hop benchmarks, 100 iterations
## each, so they keep compiling and running; never a timed assertion
bench-smoke:
	$(GO) run ./cmd/testenv -- $(GO) test -run '^$$' -bench 'ProxyHop|Forward' -benchtime 100x ./gateway ./gateway/proxy

## deps: install nginx, PostgreSQL and redis-server if missing (root +
## apt-get), else print the install line and fail; instant when present
deps:
	@./.ci/deps

## fuzz: run the committed fuzz target briefly (FUZZTIME=1m for longer)
fuzz:
	@if [ -d gateway/proxy ] && grep -qs 'func FuzzStripAndMatch' gateway/proxy/*_test.go; then \
		$(GO) test -run '^$$' -fuzz '^FuzzStripAndMatch$$' -fuzztime $(FUZZTIME) ./gateway/proxy; \
	fi

## demo: the gateway on the embedded default (SQLite, in-memory limits) with
## the demo upstream behind /api/; a throwaway JWT secret and database per run
demo:
	@echo "demo: building $(BIN); the first build compiles every dependency and takes 1-3 minutes, later ones seconds"
	@$(MAKE) --no-print-directory build
	./$(BIN) --config gateway.example.yaml demo

## lint: go.mod tidy and verified, gofmt, go vet and staticcheck all clean
lint:
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run 'go mod tidy'"; exit 1; }
	$(GO) mod verify
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## bench: Go micro-benchmarks (see bench/README.md for the wrk load script)
bench:
	$(GO) run ./cmd/testenv -- $(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
