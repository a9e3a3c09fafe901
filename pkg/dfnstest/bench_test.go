package dfnstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// benchInit measures init over loopback HTTP with keep-alive, from
// b.RunParallel clients, one reusable code (WithReinit) for every request.
func benchInit(b *testing.B, opts ...Option) {
	srv := NewServer(append(opts, WithReinit(), WithCodeTTL(time.Hour))...)
	defer srv.Close()
	code := srv.MintCode()
	body := []byte(`{"credentialKind":"Fido2","code":"` + string(code) + `"}`)
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := srv.URL + initPath
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.StopTimer()
	// req/s is wall-clock and suffers from anything else the machine runs;
	// cpu-ns/op (client and server together, in this process) does less.
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if c := processCPU() - cpu; c > 0 {
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkInitValidated is init with request and response validation.
func BenchmarkInitValidated(b *testing.B) { benchInit(b) }

// BenchmarkInitUnvalidated is init with WithoutValidation.
func BenchmarkInitUnvalidated(b *testing.B) { benchInit(b, WithoutValidation()) }

// fido2Answer is a 200 answer of init for Fido2, as sent on the wire.
func fido2Answer(tb testing.TB) []byte {
	tb.Helper()
	s := New(WithSeed(7), WithClock(fixedClock))
	code := s.MintCode()
	rec := post(tb, s.Handler(), initPath, `{"credentialKind":"Fido2","code":"`+string(code)+`"}`)
	if rec.Code != http.StatusOK {
		tb.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// BenchmarkValidateResponse is the validation step alone, on a Fido2 answer
// (the largest): decoding the wire bytes and walking the schema. The
// jsonschema2020 case is what openapi3filter does on a 3.1 document, for
// comparison: it compiles the schema on every call.
func BenchmarkValidateResponse(b *testing.B) {
	v, err := loadValidator()
	if err != nil {
		b.Fatal(err)
	}
	body := fido2Answer(b)
	b.Run("builtin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := v.validateResponse(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("request", func(b *testing.B) {
		req := []byte(`{"credentialKind":"Fido2","code":"ABC-DEF-GHJ"}`)
		b.ReportAllocs()
		for b.Loop() {
			var doc any
			if err := json.Unmarshal(req, &doc); err != nil {
				b.Fatal(err)
			}
			if d := v.validateRequest(doc); d != nil {
				b.Fatal(d)
			}
		}
	})
	b.Run("decode-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var doc any
			if err := json.Unmarshal(body, &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("strict-go-rules", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dfns.ParseChallengeStrict(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
