package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The benchmarks and contenders of package bench; keep in step with its
// _test.go files. A benchmark reports CONTENDER-METRIC units (see
// interleave in bench/interleave_test.go).
var (
	kinds = []string{"Fido2", "Key", "PasswordProtectedKey", "RecoveryKey", "Password", "Totp"}

	decodePaths = []struct{ name, what string }{
		{"dfns.ParseChallenge", "this library, default validation"},
		{"dfns.ParseChallengeStrict", "this library, every constraint of the spec"},
		{"gen.Parse+ValueByDiscriminator", "the generated default path: `ParseCreateCredentialChallengeWithCodeResponse` on an `*http.Response`, then `ValueByDiscriminator`"},
		{"gen.Parse+As", "generated: `Parse…Response`, then `As<Kind>Challenge` (which checks no tag)"},
		{"json.Unmarshal-tagged", "the encoding/json floor: one `json.Unmarshal` into the kind's tagged struct (`gen.<Kind>Challenge`), no validation"},
		{"json.Unmarshal-map", "what an untyped SDK hands its users: `json.Unmarshal` into `map[string]any`"},
		{"kin.VisitJSON-builtin", "kin-openapi: decode into `any` + `VisitJSON` on the 200 schema loaded once, built-in validator (nothing compiled per call)"},
		{"kin.VisitJSON-2020-per-call", "kin-openapi: the same with `openapi3.EnableJSONSchema2020()`, as the 3.1 default does it (compiles the schema on every call)"},
	}

	goroutines = []int{1, 2, 8, 64}
	clients    = []struct{ name, what string }{
		{"dfns", "the pkg/dfns client, `dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(hc))`"},
		{"raw", "the floor: `json.Marshal` of the request, `http.NewRequestWithContext`, `hc.Do`, `io.ReadAll`, one `json.Unmarshal` into `gen.Fido2Challenge`"},
		{"gen", "the generated `ClientWithResponses` + `ValueByDiscriminator`"},
	}

	servers = []struct{ name, what string }{
		{"validated", "`dfnstest.New(…)`: request and response validation (the default)"},
		{"unvalidated", "`dfnstest.New(dfnstest.WithoutValidation(), …)`"},
		{"bare", "the floor: a handler that drains the request and writes the fixed Fido2 answer"},
	}
)

func decodeName(kind string) string { return "Decode/kind=" + kind }
func callName(g int) string         { return "Call/g=" + strconv.Itoa(g) }

const (
	sandboxName = "Sandbox"
	handlerName = "SandboxHandler"
)

// report writes the markdown.
type report struct {
	res *results
	b   strings.Builder
}

func (r *report) p(format string, args ...any) { fmt.Fprintf(&r.b, format, args...) }

// m is the median of a contender's metric in a benchmark.
func (r *report) m(name, contender, metric string) stat {
	return r.res.get(name, contender+"-"+metric)
}

// x is the paired ratio of two contenders' metric in a benchmark.
func (r *report) x(name, a, b, metric string) ratio {
	return r.res.ratio(name, a+"-"+metric, name, b+"-"+metric)
}

// target is one line of the targets table.
type target struct {
	name     string
	measured string
	met      bool
	known    bool
}

func verdict(t target) string {
	switch {
	case !t.known:
		return "no data"
	case t.met:
		return "**met**"
	default:
		return "**missed**"
	}
}

// fmtRatio prints a paired ratio with its range.
func fmtRatio(x ratio) string {
	if !x.ok {
		return "–"
	}
	if x.n == 1 {
		return fmt.Sprintf("%.2f×", x.median)
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", x.median, x.lo, x.hi)
}

// fmtTargetRatio prints a paired ratio with three decimals, so that a
// verdict at the limit can be read from the figure.
func fmtTargetRatio(x ratio) string {
	if !x.ok {
		return "–"
	}
	if x.n == 1 {
		return fmt.Sprintf("%.3f×", x.median)
	}
	return fmt.Sprintf("%.3f× (%.2f–%.2f)", x.median, x.lo, x.hi)
}

// fmtShortRatio prints a paired ratio without its range.
func fmtShortRatio(x ratio) string {
	if !x.ok {
		return "–"
	}
	return fmt.Sprintf("%.2f×", x.median)
}

// fmtNs prints a duration in ns as ns, µs or ms.
func fmtNs(s stat) string {
	if !s.ok {
		return "–"
	}
	v := s.median
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.2f µs", v/1e3)
	}
	return fmt.Sprintf("%.1f ns", v)
}

// fmtUs prints a value already in µs.
func fmtUs(s stat) string {
	if !s.ok {
		return "–"
	}
	if s.median >= 1000 {
		return fmt.Sprintf("%.2f ms", s.median/1000)
	}
	return fmt.Sprintf("%.0f µs", s.median)
}

// fmtInt prints a count with thousands separators.
func fmtInt(s stat) string {
	if !s.ok {
		return "–"
	}
	return thousands(int64(math.Round(s.median)))
}

func thousands(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

// targets evaluates the targets.
func (r *report) targets() []target {
	var ts []target
	for _, g := range goroutines {
		x := r.x(callName(g), "dfns", "raw", "ns/op")
		ts = append(ts, target{
			name:     fmt.Sprintf("full client call ≤ 1.10× raw net/http, %d goroutine(s) sharing the client (time per call)", g),
			measured: fmtTargetRatio(x), met: x.median <= 1.10, known: x.ok,
		})
	}
	for _, g := range []int{1, 64} {
		x := r.x(callName(g), "dfns", "raw", "allocs/op")
		ts = append(ts, target{
			name:     fmt.Sprintf("full client call ≤ 1.25× raw net/http's allocations, %d goroutine(s) (the official Go SDK: 1.58×)", g),
			measured: fmtTargetRatio(x), met: x.median <= 1.25, known: x.ok,
		})
	}
	fido2 := decodeName("Fido2")
	x := r.x(fido2, "dfns.ParseChallenge", "json.Unmarshal-tagged", "ns/op")
	ts = append(ts, target{name: "Fido2 decode + default validation ≤ 1.8× one json.Unmarshal into the tagged struct", measured: fmtTargetRatio(x), met: x.median <= 1.8, known: x.ok})
	s := r.x(fido2, "dfns.ParseChallengeStrict", "kin.VisitJSON-builtin", "ns/op")
	ts = append(ts, target{name: "Fido2 strict ≤ 1.2× (decode into any + kin-openapi's built-in VisitJSON)", measured: fmtTargetRatio(s), met: s.median <= 1.2, known: s.ok})
	var missed []string
	known := 0
	for _, k := range kinds[1:] {
		ok, have := r.decodeTargetsMet(k)
		if have {
			known++
		}
		if have && !ok {
			missed = append(missed, k)
		}
	}
	measured := "met for every other kind (see §1)"
	if len(missed) > 0 {
		measured = "missed for " + strings.Join(missed, ", ") + " (see §1)"
	}
	ts = append(ts, target{name: "the same decode targets for the five other kinds", measured: measured, met: len(missed) == 0, known: known > 0})
	v := r.x(sandboxName, "validated", "unvalidated", "req/s")
	ts = append(ts, target{name: "sandbox with full validation ≥ 0.7× its unvalidated throughput (req/s, 64 clients)", measured: fmtTargetRatio(v), met: v.median >= 0.7, known: v.ok})
	return ts
}

// decodeTargetsMet reports whether kind meets the decode targets: default
// ≤ 1.8× tagged, strict ≤ 1.2× any + kin-openapi's built-in validator.
func (r *report) decodeTargetsMet(kind string) (met, known bool) {
	n := decodeName(kind)
	t := r.x(n, "dfns.ParseChallenge", "json.Unmarshal-tagged", "ns/op")
	s := r.x(n, "dfns.ParseChallengeStrict", "kin.VisitJSON-builtin", "ns/op")
	if !t.ok || !s.ok {
		return false, false
	}
	return t.median <= 1.8 && s.median <= 1.2, true
}

func (r *report) write(notes string, profiles []profile) string {
	res := r.res
	cfg := res.config
	r.p("# Benchmarks\n\n")
	r.p("Generated by `bench/cmd/benchreport` from the raw `go test -bench` output in [bench/results.txt](bench/results.txt): ")
	r.p("`make bench` measures again and rewrites both, `make bench-report` rewrites this file from the committed results. ")
	r.p("Do not edit it by hand: the analysis comes from [bench/analysis.md](bench/analysis.md), the profiles from bench/profiles/.\n\n")

	r.p("## Machine and method\n\n")
	r.p("| | |\n|---|---|\n")
	r.p("| Go | %s |\n", or(cfg["go"], "?"))
	r.p("| GOOS/GOARCH | %s/%s |\n", or(cfg["goos"], "?"), or(cfg["goarch"], "?"))
	r.p("| CPU | %s |\n", or(cfg["cpu-model"], or(cfg["cpu"], "?")))
	r.p("| cores | %s |\n", or(cfg["cores"], "?"))
	r.p("| date | %s |\n", or(cfg["date"], "?"))
	r.p("| code measured | %s |\n", or(cfg["commit"], "?"))
	r.p("| runs of every benchmark | %d |\n\n", res.passes)
	if c := cfg["command"]; c != "" {
		r.p("The command (`make bench`):\n\n```sh\n%s\n```\n\n", c)
	}
	r.p("The machine is shared and noisy, so nothing is compared across benchmarks run at different times. Inside each benchmark ")
	r.p("the contenders **take turns** (10 ms turns for decoding and the handler, 50 ms for loopback calls, 100 ms for the sandbox ")
	r.p("under load; the order rotates; a full GC before each turn, so that each contender collects its own garbage), and a ")
	r.p("contender's time per operation is the median over its turns, so a turn the machine stalled does not count. ")
	r.p("Each figure below is the **median of the %d runs** (one per pass of `make bench`), and each ratio is the **median of ", res.passes)
	r.p("the %d per-run ratios**, both figures of a ratio coming from the same run; the range of the per-run ratios is in brackets. ", res.passes)
	r.p("There are no timing assertions anywhere: `go test ./bench/...` without `-bench` only checks the stored bodies.\n\n")

	r.p("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n")
	for _, t := range r.targets() {
		r.p("| %s | %s | %s |\n", t.name, t.measured, verdict(t))
	}
	r.p("\n")

	r.decodeSection()
	r.callSection()
	r.sandboxSection()

	if strings.TrimSpace(notes) != "" {
		r.p("%s\n\n", strings.TrimSpace(notes))
	}
	if len(profiles) > 0 {
		r.p("## Profiles\n\n")
		r.p("Recorded by `make bench` (the Makefile's bench-profile target) with the same test binary, one contender at a time ")
		r.p("(`-contender`), and printed with `go tool pprof -top`. Allocation profiles are taken at `-memprofilerate 1` (every ")
		r.p("allocation). A `minus` profile is a `-diff_base` of two contenders run for the same number of operations ")
		r.p("(`-benchtime Nx -turnops M`): positive lines are what the first costs more than its baseline.\n\n")
		for _, pr := range profiles {
			r.p("### %s\n\n```text\n%s\n```\n\n", pr.name, strings.TrimRight(pr.text, "\n"))
		}
	}
	return strings.TrimRight(r.b.String(), "\n") + "\n"
}

func (r *report) decodeSection() {
	r.p("## 1. Decode + validate one answer\n\n")
	r.p("Bytes in, typed and validated value out, for the 200 answers `dfnstest` sends (fixed seed and clock, in ")
	r.p("[bench/testdata](bench/testdata); the user has two existing credentials, so the Fido2 answer has two ")
	r.p("excludeCredentials). The generated paths read an `*http.Response` that is rewound, not rebuilt, for each decode, ")
	r.p("so they are charged for their own `io.ReadAll` only. The kin-openapi rows include decoding the body into `any`, ")
	r.p("which validating a body requires.\n\n")
	for _, p := range decodePaths {
		r.p("- `%s`: %s\n", p.name, p.what)
	}
	fido2 := decodeName("Fido2")
	r.p("\n### Fido2, the largest answer (%s bytes)\n\n", fmtInt(r.res.get(fido2, "body-bytes")))
	r.p("| path | time/op | B/op | allocs/op | × tagged struct | × ParseChallenge |\n|---|--:|--:|--:|--:|--:|\n")
	for _, p := range decodePaths {
		r.p("| `%s` | %s | %s | %s | %s | %s |\n", p.name, fmtNs(r.m(fido2, p.name, "ns/op")), fmtInt(r.m(fido2, p.name, "B/op")),
			fmtInt(r.m(fido2, p.name, "allocs/op")),
			fmtRatio(r.x(fido2, p.name, "json.Unmarshal-tagged", "ns/op")), fmtRatio(r.x(fido2, p.name, "dfns.ParseChallenge", "ns/op")))
	}
	r.p("\n### Every kind\n\n")
	r.p("Time per decode, allocs/op in brackets; then ParseChallenge's ratios to the floor, to the generated default path ")
	r.p("and to the map, and whether the kind meets the decode's time targets.\n\n")
	r.p("| kind | bytes | ParseChallenge | ParseChallengeStrict | gen + ValueByDiscriminator | gen + As | tagged struct | map[string]any | kin built-in | kin 2020 per call | Parse × tagged | Parse × gen | Parse × map | time targets |\n")
	r.p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, k := range kinds {
		n := decodeName(k)
		r.p("| %s | %s |", k, fmtInt(r.res.get(n, "body-bytes")))
		for _, p := range decodePaths {
			r.p(" %s (%s) |", fmtNs(r.m(n, p.name, "ns/op")), fmtInt(r.m(n, p.name, "allocs/op")))
		}
		r.p(" %s | %s | %s |", fmtShortRatio(r.x(n, "dfns.ParseChallenge", "json.Unmarshal-tagged", "ns/op")),
			fmtShortRatio(r.x(n, "dfns.ParseChallenge", "gen.Parse+ValueByDiscriminator", "ns/op")),
			fmtShortRatio(r.x(n, "dfns.ParseChallenge", "json.Unmarshal-map", "ns/op")))
		met, known := r.decodeTargetsMet(k)
		r.p(" %s |\n", verdict(target{met: met, known: known}))
	}
	r.p("\n")
}

func (r *report) callSection() {
	r.p("## 2. A full call over loopback\n\n")
	r.p("`CreateCredentialChallengeWithCode(ctx, Fido2, code)` against `httptest.NewServer` with one handler that drains the ")
	r.p("request and writes the fixed Fido2 answer, over keep-alive connections. The three clients share one `*http.Client` ")
	r.p("whose `Transport` keeps up to 256 idle connections per host; at each level, that many goroutines share the client ")
	r.p("and split the calls. time/op is wall-clock time per call (1/throughput); cpu/op is the process's CPU time per call, ")
	r.p("client **and** server (both run in the process), and so are B/op and allocs/op: the server's share is the same for ")
	r.p("the three clients.\n\n")
	for _, c := range clients {
		r.p("- `%s`: %s\n", c.name, c.what)
	}
	r.p("\n| goroutines | client | time/op | req/s | cpu/op | B/op | allocs/op | time × raw | cpu × raw |\n|--:|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, g := range goroutines {
		n := callName(g)
		for _, c := range clients {
			r.p("| %d | `%s` | %s | %s | %s | %s | %s | %s | %s |\n", g, c.name, fmtNs(r.m(n, c.name, "ns/op")), fmtInt(r.m(n, c.name, "req/s")),
				fmtNs(r.m(n, c.name, "cpu-ns/op")), fmtInt(r.m(n, c.name, "B/op")), fmtInt(r.m(n, c.name, "allocs/op")),
				fmtRatio(r.x(n, c.name, "raw", "ns/op")), fmtRatio(r.x(n, c.name, "raw", "cpu-ns/op")))
		}
	}
	r.p("\n")
}

func (r *report) sandboxSection() {
	r.p("## 3. The sandbox under 64 concurrent clients\n\n")
	r.p("Fido2 init through `dfnstest.New(…).Handler()` behind `httptest.NewServer`, from 64 goroutines sharing one raw ")
	r.p("net/http client (keep-alive), with one code minted ahead and kept reusable by `WithReinit`. Latency is per request, ")
	r.p("client side, p50/p99 over every request of a run. cpu/op, B/op and allocs/op count client and server (one process). ")
	r.p("The handler columns are `ServeHTTP` alone, serially, without HTTP (`BenchmarkSandboxHandler`): the server's own ")
	r.p("time and allocations per request.\n\n")
	for _, s := range servers {
		r.p("- `%s`: %s\n", s.name, s.what)
	}
	r.p("\n| server | req/s | p50 | p99 | cpu/op | allocs/op (client+server) | handler time/op | handler allocs/op | handler B/op | req/s × unvalidated | req/s × bare |\n")
	r.p("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range servers {
		r.p("| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", s.name, fmtInt(r.m(sandboxName, s.name, "req/s")),
			fmtUs(r.m(sandboxName, s.name, "p50-us")), fmtUs(r.m(sandboxName, s.name, "p99-us")), fmtNs(r.m(sandboxName, s.name, "cpu-ns/op")),
			fmtInt(r.m(sandboxName, s.name, "allocs/op")), fmtNs(r.m(handlerName, s.name, "ns/op")), fmtInt(r.m(handlerName, s.name, "allocs/op")),
			fmtInt(r.m(handlerName, s.name, "B/op")),
			fmtRatio(r.x(sandboxName, s.name, "unvalidated", "req/s")), fmtRatio(r.x(sandboxName, s.name, "bare", "req/s")))
	}
	r.p("\n")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// profile is one `go tool pprof -top` output.
type profile struct {
	name, text string
}

// readProfiles reads dir/*.txt, sorted by name; a missing dir is no
// profiles.
func readProfiles(dir string) ([]profile, error) {
	if dir == "" {
		return nil, nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out []profile
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, profile{name: strings.TrimSuffix(filepath.Base(f), ".txt"), text: string(b)})
	}
	return out, nil
}
