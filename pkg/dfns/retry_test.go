package dfns_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// scriptedFaults is a RoundTripper that asks the sandbox for the n-th fault
// of its script on the n-th attempt (none once the script is done) and keeps
// every request body it sends.
type scriptedFaults struct {
	base   http.RoundTripper
	script []string

	mu     sync.Mutex
	bodies [][]byte
}

func (s *scriptedFaults) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	n := len(s.bodies)
	s.bodies = append(s.bodies, body)
	s.mu.Unlock()
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	if n < len(s.script) && s.script[n] != "" {
		r.Header.Set(dfnstest.FaultHeader, s.script[n])
	}
	return s.base.RoundTrip(r)
}

func (s *scriptedFaults) attempts() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.bodies...)
}

// recordedSleeps is a RetryPolicy.Sleep that records the waits and does not
// wait, unless the context is already done.
type recordedSleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recordedSleeps) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

func (r *recordedSleeps) all() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.waits...)
}

// testPolicy is the default policy with the waits recorded instead of slept
// and a jitter that always draws the ceiling's half.
func testPolicy(s *recordedSleeps) dfns.RetryPolicy {
	p := dfns.DefaultRetryPolicy()
	p.Sleep = s.sleep
	p.Jitter = func(d time.Duration) time.Duration { return d / 2 }
	return p
}

// faultySandbox starts a sandbox honouring the fault header and a client
// whose attempts follow script.
func faultySandbox(t *testing.T, policy dfns.RetryPolicy, script ...string) (*dfnstest.Server, *dfns.Client, *scriptedFaults) {
	t.Helper()
	srv := dfnstest.NewServer(dfnstest.WithFaults())
	t.Cleanup(srv.Close)
	hc := srv.Client()
	tr := &scriptedFaults{base: hc.Transport, script: script}
	hc.Transport = tr
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(hc), dfns.WithRetryPolicy(policy))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c, tr
}

// initAnswers counts the sandbox's answers to init by status.
func initAnswers(srv *dfnstest.Server) map[int]int {
	counts := map[int]int{}
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/code/init") {
			counts[r.Status]++
		}
	}
	return counts
}

func TestRetryRateLimitedThenOK(t *testing.T) {
	sleeps := &recordedSleeps{}
	srv, c, tr := faultySandbox(t, testPolicy(sleeps), "rate-limit=2", "status=503")
	ch, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode())
	if err != nil {
		t.Fatalf("err = %v", err)
	}
	if _, ok := ch.(*dfns.KeyChallenge); !ok {
		t.Fatalf("got %T", ch)
	}
	bodies := tr.attempts()
	if len(bodies) != 3 {
		t.Fatalf("%d attempts, want 3 (429, 503, 200)", len(bodies))
	}
	for i, b := range bodies[1:] {
		if !bytes.Equal(b, bodies[0]) {
			t.Errorf("attempt %d sent %q, the first %q", i+2, b, bodies[0])
		}
	}
	// Retry-After: 2 is honoured; the 503 had none, so the second retry is
	// the backoff: half (the test jitter) of 2 × 250ms.
	if got, want := sleeps.all(), []time.Duration{2 * time.Second, 250 * time.Millisecond}; !equalDurations(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	if got := initAnswers(srv); got[http.StatusOK] != 1 || got[http.StatusTooManyRequests] != 1 || got[http.StatusServiceUnavailable] != 1 {
		t.Errorf("sandbox answers %v", got)
	}
}

func TestRetriesExhausted(t *testing.T) {
	sleeps := &recordedSleeps{}
	srv, c, tr := faultySandbox(t, testPolicy(sleeps), "status=503", "status=503", "status=503", "status=503")
	code := srv.MintCode()
	_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
	var apiErr *dfns.APIError
	if !errors.Is(err, dfns.ErrServer) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("err = %v, want the last 503", err)
	}
	if !strings.Contains(err.Error(), "3 attempts") {
		t.Errorf("err = %q, want the attempt count", err)
	}
	if n := len(tr.attempts()); n != 3 {
		t.Errorf("%d attempts, want MaxAttempts = 3", n)
	}
	if got, want := sleeps.all(), []time.Duration{125 * time.Millisecond, 250 * time.Millisecond}; !equalDurations(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	// The code was never consumed: the 503s refused without processing.
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code); err != nil {
		t.Errorf("the code is no longer usable: %v", err)
	}
}

// Nothing that may have been processed is sent again, and the code is
// consumed at most once whatever happens.
func TestNoRetryAfterTheRequestMayHaveBeenProcessed(t *testing.T) {
	for _, tt := range []struct {
		fault    string
		consumed bool
		check    func(error) bool
	}{
		{"status=500", false, func(err error) bool { return errors.Is(err, dfns.ErrServer) }},
		{"status=502", false, func(err error) bool { return errors.Is(err, dfns.ErrServer) }},
		{"status=504", false, func(err error) bool { return errors.Is(err, dfns.ErrServer) }},
		{"status=400", false, func(err error) bool { return errors.Is(err, dfns.ErrBadRequest) }},
		{"reset-before-body", false, func(err error) bool { return strings.Contains(err.Error(), "request failed") }},
		{"reset-after-body", true, func(err error) bool { return strings.Contains(err.Error(), "request failed") }},
		{"truncate", true, func(err error) bool { var de *dfns.DecodeError; return errors.As(err, &de) }},
		{"malformed", true, func(err error) bool { var de *dfns.DecodeError; return errors.As(err, &de) }},
		{"oversized", true, func(err error) bool { return errors.Is(err, dfns.ErrResponseTooLarge) }},
	} {
		t.Run(tt.fault, func(t *testing.T) {
			sleeps := &recordedSleeps{}
			srv, c, tr := faultySandbox(t, testPolicy(sleeps), tt.fault)
			code := srv.MintCode()
			_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
			if err == nil || !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
			if n := len(tr.attempts()); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
			if len(sleeps.all()) != 0 {
				t.Errorf("waited %v", sleeps.all())
			}
			// Was the code consumed? Redeem it again, without faults.
			_, again := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
			if consumed := errors.Is(again, dfns.ErrUnauthorized); consumed != tt.consumed {
				t.Errorf("consumed = %v (second redeem: %v), want %v", consumed, again, tt.consumed)
			}
			if got := initAnswers(srv)[http.StatusOK]; got > 1 {
				t.Errorf("the sandbox answered %d successes for one code", got)
			}
		})
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits++
		if hits == 1 {
			w.Header().Set("Retry-After", now.Add(7*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Retry-After", now.Add(time.Hour).Format(http.TimeFormat)) // clamped
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	sleeps := &recordedSleeps{}
	p := testPolicy(sleeps)
	p.Now = func() time.Time { return now }
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithRetryPolicy(p), dfns.WithTimeout(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, "ABC-DEF-GHJ")
	if !errors.Is(err, dfns.ErrServer) {
		t.Fatalf("err = %v", err)
	}
	if got, want := sleeps.all(), []time.Duration{7 * time.Second, p.MaxRetryAfter}; !equalDurations(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
}

// A wait that would outlast the caller's deadline is not started.
func TestRetryWaitBeyondDeadline(t *testing.T) {
	srv, c, tr := faultySandbox(t, dfns.DefaultRetryPolicy(), "rate-limit=10")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	_, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, srv.MintCode())
	if !errors.Is(err, dfns.ErrRateLimited) || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > time.Second || len(tr.attempts()) != 1 {
		t.Errorf("took %v and %d attempts", time.Since(start), len(tr.attempts()))
	}
}

// Cancelling the context during a backoff returns at once, with the
// context's error and the last answer's.
func TestContextCancelledDuringBackoff(t *testing.T) {
	p := dfns.DefaultRetryPolicy()
	p.BaseDelay, p.MaxDelay = 10*time.Second, 10*time.Second // within the 30s default timeout
	p.Jitter = func(d time.Duration) time.Duration { return d - 1 }
	srv, c, _ := faultySandbox(t, p, "status=503", "status=503", "status=503")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, srv.MintCode())
		done <- err
	}()
	waitFor(t, func() bool { return initAnswers(srv)[http.StatusServiceUnavailable] == 1 })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || !errors.Is(err, dfns.ErrServer) {
			t.Fatalf("err = %v, want context.Canceled and the 503", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call did not return after the context was cancelled")
	}
}

func TestRetryConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	sleeps := &recordedSleeps{}
	c, err := dfns.New(dfns.WithBaseURL("http://"+addr), dfns.WithRetryPolicy(testPolicy(sleeps)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, "ABC-DEF-GHJ")
	if err == nil || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("err = %v, want a refused connection after 3 attempts", err)
	}
	if n := len(sleeps.all()); n != 2 {
		t.Errorf("%d waits, want 2", n)
	}
}

// A certificate the client does not trust is not retried.
func TestNoRetryOnTLSError(t *testing.T) {
	var hits int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	srv.Config.ErrorLog = nil
	t.Cleanup(srv.Close)
	sleeps := &recordedSleeps{}
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithRetryPolicy(testPolicy(sleeps)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, "ABC-DEF-GHJ")
	var certErr *tls.CertificateVerificationError
	if !errors.As(err, &certErr) {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if hits != 0 || len(sleeps.all()) != 0 {
		t.Errorf("hits %d, waits %v", hits, sleeps.all())
	}
}

// The sandbox's TLS mode works with its own client, through pkg/dfns.
func TestSandboxTLS(t *testing.T) {
	srv := dfnstest.NewTLSServer()
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("URL %q", srv.URL)
	}
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindFido2, srv.MintCode()); err != nil {
		t.Fatal(err)
	}
}

// After any outcome, the client holds no goroutine once its idle
// connections are closed.
func TestNoGoroutineLeftBehind(t *testing.T) {
	srv := dfnstest.NewServer(dfnstest.WithFaults())
	defer srv.Close()
	before := runtime.NumGoroutine()
	hc := srv.Client()
	sleeps := &recordedSleeps{}
	for _, fault := range []string{"", "rate-limit", "status=503", "status=500", "reset-before-body", "reset-after-body", "truncate", "malformed", "oversized", "unknown-kind", "latency=1ms"} {
		tr := &scriptedFaults{base: hc.Transport, script: []string{fault, fault, fault}}
		c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(&http.Client{Transport: tr}), dfns.WithRetryPolicy(testPolicy(sleeps)))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode())
		c.CloseIdleConnections()
	}
	hc.CloseIdleConnections()
	waitFor(t, func() bool { return runtime.NumGoroutine() <= before+2 })
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("condition not met in 5s; goroutines:\n%s", buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
