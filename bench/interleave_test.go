package bench

import (
	"flag"
	"regexp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// onlyContender restricts every benchmark to the contenders whose name
// matches, for profiling one of them: -contender '^dfns$'.
var onlyContender = flag.String("contender", "", "run only the contenders whose name matches this regular expression (for profiles)")

// turnOps fixes the number of operations of every turn instead of its
// duration, so that two profiles run with the same -benchtime Nx count the
// same operations and can be subtracted: -turnops 1000.
var turnOps = flag.Int("turnops", 0, "operations per turn, instead of a duration (for profiles)")

// contender is one of the things a benchmark compares: do performs one
// operation (a decode, a call, a request) and fails on a wrong answer.
type contender struct {
	name string
	do   func() error
}

// interleaveOptions says how interleave drives the contenders.
type interleaveOptions struct {
	// goroutines share each slice's operations (1: the benchmark's
	// goroutine alone).
	goroutines int
	// slice is the target duration of one contender's turn.
	slice time.Duration
	// load adds req/s and the process's CPU time per operation.
	load bool
	// latencies adds the median and 99th percentile of the operations'
	// latencies, in µs.
	latencies bool
}

// tally is what interleave measures of one contender.
type tally struct {
	ops     int64
	mallocs uint64
	bytes   uint64
	wallOp  []float64 // wall-clock ns per operation, one per turn
	cpuOp   []float64 // CPU ns per operation, one per turn
	lat     []time.Duration
	perOp   time.Duration // running estimate, to size the next turn
}

// interleave measures the contenders in alternation, so that every figure
// and every ratio between them comes from the same seconds of a shared,
// noisy machine: each of the b.N rounds gives every contender one turn
// (about opts.slice long, the order rotating from round to round), with a
// full GC before each turn so that a contender's garbage is collected on its
// own time. It reports, for each contender NAME, the metrics NAME-ns/op
// (wall-clock time per operation, the median over the turns, so that a turn
// the machine stalled does not count; 1/throughput with several
// goroutines), NAME-B/op and NAME-allocs/op (means, from runtime.MemStats:
// with an in-process server they count the server too), and with opts.load
// NAME-req/s (1e9/NAME-ns/op) and NAME-cpu-ns/op (the process's user+system
// CPU time per operation, median over the turns), with opts.latencies
// NAME-p50-us and NAME-p99-us over every operation. The benchmark's own
// ns/op (a round) is suppressed.
func interleave(b *testing.B, opts interleaveOptions, cs []contender) {
	b.Helper()
	if *onlyContender != "" {
		re, err := regexp.Compile(*onlyContender)
		if err != nil {
			b.Fatal(err)
		}
		cs = slices.DeleteFunc(slices.Clone(cs), func(c contender) bool { return !re.MatchString(c.name) })
		if len(cs) == 0 {
			b.Skip("no contender matches -contender")
		}
	}
	g := max(opts.goroutines, 1)
	tallies := make([]tally, len(cs))
	// Warm up (connection pools, lazy initialisation), then estimate each
	// contender's time per operation with pilot turns of growing size, so
	// that the first round has turns of the right length: the testing
	// package sizes b.N from it. With -turnops, the profiles of two
	// contenders must count the same operations: no pilot.
	for i, c := range cs {
		warm(b, g, c.do)
		t := &tallies[i]
		for k := int64(g); *turnOps == 0; k *= 2 {
			start := time.Now()
			if !run(b, g, k, c, nil) {
				return
			}
			wall := time.Since(start)
			t.perOp = max(wall/time.Duration(k), time.Nanosecond)
			if wall >= opts.slice/4 {
				break
			}
		}
	}
	b.ResetTimer()
	for round := range b.N {
		for j := range cs {
			i := (round + j) % len(cs)
			if !turn(b, g, opts, cs[i], &tallies[i]) {
				return
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(0, "ns/op")
	for i, c := range cs {
		t := &tallies[i]
		if t.ops == 0 {
			continue
		}
		n := float64(t.ops)
		wall := median(t.wallOp)
		b.ReportMetric(wall, c.name+"-ns/op")
		b.ReportMetric(float64(t.bytes)/n, c.name+"-B/op")
		b.ReportMetric(float64(t.mallocs)/n, c.name+"-allocs/op")
		if opts.load {
			b.ReportMetric(1e9/wall, c.name+"-req/s")
			if cpu := median(t.cpuOp); cpu > 0 {
				b.ReportMetric(cpu, c.name+"-cpu-ns/op")
			}
		}
		if opts.latencies {
			slices.Sort(t.lat)
			b.ReportMetric(float64(percentile(t.lat, 50))/1e3, c.name+"-p50-us")
			b.ReportMetric(float64(percentile(t.lat, 99))/1e3, c.name+"-p99-us")
		}
	}
}

// turn runs one slice of c and adds it to t; false if an operation failed.
func turn(b *testing.B, g int, opts interleaveOptions, c contender, t *tally) bool {
	k := int64(*turnOps)
	if k <= 0 {
		k = max(int64(opts.slice/max(t.perOp, time.Nanosecond)), int64(g))
	}
	var lat []time.Duration
	if opts.latencies {
		base := len(t.lat)
		t.lat = slices.Grow(t.lat, int(k))[:base+int(k)]
		lat = t.lat[base:]
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu := processCPU()
	start := time.Now()
	ok := run(b, g, k, c, lat)
	wall := time.Since(start)
	cpu = processCPU() - cpu
	runtime.ReadMemStats(&after)
	if !ok {
		return false
	}
	t.ops += k
	t.wallOp = append(t.wallOp, float64(wall.Nanoseconds())/float64(k))
	t.cpuOp = append(t.cpuOp, float64(cpu.Nanoseconds())/float64(k))
	t.mallocs += after.Mallocs - before.Mallocs
	t.bytes += after.TotalAlloc - before.TotalAlloc
	t.perOp = max(wall/time.Duration(k), time.Nanosecond)
	return true
}

// run performs k operations of c from g goroutines, recording each one's
// latency in lat if it is not nil; false if an operation failed.
func run(b *testing.B, g int, k int64, c contender, lat []time.Duration) bool {
	if g == 1 && lat == nil {
		for range k {
			if err := c.do(); err != nil {
				b.Error(err)
				return false
			}
		}
		return true
	}
	var failed atomic.Bool
	var next atomic.Int64
	var wg sync.WaitGroup
	for range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := next.Add(1) - 1
				if i >= k {
					return
				}
				var t0 time.Time
				if lat != nil {
					t0 = time.Now()
				}
				if err := c.do(); err != nil {
					failed.Store(true)
					b.Error(err)
					return
				}
				if lat != nil {
					lat[i] = time.Since(t0)
				}
			}
		}()
	}
	wg.Wait()
	return !failed.Load()
}

// warm makes g concurrent calls of do, so that, for a client, the transport
// holds g idle connections before anything is measured.
func warm(b *testing.B, g int, do func() error) {
	b.Helper()
	errs := make(chan error, g)
	for range g {
		go func() { errs <- do() }()
	}
	for range g {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
}

// median of xs (0 for none); xs is sorted in place.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// percentile is the nearest-rank p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // the smallest rank with p% at or below it
	return sorted[max(rank, 1)-1]
}
