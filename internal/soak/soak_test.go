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
)

// TestSoak runs the soak (5 s by default, `make soak` runs 30 s) and fails
// on any expectation of Report.Check. The report is logged (go test -v
// prints it).
func TestSoak(t *testing.T) {
	rep, err := Run(context.Background(), Config{Clients: *soakClients, Duration: *soakDuration})
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + rep.String())
	if err := rep.Check(); err != nil {
		t.Error(err)
	}
}
