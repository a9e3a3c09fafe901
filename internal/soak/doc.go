// Package soak is the load and soak test of the embedded sandbox and the
// client: Run starts a dfnstest.Server on loopback and drives it with many
// concurrent dfns.Client workers for a bounded time and a bounded number of
// requests, then reports throughput, latency, the outcome of every request,
// the codes minted and consumed (as the clients and as the sandbox saw
// them), goroutines and heap before and after, and the heap in use every
// Config.SampleEvery (30 s) while the workers run.
//
// Each worker loops: mint a code with MintCode, redeem it for a random
// credential kind, check that the answer is the concrete type of the kind
// and survives json.Marshal and dfns.ParseChallengeStrict; one iteration in
// ten redeems the same code a second time and expects dfns.ErrUnauthorized.
// Report.Check applies the expectations: no unexpected outcome, every code
// consumed exactly once on both sides, none of the run's goroutines left
// behind (counted by the run's pprof label, so other tests cannot disturb
// the count), and a heap flat and under 128 MiB after the first minute.
//
// `make soak` runs TestSoak for 30 s without the race detector and prints
// the report; `make test` runs it for 5 s with it.
package soak
