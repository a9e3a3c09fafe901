// Command benchreport turns the raw `go test -bench` output of package bench
// (bench/results.txt) into BENCHMARKS.md: the median of every figure over
// the runs, the ratios against the baselines (the median of the per-pass
// ratios, both figures of a pair measured in the same pass), the verdict on
// each target, the hand-written analysis (bench/analysis.md) and the pprof
// outputs in bench/profiles.
//
// Usage (from the module root; `make bench` and `make bench-report` run it):
//
//	go run ./bench/cmd/benchreport -in bench/results.txt -out BENCHMARKS.md \
//		-notes bench/analysis.md -profiles bench/profiles
//
// The input is benchstat's format: "key: value" lines (goos, cpu, and the
// go, cores, cpu-model, date, commit and command lines the Makefile
// writes), "pass: N" lines that start pass N, and Benchmark lines whose
// units are CONTENDER-METRIC (see bench/interleave_test.go).
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	in := flag.String("in", "bench/results.txt", "raw `go test -bench` output")
	out := flag.String("out", "BENCHMARKS.md", "report to write (- for stdout)")
	notes := flag.String("notes", "bench/analysis.md", "hand-written analysis to include (optional)")
	profiles := flag.String("profiles", "bench/profiles", "directory of pprof -top outputs (*.txt) to include (optional)")
	flag.Parse()
	if err := run(*in, *out, *notes, *profiles); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(in, out, notesPath, profilesDir string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := parse(f)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(res.metrics) == 0 {
		return fmt.Errorf("%s: no benchmark results", in)
	}
	var notes []byte
	if notesPath != "" {
		notes, err = os.ReadFile(notesPath)
		if err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	profs, err := readProfiles(profilesDir)
	if err != nil {
		return err
	}
	text := (&report{res: res}).write(string(notes), profs)
	if out == "-" {
		_, err = os.Stdout.WriteString(text)
		return err
	}
	return os.WriteFile(out, []byte(text), 0o644)
}
