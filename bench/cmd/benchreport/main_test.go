package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleOutput = `go: go1.26.8
cores: 2
cpu-model: AMD EPYC 7763
command: go test -c -o bin/bench/bench.test ./bench
command: for pass in $(seq 2); do
command:   (cd bench && ../bin/bench/bench.test -test.bench .)
command: done
pass: 1
goos: linux
goarch: amd64
pkg: github.com/dfnskit/dfns-go/bench
cpu: AMD EPYC
BenchmarkDecode/kind=Fido2-2 	 14	 1269 body-bytes	 1976 dfns.ParseChallenge-B/op	 33.00 dfns.ParseChallenge-allocs/op	 8000 dfns.ParseChallenge-ns/op	 1688 json.Unmarshal-tagged-B/op	 31.00 json.Unmarshal-tagged-allocs/op	 8000 json.Unmarshal-tagged-ns/op	 1756204 kin.VisitJSON-2020-per-call-B/op	 21497 kin.VisitJSON-2020-per-call-allocs/op	 1700000 kin.VisitJSON-2020-per-call-ns/op
BenchmarkSandbox
    bench_test.go:1: something logged
BenchmarkCall/g=1-2 	 18	 159.2 dfns-allocs/op	 46000 dfns-ns/op	 21739 dfns-req/s	 122.3 raw-allocs/op	 40000 raw-ns/op	 25000 raw-req/s
PASS
ok  	github.com/dfnskit/dfns-go/bench	2.898s
pass: 2
BenchmarkDecode/kind=Fido2-2 	 14	 1269 body-bytes	 1976 dfns.ParseChallenge-B/op	 33.00 dfns.ParseChallenge-allocs/op	 9000 dfns.ParseChallenge-ns/op	 1688 json.Unmarshal-tagged-B/op	 31.00 json.Unmarshal-tagged-allocs/op	 10000 json.Unmarshal-tagged-ns/op
BenchmarkCall/g=1-2 	 18	 159.2 dfns-allocs/op	 50000 dfns-ns/op	 20000 dfns-req/s	 122.3 raw-allocs/op	 50000 raw-ns/op	 20000 raw-req/s
`

func TestParse(t *testing.T) {
	res, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if res.passes != 2 {
		t.Errorf("passes = %d, want 2", res.passes)
	}
	if got := res.config["cpu-model"]; got != "AMD EPYC 7763" {
		t.Errorf("cpu-model = %q", got)
	}
	wantCmd := "go test -c -o bin/bench/bench.test ./bench\nfor pass in $(seq 2); do\n  (cd bench && ../bin/bench/bench.test -test.bench .)\ndone"
	if got := res.config["command"]; got != wantCmd {
		t.Errorf("command = %q, want %q", got, wantCmd)
	}
	const fido2 = "Decode/kind=Fido2"
	s := res.get(fido2, "dfns.ParseChallenge-ns/op")
	if !s.ok || s.n != 2 || s.median != 8500 {
		t.Errorf("median = %+v, want 8500 of 2", s)
	}
	// Paired by pass: 8000/8000 and 9000/10000.
	r := res.ratio(fido2, "dfns.ParseChallenge-ns/op", fido2, "json.Unmarshal-tagged-ns/op")
	if !r.ok || r.n != 2 || math.Abs(r.median-0.95) > 1e-9 || r.lo != 0.9 || r.hi != 1 {
		t.Errorf("ratio = %+v", r)
	}
	// The 2020 path ran in pass 1 only: one pair.
	r = res.ratio(fido2, "kin.VisitJSON-2020-per-call-ns/op", fido2, "json.Unmarshal-tagged-ns/op")
	if !r.ok || r.n != 1 || r.median != 212.5 {
		t.Errorf("ratio = %+v", r)
	}
	if r := res.ratio(fido2, "dfns.ParseChallenge-ns/op", "no such benchmark", "ns/op"); r.ok {
		t.Errorf("ratio against nothing = %+v", r)
	}
}

func TestParseRejectsGarbage(t *testing.T) {
	if _, err := parse(strings.NewReader("BenchmarkX-2 12 abc ns/op\n")); err == nil {
		t.Error("a bad value was accepted")
	}
	if _, err := parse(strings.NewReader("pass: x\n")); err == nil {
		t.Error("a bad pass number was accepted")
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}, {[]float64{7}, 7}} {
		if got, ok := median(c.in); !ok || got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if _, ok := median(nil); ok {
		t.Error("median of nothing")
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "results.txt")
	notes := filepath.Join(dir, "analysis.md")
	profiles := filepath.Join(dir, "profiles")
	out := filepath.Join(dir, "BENCHMARKS.md")
	for path, text := range map[string]string{
		in:                                   sampleOutput,
		notes:                                "## Analysis\n\nWhy: because.",
		filepath.Join(profiles, "a.cpu.txt"): "      flat  flat%\n  10ms 1%  f\n",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(in, out, notes, profiles); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{
		"| Go | go1.26.8 |",
		"| CPU | AMD EPYC 7763 |",
		"**median of the 2 runs**",
		// 46000/40000 and 50000/50000: median 1.075.
		"full client call ≤ 1.10× raw net/http, 1 goroutine(s) sharing the client (time per call) | 1.075× (1.00–1.15) | **met** |",
		"| full client call ≤ 1.10× raw net/http, 64 goroutine(s) sharing the client (time per call) | – | no data |",
		// 8000/8000 and 9000/10000: median 0.95.
		"Fido2 decode + default validation ≤ 1.8× one json.Unmarshal into the tagged struct | 0.950× (0.90–1.00) | **met** |",
		"### Fido2, the largest answer (1,269 bytes)",
		"| `kin.VisitJSON-2020-per-call` | 1.70 ms | 1,756,204 | 21,497 | 212.50× |",
		"Why: because.",
		"### a.cpu",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if err := run(filepath.Join(dir, "missing.txt"), out, "", ""); err == nil {
		t.Error("a missing input was accepted")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
