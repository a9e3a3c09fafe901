package soak

import (
	"context"
	"flag"
	"testing"
	"time"
)

var (
	soakDuration = flag.Duration("soak.duration", 5*time.Second, "how long TestSoak runs")
	soakClients  = flag.Int("soak.clients", DefaultClients, "how many concurrent clients TestSoak runs")
	soakSample   = flag.Duration("soak.sample", DefaultSampleEvery, "how often TestSoak samples the heap")
	soakWarmup   = flag.Duration("soak.warmup", DefaultWarmup, "after how long TestSoak wants the heap flat")
)

// TestSoak runs the soak (5 s by default, `make soak` runs 30 s) and fails
// on any expectation of Report.Check, a heap that grows after the warm-up
// included. The report is logged (go test -v
// prints it).
func TestSoak(t *testing.T) {
	rep, err := Run(context.Background(), Config{Clients: *soakClients, Duration: *soakDuration, SampleEvery: *soakSample, Warmup: *soakWarmup})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + rep.String())
	if err := rep.Check(); err != nil {
		t.Error(err)
	}
}
