package soak

import (
	"context"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestHistogram checks the buckets and the quantiles' precision.
func TestHistogram(t *testing.T) {
	prev := -1
	for v := uint64(0); v < 1<<20; v++ {
		b := bucketOf(v)
		if b < prev || b > prev+1 {
			t.Fatalf("bucket of %d is %d after %d", v, b, prev)
		}
		if lo, hi := bucketBounds(b); v < lo || v > hi {
			t.Fatalf("%d in bucket %d of bounds [%d, %d]", v, b, lo, hi)
		}
		prev = b
	}
	if b := bucketOf(1<<63 - 1); b >= len(histogram{}.counts) {
		t.Fatalf("the largest duration falls in bucket %d of %d", b, len(histogram{}.counts))
	}

	var h histogram
	if h.quantile(0.5) != 0 {
		t.Error("an empty histogram has a median")
	}
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Microsecond)
	}
	for q, want := range map[float64]time.Duration{0.5: 500 * time.Microsecond, 0.99: 990 * time.Microsecond, 1: time.Millisecond} {
		got := h.quantile(q)
		if diff := (got - want).Abs(); float64(diff) > 0.032*float64(want) {
			t.Errorf("q%v = %v, want %v", q, got, want)
		}
	}
	var m histogram
	m.merge(&h)
	m.merge(&h)
	if m.n != 2000 || m.max != time.Millisecond || m.quantile(0.5) != h.quantile(0.5) {
		t.Errorf("merged: n %d, max %v, median %v", m.n, m.max, m.quantile(0.5))
	}
}

// TestConfig checks the defaults and the limits.
func TestConfig(t *testing.T) {
	c, err := Config{}.withDefaults()
	if err != nil || c.Clients != DefaultClients || c.Duration != DefaultDuration || c.MaxRequests != DefaultMaxRequests {
		t.Errorf("%+v %v", c, err)
	}
	for _, bad := range []Config{{Clients: -1}, {Clients: maxClients + 1}, {Duration: -time.Second}, {Duration: 2 * maxDuration}, {MaxRequests: -1}} {
		if _, err := Run(context.Background(), bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestRunBounds checks that a run stops at MaxRequests and at once on a
// done context, with the expectations met.
func TestRunBounds(t *testing.T) {
	rep, err := Run(context.Background(), Config{Clients: 4, Duration: time.Minute, MaxRequests: 40})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stopped != stopBudget || rep.Requests > 40 || rep.Requests < 38 || rep.Elapsed > 30*time.Second {
		t.Errorf("stopped by %s after %d requests in %v", rep.Stopped, rep.Requests, rep.Elapsed)
	}
	if err := rep.Check(); err != nil {
		t.Errorf("%v\n%s", err, rep)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err = Run(ctx, Config{Clients: 2, Duration: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stopped != stopContext || rep.Requests != 0 {
		t.Errorf("stopped by %s after %d requests", rep.Stopped, rep.Requests)
	}
	if err := rep.Check(); err == nil || !strings.Contains(err.Error(), "no request") {
		t.Errorf("Check of an empty run: %v", err)
	}
}

// TestCheck checks that each broken expectation is reported.
func TestCheck(t *testing.T) {
	good := Report{
		Requests: 11, Iterations: 10, Minted: 10, Consumed: 10, Reused: 1,
		SandboxMinted: 10, SandboxConsumed: 10, SandboxRefusedUsed: 1, SandboxRequests: 11,
		SandboxOutcomes: map[string]int64{sandboxConsumed: 10, sandboxRefusedUsed: 1},
		Before:          Sample{Goroutines: 3}, After: Sample{Goroutines: 3},
	}
	if err := good.Check(); err != nil {
		t.Fatalf("a good report: %v", err)
	}
	for want, breakIt := range map[string]func(r *Report){
		"unexpected outcomes": func(r *Report) { r.Unexpected, r.Failures = 1, []string{"redeem Key: boom"} },
		"consumed":            func(r *Report) { r.Consumed = 9 },
		"sandbox: 9 codes":    func(r *Report) { r.SandboxMinted = 9 },
		"refused as used":     func(r *Report) { r.SandboxRefusedUsed = 0 },
		"the clients made":    func(r *Report) { r.SandboxRequests = 12 },
		"unexpected answers":  func(r *Report) { r.SandboxOutcomes = map[string]int64{initPath + " 500": 1} },
		"goroutines: 3":       func(r *Report) { r.After.Goroutines = 4 },
		"left after":          func(r *Report) { r.AfterClose.Goroutines = 1 },
		"heap growing":        func(r *Report) { r.HeapVerdict, r.HeapWhy = heapGrowing, "x" },
		"heap over":           func(r *Report) { r.HeapVerdict, r.HeapWhy = heapOver, "x" },
		"after it closed":     func(r *Report) { r.AfterClose.HeapInuse = heapSlack + 1 },
	} {
		r := good
		breakIt(&r)
		if err := r.Check(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", want, err)
		}
	}
	if s := good.String(); !strings.Contains(s, "req/s") || !strings.Contains(s, "heap in use") {
		t.Errorf("String:\n%s", s)
	}
}

// TestCountLabelled checks that only the goroutines of a run's label are
// counted, whatever else runs.
func TestCountLabelled(t *testing.T) {
	label := newRunLabel()
	stop := make(chan struct{})
	var wg, started sync.WaitGroup
	started.Add(9)
	for range 5 { // not labelled
		wg.Go(func() { started.Done(); <-stop })
	}
	pprof.Do(context.Background(), pprof.Labels(labelKey, label), func(context.Context) {
		for range 3 {
			wg.Go(func() {
				// A grandchild inherits the label too.
				done := make(chan struct{})
				go func() { started.Done(); <-stop; close(done) }()
				<-done
			})
		}
	})
	other := newRunLabel()
	pprof.Do(context.Background(), pprof.Labels(labelKey, other), func(context.Context) {
		wg.Go(func() { started.Done(); <-stop })
	})
	started.Wait()
	if n := countLabelled(label); n != 6 {
		t.Errorf("%d goroutines of the run, want 6", n)
	}
	if n := countLabelled(other); n != 1 {
		t.Errorf("%d goroutines of the other run, want 1", n)
	}
	close(stop)
	wg.Wait()
	r := Report{label: label}
	if s := r.settle(0); s.Goroutines != 0 {
		t.Errorf("%d goroutines after they ended", s.Goroutines)
	}
}

// TestHeapVerdict checks the judgement of the heap series.
func TestHeapVerdict(t *testing.T) {
	const mb = 1 << 20
	series := func(mbs ...uint64) []HeapPoint {
		var out []HeapPoint
		for i, m := range mbs {
			out = append(out, HeapPoint{At: time.Duration(i) * 30 * time.Second, HeapInuse: m * mb})
		}
		return out
	}
	for _, tt := range []struct {
		series []HeapPoint
		want   string
	}{
		{series(3, 90, 60, 70, 75, 62, 74), heapFlat},         // the first minute may climb
		{series(3, 40, 80, 60, 98, 62, 96, 61, 97), heapFlat}, // a sawtooth
		{series(3, 40), heapNotJudged},
		{nil, heapNotJudged},
		{series(3, 50, 60, 70, 80, 90, 100), heapGrowing},
		{series(3, 120, 125, 130), heapOver},
	} {
		got, why := heapVerdict(tt.series, time.Minute, 128*mb, heapTolerance)
		if got != tt.want || why == "" {
			t.Errorf("%v: %s (%s), want %s", tt.series, got, why, tt.want)
		}
	}
}
