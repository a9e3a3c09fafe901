package dfns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestBackoffFullJitterCapped(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxRetryAfter: 5 * time.Second}
	var ceilings []time.Duration
	p.Jitter = func(d time.Duration) time.Duration { ceilings = append(ceilings, d); return d - 1 }
	for n := 1; n <= 6; n++ {
		p.backoff(n)
	}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i := range want {
		if ceilings[i] != want[i]*time.Millisecond {
			t.Fatalf("ceilings = %v, want %v ms", ceilings, want)
		}
	}
	// The default jitter stays inside [0, ceiling).
	p.Jitter = nil
	for range 1000 {
		if d := p.backoff(3); d < 0 || d >= 400*time.Millisecond {
			t.Fatalf("backoff(3) = %v", d)
		}
	}
	// A jitter out of range is clamped.
	p.Jitter = func(time.Duration) time.Duration { return time.Hour }
	if d := p.backoff(1); d != 100*time.Millisecond {
		t.Errorf("backoff with a wild jitter = %v", d)
	}
	if d := p.delay(1, 3*time.Second); d != 3*time.Second {
		t.Errorf("Retry-After 3s: delay %v", d)
	}
	if d := p.delay(1, time.Minute); d != 5*time.Second {
		t.Errorf("Retry-After 1m: delay %v, want the 5s clamp", d)
	}
	if (RetryPolicy{}).attempts() != 1 || NoRetries().attempts() != 1 || DefaultRetryPolicy().attempts() != 3 {
		t.Error("attempts")
	}
	if (RetryPolicy{}).backoff(5) != 0 {
		t.Error("a zero policy waits")
	}
}

func TestRetryableTransportError(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:1", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	for _, tt := range []struct {
		name    string
		err     error
		written bool
		want    bool
	}{
		{"connection refused", refused, false, true},
		{"DNS: no such host", &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}}}, false, false},
		{"DNS: server failure", &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "server misbehaving", Name: "x.example", IsTemporary: true}}}, false, true},
		{"refused, but something was written", refused, true, false},
		{"dial timeout", &url.Error{Op: "Post", Err: &net.OpError{Op: "dial", Err: timeoutErr{}}}, false, false},
		{"reset while reading", &url.Error{Op: "Post", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, false, false},
		{"context cancelled", fmt.Errorf("x: %w", context.Canceled), false, false},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), false, false},
		{"certificate", &url.Error{Op: "Post", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, false, false},
		{"redirect", fmt.Errorf("x: %w", ErrRedirect), false, false},
		{"anything else", errors.New("EOF"), false, false},
		{"nil", nil, false, false},
	} {
		if got := retryableTransportError(tt.err, tt.written); got != tt.want {
			t.Errorf("%s: retryable = %v, want %v", tt.name, got, tt.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestRetryPolicyOption(t *testing.T) {
	if _, err := New(WithRetryPolicy(RetryPolicy{BaseDelay: -1})); err == nil {
		t.Error("a negative delay was accepted")
	}
	c, err := New(WithRetryPolicy(NoRetries()))
	if err != nil || c.retry.attempts() != 1 {
		t.Errorf("New(NoRetries) = %v, %v", c, err)
	}
	if !retryableStatus(429) || !retryableStatus(503) || retryableStatus(500) || retryableStatus(502) || retryableStatus(504) {
		t.Error("retryableStatus")
	}
}

func TestDefaultSleepWatchesTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := (RetryPolicy{}).sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("sleep on a cancelled context: %v after %v", err, time.Since(start))
	}
	if err := (RetryPolicy{}).sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("sleep 1ms: %v", err)
	}
}
