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
