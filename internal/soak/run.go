package soak

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// initPath is the path of init, as the sandbox logs it.
const initPath = "/auth/credentials/code/init"

// Run starts a sandbox on loopback, runs cfg.Clients workers against it
// until cfg.Duration has passed, cfg.MaxRequests requests have been made or
// ctx is done (whichever comes first; requests in flight then finish), and
// reports what happened. The error is for a run that could not start; the
// expectations are Report.Check's.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Report{}, err
	}
	rep := Report{Config: cfg}

	// Keep the one-time costs of the package (loading the spec, about a
	// megabyte) out of the figures.
	dfnstest.New()
	rep.label = newRunLabel()
	rep.Baseline = rep.sample()
	pprof.Do(ctx, pprof.Labels(labelKey, rep.label), func(ctx context.Context) { err = rep.serve(ctx) })
	if err != nil {
		return rep, err
	}
	// Nothing of the sandbox is reachable any more: serve has returned.
	rep.AfterClose = rep.settle(0)
	rep.HeapVerdict, rep.HeapWhy = heapVerdict(rep.Series, cfg.Warmup, cfg.HeapCeiling, heapTolerance)
	return rep, nil
}

// serve starts the sandbox, runs the workers against it and closes it,
// filling in r from Before to AfterReset.
func (r *Report) serve(ctx context.Context) error {
	counter := newSandboxCounter()
	srv := dfnstest.NewServer(dfnstest.WithLogger(slog.New(counter)))
	defer srv.Close()

	hc := srv.Client()
	tr, ok := hc.Transport.(*http.Transport)
	if !ok {
		return fmt.Errorf("soak: the server's client has a %T, not an *http.Transport", hc.Transport)
	}
	var dials atomic.Int64
	instrument(tr, r.Config.Clients, &dials)

	workers := make([]*worker, r.Config.Clients)
	for i := range workers {
		c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(hc))
		if err != nil {
			return fmt.Errorf("soak: %w", err)
		}
		workers[i] = &worker{client: c, srv: srv, outcomes: make(map[string]int64)}
	}

	r.Before = r.sample()
	var budget atomic.Int64
	budget.Store(r.Config.MaxRequests)
	start := time.Now()
	deadline := start.Add(r.Config.Duration)
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() { r.Series = sampleEvery(start, r.Config.SampleEvery, stop) })
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() { w.run(ctx, deadline, &budget) })
	}
	wg.Wait()
	r.Elapsed = time.Since(start)
	close(stop)
	sampler.Wait()
	r.Series = append([]HeapPoint{{HeapInuse: r.Before.HeapInuse}}, r.Series...)
	r.merge(workers)
	r.Dials = dials.Load()
	clear(workers) // the histograms and maps are garbage from here on

	// Goroutines and heap with the sandbox up, then without its request
	// records.
	tr.CloseIdleConnections()
	r.After = r.settle(r.Before.Goroutines)
	r.Records = len(srv.Requests())
	srv.ResetRequests()
	r.AfterReset = r.sample()
	r.SandboxMinted = counter.minted.Load()
	r.SandboxOutcomes = counter.snapshot()
	for k, n := range r.SandboxOutcomes {
		r.SandboxRequests += n
		switch k {
		case sandboxConsumed:
			r.SandboxConsumed = n
		case sandboxRefusedUsed:
			r.SandboxRefusedUsed = n
		case sandboxRefusedUnknown:
			r.SandboxRefusedUnknown = n
		}
	}
	return nil
}

// The lines of SandboxOutcomes a soak expects.
const (
	sandboxConsumed    = initPath + " 200"
	sandboxRefusedUsed = initPath + ` 401 "code already used"`
	// A used code the sandbox has swept from its store is refused as
	// unknown, with the same answer (see dfnstest's codeStore.add).
	sandboxRefusedUnknown = initPath + ` 401 "code unknown"`
)

// instrument counts the transport's dials, and lets it keep one idle
// connection per worker: with net/http's default of two, 64 workers would
// open a connection for most requests and exhaust the loopback's ports.
func instrument(tr *http.Transport, clients int, dials *atomic.Int64) {
	dial := tr.DialContext
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dial(ctx, network, addr)
	}
	tr.MaxIdleConnsPerHost = clients
}

// Sample is the run's goroutines and the process's heap at one point of a
// run.
type Sample struct {
	// Goroutines is the number of the run's goroutines (those labelled
	// with the run's pprof label), whatever else the process runs.
	Goroutines int
	// HeapInuse is runtime.MemStats.HeapInuse after runtime.GC, in bytes:
	// the spans holding at least one live object.
	HeapInuse uint64
	// HeapAlloc is runtime.MemStats.HeapAlloc after runtime.GC, in bytes:
	// the live objects. Long-lived objects scattered among short-lived ones
	// (the sandbox's request records) keep many spans in use for few live
	// bytes, so HeapInuse can be several times HeapAlloc.
	HeapAlloc uint64
}

// sample collects garbage and takes a Sample.
func (r *Report) sample() Sample {
	// Twice: what sync.Pool victim caches and finalizers keep through one
	// collection is freed by the next.
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Sample{Goroutines: countLabelled(r.label), HeapInuse: ms.HeapInuse, HeapAlloc: ms.HeapAlloc}
}

// settle waits up to settleTime for the run's goroutines to come down to
// want (connections closing, handlers returning), then takes a Sample.
func (r *Report) settle(want int) Sample {
	for end := time.Now().Add(settleTime); countLabelled(r.label) > want && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	return r.sample()
}

// worker is one client's loop and what it saw.
type worker struct {
	client *dfns.Client
	srv    *dfnstest.Server

	hist       histogram
	outcomes   map[string]int64
	failures   []string
	unexpected int64
	iterations int64
	requests   int64
	minted     int64
	consumed   int64
	reused     int64
	stopped    string
}

// Why a worker stopped.
const (
	stopDuration = "duration"
	stopBudget   = "max requests"
	stopContext  = "context done"
)

// run loops until the deadline, the request budget or ctx ends it. Each
// loop is bounded in time (the deadline, checked before every iteration,
// and requestTimeout per request) and in count (the budget, taken before
// the code is minted so that every minted code is redeemed).
func (w *worker) run(ctx context.Context, deadline time.Time, budget *atomic.Int64) {
	kinds := dfns.CredentialKinds()
	for {
		switch {
		case ctx.Err() != nil:
			w.stopped = stopContext
			return
		case !time.Now().Before(deadline):
			w.stopped = stopDuration
			return
		}
		again := rand.IntN(reuseEvery) == 0
		n := int64(1)
		if again {
			n = 2
		}
		if budget.Add(-n) < 0 {
			w.stopped = stopBudget
			return
		}
		w.iterations++
		code := w.srv.MintCode()
		w.minted++
		kind := kinds[rand.IntN(len(kinds))]
		if !w.redeem(ctx, "redeem", kind, code, nil) {
			continue
		}
		w.consumed++
		if again {
			kind = kinds[rand.IntN(len(kinds))]
			if w.redeem(ctx, "redeem again", kind, code, dfns.ErrUnauthorized) {
				w.reused++
			}
		}
	}
}

// redeem makes one request and checks its outcome: a valid challenge of
// kind when want is nil, else an error matching want. It reports whether
// the outcome was the expected one.
func (w *worker) redeem(ctx context.Context, phase string, kind dfns.CredentialKind, code dfns.OneTimeCode, want error) bool {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
	defer cancel()
	start := time.Now()
	ch, err := w.client.CreateCredentialChallengeWithCode(rctx, kind, code)
	w.hist.add(time.Since(start))
	w.requests++
	w.outcomes[phase+" "+outcome(err)]++
	switch {
	case want == nil && err != nil:
		return w.fail(fmt.Errorf("%s %s: %w", phase, kind, err))
	case want == nil:
		if err := checkChallenge(ch, kind); err != nil {
			w.outcomes[phase+" 200 with an invalid challenge"]++
			return w.fail(fmt.Errorf("%s %s: %w", phase, kind, err))
		}
	case !errors.Is(err, want):
		return w.fail(fmt.Errorf("%s %s: got %v, want %v", phase, kind, err, want))
	}
	return true
}

// fail notes an unexpected outcome and returns false.
func (w *worker) fail(err error) bool {
	w.unexpected++
	if len(w.failures) < maxFailures {
		w.failures = append(w.failures, err.Error())
	}
	return false
}
