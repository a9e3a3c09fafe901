# Every CI step runs locally through this file; .ci/run and
# .github/workflows/ci.yml call `make check`.
GO        ?= go
PKGS      ?= ./...
COVERFILE ?= coverage.out

.PHONY: all check generate check-generate test cover lint vet staticcheck actionlint tidy-check demo

all: check

## check: everything CI runs: generated code up to date, lint, race tests, coverage.
check: check-generate lint test cover

## generate: regenerate gen/ from openapi.yaml + openapi.overlay.yaml.
generate:
	$(GO) generate ./...

## check-generate: regenerate and fail if gen/ differs from what is committed.
check-generate: generate
	@out="$$(git status --porcelain -- gen/)"; \
	if [ -n "$$out" ]; then \
		echo "gen/ is not what go generate produces; run 'make generate' and commit:"; \
		echo "$$out"; git --no-pager diff --stat -- gen/; exit 1; \
	fi

## test: all tests with the race detector (writes $(COVERFILE) for `make cover`).
test:
	$(GO) test -race -count=1 -coverprofile=$(COVERFILE) $(PKGS)

## cover: coverage summary of the last `make test`.
cover: $(COVERFILE)
	@$(GO) tool cover -func=$(COVERFILE) | tail -n 1

$(COVERFILE):
	$(MAKE) test

## lint: go vet, staticcheck, actionlint, go.mod tidiness, gofmt.
lint: vet staticcheck actionlint tidy-check
	@out="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$out" ]; then echo "not gofmt-formatted:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck $(PKGS)

actionlint:
	$(GO) -C tools/actionlint run github.com/rhysd/actionlint/cmd/actionlint $(CURDIR)/.github/workflows/*.yml

tidy-check:
	$(GO) mod tidy -diff
	$(GO) -C tools/actionlint mod tidy -diff

## demo: the README's first command.
demo:
	$(GO) run ./cmd/dfns demo

# --- spec drift (internal/specdrift, .github/workflows/drift.yml) -------------
#
# UPSTREAM is the Dfns OpenAPI document to compare with openapi.yaml: a file, or
# an https URL (https://docs.dfns.co/openapi.yaml). It has no default, so no
# target here reaches the network unless you pass a URL:
#   make drift UPSTREAM=https://docs.dfns.co/openapi.yaml
#   make drift UPSTREAM=/tmp/dfns-openapi.yaml DRIFT_FLAGS=-json
#   make drift-update UPSTREAM=/tmp/dfns-openapi.yaml
# specdrift exits 0 (no drift), 1 (drift) or 2 (could not decide), but make
# turns any failure into 2: with DRIFT_FLAGS=-json, read "drift" instead.
# The binary is built into bin/ (ignored by git) because `go run` reports every
# failure as exit 1.
UPSTREAM    ?=
DRIFT_FLAGS ?=
SPECDRIFT   := bin/specdrift

.PHONY: drift drift-update specdrift-bin

specdrift-bin:
	@test -n "$(UPSTREAM)" || { echo "set UPSTREAM to the Dfns OpenAPI document, a file or an https URL (e.g. UPSTREAM=https://docs.dfns.co/openapi.yaml)" >&2; exit 2; }
	@$(GO) build -o $(SPECDRIFT) ./cmd/specdrift

## drift: compare openapi.yaml with UPSTREAM; exit 0 no drift, non-zero otherwise.
drift: specdrift-bin
	./$(SPECDRIFT) -upstream '$(UPSTREAM)' -vendored openapi.yaml $(DRIFT_FLAGS)

## drift-update: rewrite openapi.yaml from UPSTREAM, regenerate, lint and test.
## (`make check` passes once the result is committed: check-generate compares
## gen/ with git.)
drift-update: specdrift-bin
	./$(SPECDRIFT) -upstream '$(UPSTREAM)' -vendored openapi.yaml -write; \
	status=$$?; [ $$status -le 1 ] || exit $$status
	sha256sum openapi.yaml > openapi.yaml.sha256
	$(MAKE) generate lint test
