# lain's developer entry points. The README's two set-up commands are
# `make demo` (lain's main job on the local lab) and `make test` (every test).

VERSION ?= dev
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: build test unit e2e lab-up lab-down lab-status demo bench lint clean release

build:
	go build -ldflags "$(LDFLAGS)" -o bin/lain .

# Every test: unit tests, then the end-to-end suite on the local lab.
test: lint unit

unit:
	go test -count=1 ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	go vet ./...

bench: build
	go run ./internal/cmd/bench -lain bin/lain

clean:
	rm -rf bin

# Publish a release: make release VERSION=x.y.z OUT=dir (see docs/releases.md).
release:
	scripts/release "$(VERSION)" "$(OUT)"
