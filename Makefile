# Every CI step runs locally through this file; .ci/run and
# .github/workflows/ci.yml call `make check`.
GO        ?= go
PKGS      ?= ./...
COVERFILE ?= coverage.out

.PHONY: all check generate check-generate test cover lint vet staticcheck actionlint tidy-check demo browser-test browser-check

all: check

## check: everything CI runs: generated code up to date, lint, race tests
## (the 5-second soak included), coverage, every fuzz target for 3 s, and
## the browser test when a Chromium is installed.
check: check-generate lint test cover fuzz-short browser-check

## generate: regenerate gen/ from openapi.yaml + openapi.overlay.yaml, and
## gen/flow, gen/flowserver from openapi.flow.yaml.
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
	$(GO) -C $(BROWSER_TEST_DIR) vet ./...

staticcheck:
	$(GO) run honnef.co/go/tools/cmd/staticcheck $(PKGS)

actionlint:
	$(GO) -C tools/actionlint run github.com/rhysd/actionlint/cmd/actionlint $(CURDIR)/.github/workflows/*.yml

tidy-check:
	$(GO) mod tidy -diff
	$(GO) -C tools/actionlint mod tidy -diff
	$(GO) -C $(BROWSER_TEST_DIR) mod tidy -diff

## demo: the README's first command.
demo:
	$(GO) run ./cmd/dfns demo

# --- browser test (examples/passkey/browsertest, a module of its own) ---------
#
# The passkey example in a real headless Chromium with a CDP virtual
# authenticator. It needs Debian's chromium-headless-shell (or chromium, or
# Google Chrome); .ci/run installs it. BROWSER_BINS repeats the candidates of
# examples/passkey/browsertest/browser_test.go; DFNS_BROWSER overrides both.
BROWSER_TEST_DIR := examples/passkey/browsertest
BROWSER_BINS     := /usr/lib/chromium/chromium-headless-shell /usr/lib/chromium/chrome-headless-shell \
                    /usr/lib/chromium/chromium /opt/google/chrome/chrome

## browser-test: the passkey example in headless Chromium; fails without one.
browser-test:
	@start=$$(date +%s); \
	cd $(BROWSER_TEST_DIR) && DFNS_BROWSER_REQUIRED=1 $(GO) test -race -count=1 ./... && \
	echo "browser-test: $$(( $$(date +%s) - start )) s"

## browser-check: browser-test when a Chromium is installed, else a loud notice.
browser-check:
	@found="$$DFNS_BROWSER"; for b in $(BROWSER_BINS); do [ -n "$$found" ] || { [ -x "$$b" ] && found="$$b"; }; done; \
	if [ -n "$$found" ]; then $(MAKE) --no-print-directory browser-test; else \
	  echo "***********************************************************************"; \
	  echo "*** browser test SKIPPED, NOT PASSED: no Chromium on this machine.     "; \
	  echo "*** apt-get install chromium-headless-shell, then make browser-test.   "; \
	  echo "***********************************************************************"; \
	fi

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

.PHONY: drift drift-update specdrift-bin drift-regen-test

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

## drift-regen-test: an additive upstream change (new optional property,
## widened pattern) through specdrift -write and go generate in a copy of the
## module, with no hand edit: it builds, passes the library's tests, and the
## new property is a field of the typed variants. A minute or two, so not in
## `make check`; .ci/run runs it after.
drift-regen-test:
	DFNS_DRIFT_REGEN=1 $(GO) test -count=1 -run '^TestRegenerationCarriesAdditiveDrift$$' ./internal/specdrift

# --- benchmarks (bench/, BENCHMARKS.md) ---------------------------------------
#
# `make bench` measures the library against its baselines and writes
# BENCHMARKS.md (3 to 5 minutes on 2 cores, depending on what else runs).
# Nothing here runs in `make check`: without -bench, `go test ./bench/...`
# only checks bench/testdata.
#
# It builds the test binary once, so that every run and profile measures the
# same code even if the tree changes meanwhile (bench-run and bench-profile
# alone rebuild it first). Inside each benchmark the contenders take turns
# (bench/interleave_test.go), so that a ratio compares figures of the same
# seconds; each of BENCH_RUNS passes runs every benchmark once (Decode for
# BENCH_DECODE_TIME per kind, the others for BENCH_TIME), so each figure of
# the report is a median of BENCH_RUNS runs, as -count=BENCH_RUNS would give.
# The raw output goes to bench/results.txt (committed: `make bench-report`
# rewrites BENCHMARKS.md from it alone). bench-profile records CPU and
# allocation profiles of the comparisons behind the targets, one contender
# at a time, into bench/profiles/*.txt (`go tool pprof -top`; allocations at
# -memprofilerate 1; a "minus" file diffs two contenders run for the same
# number of operations).
BENCH_RUNS        ?= 5
BENCH_TIME        ?= 2s
BENCH_DECODE_TIME ?= 1s
BENCH_RESULTS     := bench/results.txt
BENCH_PROFILES    := bench/profiles
BENCH_TMP         := bin/bench
BENCH_BIN         := $(BENCH_TMP)/bench.test
# The binary runs in bench/, as go test would run it (testdata, ../openapi.yaml).
BENCH_EXEC         = cd bench && ../$(BENCH_BIN) -test.run '^$$'
BENCH_DECODE_CMD   = $(BENCH_EXEC) -test.bench '^BenchmarkDecode$$' -test.benchtime $(BENCH_DECODE_TIME) -test.count 1
BENCH_LOAD_CMD     = $(BENCH_EXEC) -test.bench '^Benchmark(Call|Sandbox|SandboxHandler)$$' -test.benchtime $(BENCH_TIME) -test.count 1

.PHONY: bench bench-bin bench-run bench-profile bench-report

## bench: build the benchmarks once, run them and the profiles, write BENCHMARKS.md.
bench: bench-bin
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory BENCH_NOBUILD=1 bench-run bench-profile bench-report && \
	echo "make bench: $$(( $$(date +%s) - start )) s after the build"

bench-bin:
	@mkdir -p $(BENCH_TMP)
	$(GO) test -c -o $(BENCH_BIN) ./bench

## bench-run: BENCH_RUNS passes of every benchmark into bench/results.txt.
bench-run: $(if $(BENCH_NOBUILD),,bench-bin)
	@set -e; out=$(BENCH_TMP)/results.txt; \
	{ echo "go: $$($(GO) env GOVERSION)"; \
	  echo "cores: $$(nproc)"; \
	  echo "cpu-model: $$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null | sed 's/^[^:]*: *//')"; \
	  echo "date: $$(date -u '+%Y-%m-%d %H:%M UTC')"; \
	  echo "commit: $$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$$(git --no-optional-locks status --porcelain -- go.mod go.sum gen pkg 2>/dev/null | grep -q . && echo ', with uncommitted changes in gen/ or pkg/')"; \
	  echo "command: $(GO) test -c -o $(BENCH_BIN) ./bench"; \
	  echo "command: for pass in \$$(seq $(BENCH_RUNS)); do"; \
	  echo "command:   ($(BENCH_DECODE_CMD))"; \
	  echo "command:   ($(BENCH_LOAD_CMD))"; \
	  echo "command: done"; } > $$out; \
	for i in $$(seq $(BENCH_RUNS)); do \
	  echo "pass: $$i" >> $$out; \
	  t0=$$(date +%s); \
	  for cmd in decode load; do \
	    if [ $$cmd = decode ]; then ($(BENCH_DECODE_CMD)) > $(BENCH_TMP)/pass.txt 2>&1 || { cat $(BENCH_TMP)/pass.txt; exit 1; }; \
	    else ($(BENCH_LOAD_CMD)) > $(BENCH_TMP)/pass.txt 2>&1 || { cat $(BENCH_TMP)/pass.txt; exit 1; }; fi; \
	    cat $(BENCH_TMP)/pass.txt >> $$out; \
	  done; \
	  echo "bench: pass $$i of $(BENCH_RUNS) done in $$(( $$(date +%s) - t0 )) s"; \
	done; \
	mv $$out $(BENCH_RESULTS)

# bench_profile,NAME,BENCH,CONTENDER,CPU-ROUNDS,MEM-ROUNDS,OPS-PER-TURN: CPU
# and allocation profiles of one contender of one benchmark, into
# $(BENCH_TMP)/NAME.cpu and NAME.mem.
define bench_profile
($(BENCH_EXEC) -test.bench '$(2)' -contender '$(3)' -turnops $(6) -test.benchtime $(4)x -test.cpuprofile $(CURDIR)/$(BENCH_TMP)/$(1).cpu > /dev/null)
($(BENCH_EXEC) -test.bench '$(2)' -contender '$(3)' -turnops $(6) -test.benchtime $(5)x -test.memprofile $(CURDIR)/$(BENCH_TMP)/$(1).mem -test.memprofilerate 1 > /dev/null)
endef

# bench_top,OUT,PPROF-ARGS: `go tool pprof -top` (25 lines) into
# bench/profiles/OUT.txt, without the lines that change with every run.
# BENCH_HIDE hides the frames of the benchmark harness.
BENCH_HIDE := dfns-go/bench\.|^testing\.
define bench_top
$(GO) tool pprof -top -nodecount 25 $(2) 2>/dev/null | grep -v -e '^File:' -e '^Build ID:' -e '^Time:' > $(BENCH_PROFILES)/$(1).txt
endef

## bench-profile: the profiles behind the targets, into bench/profiles/.
bench-profile: $(if $(BENCH_NOBUILD),,bench-bin)
	@mkdir -p $(BENCH_PROFILES)
	@rm -f $(BENCH_PROFILES)/*.txt
	$(call bench_profile,call-dfns,^BenchmarkCall$$/^g=1$$,^dfns$$,40,5,1000)
	$(call bench_profile,call-raw,^BenchmarkCall$$/^g=1$$,^raw$$,40,5,1000)
	$(call bench_profile,fido2-parse,^BenchmarkDecode$$/^kind=Fido2$$,^dfns\.ParseChallenge$$,200,20,1000)
	$(call bench_profile,totp-parse,^BenchmarkDecode$$/^kind=Totp$$,^dfns\.ParseChallenge$$,200,20,1000)
	$(call bench_profile,totp-tagged,^BenchmarkDecode$$/^kind=Totp$$,^json\.Unmarshal-tagged$$,200,20,1000)
	$(call bench_profile,handler-validated,^BenchmarkSandboxHandler$$,^validated$$,60,10,500)
	$(call bench_profile,handler-unvalidated,^BenchmarkSandboxHandler$$,^unvalidated$$,60,10,500)
	$(call bench_top,1-call-dfns-minus-raw.allocs,-sample_index alloc_objects -diff_base $(BENCH_TMP)/call-raw.mem $(BENCH_TMP)/call-dfns.mem)
	$(call bench_top,1-call-dfns.cpu-cum,-cum -hide '$(BENCH_HIDE)' -focus 'dfns\.\(\*Client\)\.CreateCredentialChallengeWithCode' $(BENCH_TMP)/call-dfns.cpu)
	$(call bench_top,2-decode-fido2-parse.allocs,-sample_index alloc_objects -hide '$(BENCH_HIDE)' $(BENCH_TMP)/fido2-parse.mem)
	$(call bench_top,2-decode-totp-parse-minus-tagged.allocs,-sample_index alloc_objects -hide '$(BENCH_HIDE)' -diff_base $(BENCH_TMP)/totp-tagged.mem $(BENCH_TMP)/totp-parse.mem)
	$(call bench_top,2-decode-totp-parse.cpu-cum,-cum -hide '$(BENCH_HIDE)' -focus 'dfns\.ParseChallenge' $(BENCH_TMP)/totp-parse.cpu)
	$(call bench_top,3-sandbox-validated.cpu-cum,-cum -hide '$(BENCH_HIDE)' -focus 'dfnstest\.\(\*Sandbox\)\.serveHTTP' $(BENCH_TMP)/handler-validated.cpu)
	$(call bench_top,3-sandbox-validated-minus-unvalidated.allocs,-sample_index alloc_objects -hide '$(BENCH_HIDE)' -diff_base $(BENCH_TMP)/handler-unvalidated.mem $(BENCH_TMP)/handler-validated.mem)

## bench-report: BENCHMARKS.md from bench/results.txt and bench/profiles/.
bench-report:
	$(GO) run ./bench/cmd/benchreport -in $(BENCH_RESULTS) -out BENCHMARKS.md -notes bench/analysis.md -profiles $(BENCH_PROFILES)

# --- soak and fuzzing (internal/soak, every Fuzz* target) ---------------------
#
# `make soak` runs SOAK_CLIENTS clients against the embedded sandbox for
# SOAK_DURATION, without the race detector so that the figures are real, and
# prints the report: requests/s, p50/p99 latency, outcomes, codes minted and
# consumed, goroutines, and the heap in use sampled every 30 s with a verdict.
# It fails on any unexpected outcome, a code not consumed exactly once, a
# goroutine left behind, or a heap that is not flat under 128 MiB after the
# first minute. The test's timeout (75m) covers soak.Config's longest run,
# an hour. (`make test` runs the same test for 5 s, with the race detector.)
#
# `make fuzz` runs every fuzz target of the module for FUZZTIME each, one
# after the other (found with `go test -list`, so a new target needs no
# change here), and fails at the first target that fails; `make fuzz-short`
# is the same for 3 s each, for CI. A failing input is written to the
# package's testdata/fuzz/<Target>/: commit it, and it runs with the unit
# tests. FUZZMINIMIZETIME bounds the minimisation of each new input (Go's
# default, 60 s, can take most of a short run). Go before 1.27 may end a
# target that found nothing with a bare "context deadline exceeded"
# (go.dev/issue/75804): that one is reported and ignored, any other failure
# stops the run.
SOAK_DURATION    ?= 30s
SOAK_CLIENTS     ?= 64
FUZZTIME         ?= 30s
FUZZMINIMIZETIME ?= 10s
FUZZ_PKGS        ?= ./...

.PHONY: soak fuzz fuzz-short

## soak: SOAK_CLIENTS (64) clients against the sandbox for SOAK_DURATION (30s); prints the report.
soak:
	$(GO) test -run '^TestSoak$$' -v -count=1 -timeout=75m ./internal/soak -soak.duration=$(SOAK_DURATION) -soak.clients=$(SOAK_CLIENTS)

## fuzz: every fuzz target of the module for FUZZTIME (30s) each, sequentially.
fuzz:
	@set -e; \
	list=$$($(GO) test -list '^Fuzz' $(FUZZ_PKGS)); \
	targets=$$(echo "$$list" | awk '/^Fuzz/ { n[++c] = $$1; next } /^ok/ { for (i = 1; i <= c; i++) print $$2 "," n[i]; c = 0 }'); \
	[ -n "$$targets" ] || { echo "fuzz: no fuzz target found in $(FUZZ_PKGS)" >&2; exit 1; }; \
	log=$$(mktemp); trap 'rm -f "$$log" "$$log.exit"' EXIT; \
	n=0; for t in $$targets; do \
	  pkg=$${t%,*}; name=$${t#*,}; n=$$((n + 1)); \
	  echo "--- fuzz $$pkg $$name for $(FUZZTIME)"; \
	  { st=0; $(GO) test -run '^$$' -fuzz='^'"$$name"'$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=$(FUZZMINIMIZETIME) $$pkg 2>&1 || st=$$?; \
	    echo $$st > "$$log.exit"; } | tee "$$log"; \
	  [ "$$(cat "$$log.exit")" = 0 ] && continue; \
	  if grep -q '^    context deadline exceeded$$' "$$log" && ! grep -q 'Failing input written' "$$log"; then \
	    echo "fuzz: $$name: the bare 'context deadline exceeded' at the end of -fuzztime is Go's go.dev/issue/75804 (fixed in Go 1.27), not a failure"; \
	  else \
	    echo "fuzz: $$pkg $$name failed" >&2; exit 1; \
	  fi; \
	done; \
	echo "fuzz: $$n targets passed, $(FUZZTIME) each"

## fuzz-short: `make fuzz` for 3 s per target (for .ci/run).
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3s
