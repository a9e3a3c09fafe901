package soak

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Report is what a run measured. String prints it; Check applies the
// expectations.
type Report struct {
	// Config is the run's configuration, defaults filled in.
	Config Config
	// Elapsed is the time from the first worker's start to the last one's
	// end.
	Elapsed time.Duration
	// Stopped says what ended the run: "duration", "max requests" or
	// "context done" (the most common reason among the workers).
	Stopped string

	// Iterations is the number of codes the workers minted and redeemed;
	// Requests the number of HTTP requests (a second redemption counts).
	Iterations, Requests int64
	// P50, P99 and Max are the latencies of the requests, as the clients
	// saw them (P50 and P99 within 3.2 %).
	P50, P99, Max time.Duration
	// Outcomes counts the requests by phase ("redeem", "redeem again") and
	// outcome ("200", "401 code_invalid", "transport error"…).
	Outcomes map[string]int64
	// Unexpected counts the requests whose outcome was not the expected
	// one; Failures describes the first few.
	Unexpected int64
	Failures   []string

	// Minted, Consumed and Reused are the client side's counts: codes
	// minted, redeemed with a valid challenge, and refused with
	// dfns.ErrUnauthorized when redeemed again.
	Minted, Consumed, Reused int64
	// The sandbox's side, from its log: codes minted, init answers 200,
	// init answers 401 "code already used" and 401 "code unknown" (a used
	// code the sandbox swept from its store, to bound its memory, is
	// refused as unknown), and all requests.
	SandboxMinted, SandboxConsumed, SandboxRequests int64
	SandboxRefusedUsed, SandboxRefusedUnknown       int64
	// SandboxOutcomes counts the sandbox's log lines by "path status
	// reason".
	SandboxOutcomes map[string]int64

	// Dials is the number of TCP connections the clients opened.
	Dials int64
	// Records is how many request records the sandbox kept
	// (dfnstest.Sandbox.Requests) at the end.
	Records int

	// Baseline is before the sandbox started; Before just before the
	// workers started; After once they ended and the idle connections were
	// closed, the sandbox still up; AfterReset after ResetRequests;
	// AfterClose after the sandbox was closed.
	Baseline, Before, After, AfterReset, AfterClose Sample

	// Series is the heap in use every Config.SampleEvery while the workers
	// ran, starting with Before's. HeapVerdict judges it: "flat", "growing",
	// "over the ceiling" or "not judged" (no sample after the warm-up);
	// HeapWhy says why.
	Series               []HeapPoint
	HeapVerdict, HeapWhy string

	label string // the run's pprof label value
}

// merge adds up the workers' figures.
func (r *Report) merge(workers []*worker) {
	var hist histogram
	r.Outcomes = make(map[string]int64)
	stops := make(map[string]int)
	for _, w := range workers {
		hist.merge(&w.hist)
		for k, n := range w.outcomes {
			r.Outcomes[k] += n
		}
		r.Unexpected += w.unexpected
		for _, f := range w.failures {
			if len(r.Failures) < maxFailures {
				r.Failures = append(r.Failures, f)
			}
		}
		r.Iterations += w.iterations
		r.Requests += w.requests
		r.Minted += w.minted
		r.Consumed += w.consumed
		r.Reused += w.reused
		stops[w.stopped]++
	}
	r.P50, r.P99, r.Max = hist.quantile(0.50), hist.quantile(0.99), hist.max
	for _, s := range []string{stopContext, stopBudget, stopDuration} {
		if stops[s] > stops[r.Stopped] {
			r.Stopped = s
		}
	}
}

// expectedSandboxOutcome reports whether a line of SandboxOutcomes is one
// a soak expects.
func expectedSandboxOutcome(k string) bool {
	return k == sandboxConsumed || k == sandboxRefusedUsed || k == sandboxRefusedUnknown
}

// RequestsPerSecond is Requests over Elapsed.
func (r Report) RequestsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

// Check applies the expectations of a soak: requests were made; every
// outcome was the expected one; every minted code was consumed exactly
// once, as both the clients and the sandbox counted, and every second
// redemption refused; the sandbox answered nothing else; and no goroutine
// outlived the run (within a small constant slack), nor did the sandbox's
// memory outlive the sandbox.
func (r Report) Check() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if r.Requests == 0 {
		add("no request was made")
	}
	if r.Unexpected != 0 {
		add("%d unexpected outcomes; the first: %s", r.Unexpected, strings.Join(r.Failures, "; "))
	}
	if r.Consumed != r.Minted {
		add("clients: %d codes minted, %d consumed", r.Minted, r.Consumed)
	}
	if r.SandboxMinted != r.Minted || r.SandboxConsumed != r.Minted {
		add("sandbox: %d codes minted and %d consumed, the clients minted %d", r.SandboxMinted, r.SandboxConsumed, r.Minted)
	}
	if r.SandboxRefusedUsed+r.SandboxRefusedUnknown != r.Reused {
		add("sandbox: %d codes refused as used or unknown, the clients redeemed %d again",
			r.SandboxRefusedUsed+r.SandboxRefusedUnknown, r.Reused)
	}
	if r.SandboxRequests != r.Requests {
		add("sandbox: %d requests, the clients made %d", r.SandboxRequests, r.Requests)
	}
	for _, k := range slices.Sorted(maps.Keys(r.SandboxOutcomes)) {
		if !expectedSandboxOutcome(k) {
			add("sandbox: %d unexpected answers %s", r.SandboxOutcomes[k], k)
		}
	}
	if r.After.Goroutines > r.Before.Goroutines {
		add("goroutines: %d before the run, %d after", r.Before.Goroutines, r.After.Goroutines)
	}
	if r.AfterClose.Goroutines != 0 {
		add("goroutines: %d of the run's left after the sandbox closed", r.AfterClose.Goroutines)
	}
	if r.HeapVerdict == heapGrowing || r.HeapVerdict == heapOver {
		add("heap %s: %s", r.HeapVerdict, r.HeapWhy)
	}
	if r.AfterClose.HeapInuse > r.Baseline.HeapInuse+heapSlack {
		add("heap: %s before the sandbox started, %s after it closed", mib(r.Baseline.HeapInuse), mib(r.AfterClose.HeapInuse))
	}
	return errors.Join(errs...)
}

// String prints the report.
func (r Report) String() string {
	var b strings.Builder
	p := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "  %-13s %s\n", label, fmt.Sprintf(format, args...))
	}
	fmt.Fprintf(&b, "soak: %d clients for %v, at most %d requests (stopped by %s)\n",
		r.Config.Clients, r.Config.Duration, r.Config.MaxRequests, r.Stopped)
	p("requests", "%d in %v: %.0f req/s (%d codes)", r.Requests, r.Elapsed.Round(time.Millisecond), r.RequestsPerSecond(), r.Iterations)
	p("latency", "p50 %v  p99 %v  max %v", round(r.P50), round(r.P99), round(r.Max))
	for i, k := range slices.Sorted(maps.Keys(r.Outcomes)) {
		label := ""
		if i == 0 {
			label = "outcomes"
		}
		p(label, "%-40s %d", k, r.Outcomes[k])
	}
	p("unexpected", "%d", r.Unexpected)
	for _, f := range r.Failures {
		p("", "%s", f)
	}
	p("codes", "clients: minted %d, consumed %d, refused when redeemed again %d", r.Minted, r.Consumed, r.Reused)
	p("", "sandbox: minted %d, consumed %d, refused as used %d (as unknown after a sweep %d), requests %d",
		r.SandboxMinted, r.SandboxConsumed, r.SandboxRefusedUsed+r.SandboxRefusedUnknown, r.SandboxRefusedUnknown, r.SandboxRequests)
	for _, k := range slices.Sorted(maps.Keys(r.SandboxOutcomes)) {
		if !expectedSandboxOutcome(k) {
			p("", "sandbox, unexpected: %s: %d", k, r.SandboxOutcomes[k])
		}
	}
	p("connections", "%d dialed", r.Dials)
	p("goroutines", "baseline %d, before %d, after %d, after close %d",
		r.Baseline.Goroutines, r.Before.Goroutines, r.After.Goroutines, r.AfterClose.Goroutines)
	p("heap in use", "baseline %s, before %s, after %s (sandbox up), after close %s",
		mib(r.Baseline.HeapInuse), mib(r.Before.HeapInuse), mib(r.After.HeapInuse), mib(r.AfterClose.HeapInuse))
	p("heap live", "baseline %s, before %s, after %s (sandbox up), after close %s",
		mib(r.Baseline.HeapAlloc), mib(r.Before.HeapAlloc), mib(r.After.HeapAlloc), mib(r.AfterClose.HeapAlloc))
	p("", "after, the sandbox's request records: in use %s, live %s (Requests returned the last %d; ResetRequests frees them)",
		mib(sub(r.After.HeapInuse, r.AfterReset.HeapInuse)), mib(sub(r.After.HeapAlloc, r.AfterReset.HeapAlloc)), r.Records)
	inuse, live := sub(r.AfterReset.HeapInuse, r.AfterClose.HeapInuse), sub(r.AfterReset.HeapAlloc, r.AfterClose.HeapAlloc)
	p("", "after, the rest of the sandbox's state: in use %s, live %s, %s per code (codes and", mib(inuse), mib(live), perCode(live, r.Iterations))
	p("", "challenges within the sandbox's ceilings; freed when the sandbox closes)")
	for i := 0; i < len(r.Series); i += 6 {
		var row []string
		for _, pt := range r.Series[i:min(i+6, len(r.Series))] {
			row = append(row, fmt.Sprintf("%v %s", pt.At, mib(pt.HeapInuse)))
		}
		label := ""
		if i == 0 {
			label = "heap series"
		}
		p(label, "%s", strings.Join(row, ", "))
	}
	p("heap verdict", "%s: %s", r.HeapVerdict, r.HeapWhy)
	return b.String()
}

// round rounds a latency for printing.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// sub is a - b, 0 if negative.
func sub(a, b uint64) uint64 { return a - min(a, b) }

// perCode prints bytes per code.
func perCode(n uint64, codes int64) string {
	if codes <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d B", n/uint64(codes))
}

// mib prints bytes in MiB.
func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
