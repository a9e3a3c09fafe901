package soak

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of Config.
const (
	// DefaultClients is the number of concurrent workers.
	DefaultClients = 64
	// DefaultDuration is how long the workers run.
	DefaultDuration = 30 * time.Second
	// DefaultMaxRequests bounds the HTTP requests of a run when
	// Config.MaxRequests is zero.
	DefaultMaxRequests = 10_000_000
	// DefaultSampleEvery is how often the heap is sampled during a run.
	DefaultSampleEvery = 30 * time.Second
	// DefaultWarmup is how long the heap may grow before it must be flat.
	DefaultWarmup = time.Minute
	// DefaultHeapCeiling is the heap in use no sample after the warm-up
	// may exceed.
	DefaultHeapCeiling = 128 << 20
)

// Limits of Config, so that a typo cannot start an unbounded run.
const (
	maxClients  = 4096
	maxDuration = time.Hour
)

// Tuning of the workers.
const (
	// reuseEvery: one iteration in reuseEvery redeems its code twice.
	reuseEvery = 10
	// requestTimeout bounds each request. Requests are not tied to the
	// run's deadline: one cut short would leave its code unconsumed.
	requestTimeout = 10 * time.Second
	// maxFailures is how many failure descriptions a Report keeps.
	maxFailures = 10
	// settleTime is how long Run waits for idle goroutines to exit.
	settleTime = 5 * time.Second
	// heapTolerance is how far the mean heap of the second half of the
	// samples after the warm-up may exceed that of the first half and
	// still be flat.
	heapTolerance = 16 << 20
	// heapSlack is the growth in heap from before the sandbox started to
	// after it closed that Check tolerates (sync.Pool caches, buffers of
	// the runtime and net/http).
	heapSlack = 16 << 20
)

// Config is what a run does. The zero value runs DefaultClients workers for
// DefaultDuration.
type Config struct {
	// Clients is the number of concurrent workers, each with its own
	// dfns.Client (sharing the server's HTTP client); default
	// DefaultClients.
	Clients int
	// Duration bounds the run: no worker starts an iteration after it;
	// default DefaultDuration.
	Duration time.Duration
	// MaxRequests bounds the HTTP requests of the run (a second redemption
	// counts as one); default DefaultMaxRequests.
	MaxRequests int64
	// SampleEvery is the period of the heap series; default
	// DefaultSampleEvery.
	SampleEvery time.Duration
	// Warmup is the time after which the heap must be flat and under
	// HeapCeiling; default DefaultWarmup.
	Warmup time.Duration
	// HeapCeiling bounds the heap in use after the warm-up, in bytes;
	// default DefaultHeapCeiling.
	HeapCeiling uint64
}

// withDefaults fills the zero fields and checks the others.
func (c Config) withDefaults() (Config, error) {
	orDefault(&c.Clients, DefaultClients)
	orDefault(&c.Duration, DefaultDuration)
	orDefault(&c.MaxRequests, DefaultMaxRequests)
	orDefault(&c.SampleEvery, DefaultSampleEvery)
	orDefault(&c.Warmup, DefaultWarmup)
	orDefault(&c.HeapCeiling, DefaultHeapCeiling)
	var errs []error
	if c.Clients < 0 || c.Clients > maxClients {
		errs = append(errs, fmt.Errorf("soak: Clients %d: want 1 to %d", c.Clients, maxClients))
	}
	if c.Duration < 0 || c.Duration > maxDuration {
		errs = append(errs, fmt.Errorf("soak: Duration %v: want at most %v", c.Duration, maxDuration))
	}
	if c.SampleEvery < 0 || c.Warmup < 0 {
		errs = append(errs, fmt.Errorf("soak: SampleEvery %v, Warmup %v: want positive durations", c.SampleEvery, c.Warmup))
	}
	if c.MaxRequests < 0 {
		errs = append(errs, fmt.Errorf("soak: MaxRequests %d: want a positive number", c.MaxRequests))
	}
	return c, errors.Join(errs...)
}

// orDefault sets *p to def if it is the zero value.
func orDefault[T comparable](p *T, def T) {
	var zero T
	if *p == zero {
		*p = def
	}
}
