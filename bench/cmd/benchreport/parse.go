package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// sample is one measurement of one metric, with the pass it came from.
type sample struct {
	pass  int
	value float64
}

// results is a parsed `go test -bench` output.
type results struct {
	// config holds the first value of each "key: value" line (goos,
	// goarch, cpu, and the go, cores, cpu-model, date and commit lines
	// the Makefile writes), but "command" lines, which are joined.
	config map[string]string
	// metrics maps a benchmark name (without its -GOMAXPROCS suffix) and a
	// unit (ns/op, allocs/op, req/s…) to its samples.
	metrics map[string]map[string][]sample
	// passes is the number of "pass: N" lines seen (at least 1 once a
	// benchmark line is seen).
	passes int
}

var (
	configLine = regexp.MustCompile(`^([a-z][a-zA-Z0-9_-]*):\s*(.*)$`)
	procSuffix = regexp.MustCompile(`-[0-9]+$`)
)

// parse reads benchmark output. Every "pass: N" line starts pass N; lines
// before the first belong to pass 1. Lines that are neither configuration
// nor benchmark results (PASS, ok …) are ignored.
func parse(r io.Reader) (*results, error) {
	res := &results{config: map[string]string{}, metrics: map[string]map[string][]sample{}}
	pass := 1
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "Benchmark") {
			if err := res.addBenchLine(text, pass); err != nil {
				return nil, fmt.Errorf("line %d: %w", line, err)
			}
			res.passes = max(res.passes, pass)
			continue
		}
		if m := configLine.FindStringSubmatch(text); m != nil {
			if m[1] == "pass" {
				n, err := strconv.Atoi(strings.TrimSpace(m[2]))
				if err != nil {
					return nil, fmt.Errorf("line %d: bad pass number %q", line, m[2])
				}
				pass = n
				continue
			}
			if m[1] == "command" {
				// The command spans several lines, each "command: …",
				// indentation kept.
				cmd := strings.TrimRight(strings.TrimPrefix(strings.TrimPrefix(sc.Text(), "command:"), " "), " \t")
				if c, ok := res.config["command"]; ok {
					cmd = c + "\n" + cmd
				}
				res.config["command"] = cmd
				continue
			}
			if _, ok := res.config[m[1]]; !ok {
				res.config[m[1]] = strings.TrimSpace(m[2])
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// addBenchLine records "BenchmarkName-P  N  v unit  v unit…".
func (res *results) addBenchLine(text string, pass int) error {
	f := strings.Fields(text)
	if len(f) < 4 || len(f)%2 != 0 {
		// A benchmark that failed or logged prints its name alone.
		if len(f) == 1 {
			return nil
		}
		return fmt.Errorf("not a benchmark result: %q", text)
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return fmt.Errorf("bad iteration count in %q", text)
	}
	name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
	m := res.metrics[name]
	if m == nil {
		m = map[string][]sample{}
		res.metrics[name] = m
	}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return fmt.Errorf("bad value %q in %q", f[i], text)
		}
		m[f[i+1]] = append(m[f[i+1]], sample{pass: pass, value: v})
	}
	return nil
}

// median of xs; NaN-free callers only. ok is false when xs is empty.
func median(xs []float64) (float64, bool) {
	if len(xs) == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2], true
	}
	return (s[n/2-1] + s[n/2]) / 2, true
}

// stat is the median of a metric and the number of samples behind it.
type stat struct {
	median float64
	n      int
	ok     bool
}

// get returns the median of name's unit.
func (res *results) get(name, unit string) stat {
	ss := res.metrics[name][unit]
	vs := make([]float64, len(ss))
	for i, s := range ss {
		vs[i] = s.value
	}
	m, ok := median(vs)
	return stat{median: m, n: len(vs), ok: ok}
}

// ratio is the median of the per-pass ratios a/b, with their range.
type ratio struct {
	median, lo, hi float64
	n              int
	ok             bool
}

// ratio pairs the samples of aName's aUnit and bName's bUnit by pass. With
// the same name, both come from one benchmark run, in which the contenders
// took turns.
func (res *results) ratio(aName, aUnit, bName, bUnit string) ratio {
	bs := map[int][]float64{}
	for _, s := range res.metrics[bName][bUnit] {
		bs[s.pass] = append(bs[s.pass], s.value)
	}
	used := map[int]int{}
	var rs []float64
	for _, s := range res.metrics[aName][aUnit] {
		list := bs[s.pass]
		i := used[s.pass]
		if i >= len(list) || list[i] == 0 {
			continue
		}
		used[s.pass]++
		rs = append(rs, s.value/list[i])
	}
	m, ok := median(rs)
	if !ok {
		return ratio{}
	}
	return ratio{median: m, lo: slices.Min(rs), hi: slices.Max(rs), n: len(rs), ok: true}
}
