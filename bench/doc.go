// Package bench holds the project's benchmarks, each measured against an
// honest baseline in the same run: decoding a challenge (dfns.ParseChallenge
// and ParseChallengeStrict against the generated client's path, a single
// encoding/json pass into a tagged struct, a map[string]any and kin-openapi),
// a full client call over loopback (against raw net/http and the generated
// ClientWithResponses), and the dfnstest sandbox under 64 concurrent clients
// (validated, unvalidated, and a bare fixed-bytes handler).
//
// The package has no code of its own: everything is in _test.go files, so
// `go test ./bench/...` runs only TestBenchBodiesValid, a quick check of the
// bodies in testdata. `make bench` runs the benchmarks, keeps the raw output
// in results.txt and writes BENCHMARKS.md with cmd/benchreport.
//
// The bodies in testdata are what dfnstest answers with a fixed seed and
// clock; regenerate them with
//
//	go test ./bench -run TestBenchBodiesValid -update
package bench
