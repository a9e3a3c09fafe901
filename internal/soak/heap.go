package soak

import (
	"bufio"
	"bytes"
	"fmt"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// A run's goroutines are told from the rest of the process's by a pprof
// label: Run serves under pprof.Do with labelKey set to the run's own value,
// and every goroutine started from there (the server's accept loop and
// connections, the workers, the transport's) inherits it. Another test of
// the process, or the runtime, cannot disturb the count.
const labelKey = "dfns-soak-run"

var runs atomic.Int64

// newRunLabel returns a label value no other run of the process has.
func newRunLabel() string { return strconv.FormatInt(runs.Add(1), 10) }

// countLabelled returns the number of goroutines labelled labelKey=value,
// from the goroutine profile's text form (debug=1: records of "N @ pcs"
// followed by "# labels: {…}" when the goroutines have labels).
func countLabelled(value string) int {
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		return -1
	}
	want := fmt.Sprintf("%q:%q", labelKey, value)
	n, count := 0, 0
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if head, _, ok := strings.Cut(line, " @ "); ok {
			count, _ = strconv.Atoi(head)
			continue
		}
		if strings.HasPrefix(line, "# labels: ") && strings.Contains(line, want) {
			n += count
			count = 0
		}
	}
	return n
}

// HeapPoint is one sample of the heap series: the heap in use, after two
// collections, At the time since the workers started.
type HeapPoint struct {
	At        time.Duration
	HeapInuse uint64
}

// sampleHeap collects garbage and reads the heap in use.
func sampleHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// sampleEvery samples the heap every d from start until stop is closed.
func sampleEvery(start time.Time, d time.Duration, stop <-chan struct{}) []HeapPoint {
	t := time.NewTicker(d)
	defer t.Stop()
	var series []HeapPoint
	for {
		select {
		case <-stop:
			return series
		case <-t.C:
			series = append(series, HeapPoint{At: time.Since(start).Round(time.Second), HeapInuse: sampleHeap()})
		}
	}
}

// The heap verdicts.
const (
	heapFlat       = "flat"
	heapGrowing    = "growing"
	heapOver       = "over the ceiling"
	heapNotJudged  = "not judged"
	heapNoSamples  = "no sample after the warm-up (the run is shorter)"
	heapFlatReason = "after the warm-up, mean %s in the first half, %s in the second (growth allowed %s), every sample at most %s"
)

// heapVerdict judges the series: every sample after warmup must be at most
// ceiling, and the mean of the second half of them must exceed that of the
// first half by at most tolerance (the ceilings of the sandbox's stores make
// a sawtooth that a comparison of single samples would take for growth).
func heapVerdict(series []HeapPoint, warmup time.Duration, ceiling, tolerance uint64) (verdict, why string) {
	var after []HeapPoint
	for _, p := range series {
		if p.At >= warmup {
			after = append(after, p)
		}
	}
	if len(after) == 0 {
		return heapNotJudged, heapNoSamples
	}
	for _, p := range after {
		if p.HeapInuse > ceiling {
			return heapOver, fmt.Sprintf("%s at %v, ceiling %s", mib(p.HeapInuse), p.At, mib(ceiling))
		}
	}
	half := (len(after) + 1) / 2
	first, second := meanHeap(after[:half]), meanHeap(after[len(after)-half:])
	if second > first+tolerance {
		return heapGrowing, fmt.Sprintf("mean %s from %v, %s up to %v: more than %s of growth",
			mib(first), after[0].At, mib(second), after[len(after)-1].At, mib(tolerance))
	}
	return heapFlat, fmt.Sprintf(heapFlatReason, mib(first), mib(second), mib(tolerance), mib(ceiling))
}

// meanHeap is the mean heap in use of points.
func meanHeap(points []HeapPoint) uint64 {
	var sum uint64
	for _, p := range points {
		sum += p.HeapInuse
	}
	return sum / uint64(len(points))
}
