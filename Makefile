# lain's developer entry points. The README's two set-up commands are
# `make demo` (lain's main job on the local lab) and `make test` (every test).

VERSION ?= dev
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: build test unit e2e lab-up lab-down lab-status demo bench lint clean release fuzz docs

# Built as releases are (static, stripped), so `make bench` measures what
# users run.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o bin/lain .

# Every test: unit tests and the end-to-end suite, both on the local lab
# (brought up if needed, and taken down again if this started it).
test: lint
	LAIN_TEST_ALL=1 scripts/e2e

e2e:
	scripts/e2e

lab-up:
	scripts/lab up

lab-down:
	scripts/lab down

lab-status:
	scripts/lab status

demo:
	scripts/demo

unit:
	go test -count=1 ./...

# gofmt and vet, also for macOS and Windows: contributors there run the
# unit tests too, so every file, tests included, must compile there.
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	go vet ./...
	GOOS=darwin go vet ./...
	GOOS=windows go vet ./...

# DEPLOY=1 adds the deploy table (lain deploy against the helm upgrade it
# prints, on the lab, in a namespace of its own).
# SCALE=1 adds the cluster table on the lab's scale fixture (needs the lab
# up; takes minutes): SCALE_FIXTURE holds scripts/lab scale-fixture's size
# options; the fixture is removed again even when a budget fails.
SCALE_FIXTURE ?= --apps 10 --replicas 200 --namespaces 20 --pods-per-ns 400
bench: build
ifeq ($(SCALE),1)
	@eval "$$(scripts/lab env)" && { scripts/lab scale-fixture up $(SCALE_FIXTURE) && \
	go run ./internal/cmd/bench -lain bin/lain -scale $(if $(filter 1,$(DEPLOY)),-deploy); rc=$$?; scripts/lab scale-fixture down; exit $$rc; }
else ifeq ($(DEPLOY),1)
	@eval "$$(scripts/lab env)" && go run ./internal/cmd/bench -lain bin/lain -deploy
else
	go run ./internal/cmd/bench -lain bin/lain
endif

clean:
	rm -rf bin

# Every Go fuzz target in the module, one at a time, FUZZTIME each (CI: 30s);
# fails on the first failure. Targets are discovered (scripts/fuzz).
FUZZTIME ?= 30s
fuzz:
	scripts/fuzz "$(FUZZTIME)"

# Publish a release: make release VERSION=x.y.z OUT=dir (see docs/releases.md).
release:
	scripts/release "$(VERSION)" "$(OUT)"

# The command reference, generated from the command tree: markdown into
# docs/commands (committed; a unit test fails when it is stale) and man pages
# into bin/man (a build output: `man -l bin/man/lain.1`). The generator is its
# own program (internal/cmd/gendocs), so cobra/doc stays out of bin/lain.
docs:
	go run ./internal/cmd/gendocs -md docs/commands -man bin/man
