package dfns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// RetryPolicy says which failed attempts of a call are tried again, and how
// long to wait first. It applies to every call of a Client (init, verify,
// mint). A one-time code (init) and a challenge (verify) are single-use: a
// request that may have reached the server is never sent again, since a
// replay would turn a success into a confusing 401. The policy, for each
// outcome of an attempt:
//
//	outcome of the attempt                       retried?
//	-------------------------------------------  -------------------------------
//	connection refused, dial or DNS error,       yes: the request never left
//	  before any byte of the request was written
//	DNS "no such host"                           no: it will not get better
//	429 Too Many Requests                        yes: refused without processing
//	503 Service Unavailable                      yes: refused without processing
//	reset, EOF or any error after the request    no: the server may have
//	  was (partly) written                         consumed the code
//	a timeout of any kind                        no: it may have been processed
//	500, 502, 504 and every other status         no
//	context cancelled or past its deadline       no
//	TLS or certificate error                     no: retrying will not fix it
//	redirect (refused), validation, decoding     no
//
// Waits use exponential backoff with full jitter, a uniform draw from
// [0, min(MaxDelay, BaseDelay·2^(n-1))) before the n-th retry, unless the
// answer carried Retry-After (seconds or an HTTP date), which is honoured,
// clamped to MaxRetryAfter. A wait ends early, with the context's error,
// when the context is done, and is not even started when it would outlast
// the context's deadline. Sleep, Jitter and Now can be replaced for tests.
//
// The zero RetryPolicy never retries; DefaultRetryPolicy is what New uses.
type RetryPolicy struct {
	// MaxAttempts is the number of attempts in all, the first included;
	// 1 or less means no retries.
	MaxAttempts int
	// BaseDelay is the cap of the first backoff draw.
	BaseDelay time.Duration
	// MaxDelay caps every backoff draw.
	MaxDelay time.Duration
	// MaxRetryAfter caps a wait the server asks for with Retry-After.
	MaxRetryAfter time.Duration

	// Sleep waits d or until ctx is done, returning ctx.Err() then; nil
	// means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter draws a duration uniformly from [0, d); nil means math/rand/v2.
	Jitter func(d time.Duration) time.Duration
	// Now is the clock Retry-After dates are read against; nil means
	// time.Now.
	Now func() time.Time
}

// DefaultRetryPolicy is New's policy: 3 attempts in all, backoff from 250ms
// capped at 4s, Retry-After honoured up to 20s.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 3, BaseDelay: 250 * time.Millisecond, MaxDelay: 4 * time.Second, MaxRetryAfter: 20 * time.Second}
}

// NoRetries is a policy of a single attempt.
func NoRetries() RetryPolicy { return RetryPolicy{MaxAttempts: 1} }

// WithRetryPolicy replaces DefaultRetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 {
			return errors.New("dfns: WithRetryPolicy: negative delay")
		}
		c.retry = p
		return nil
	}
}

// attempts is the number of attempts allowed, at least 1.
func (p RetryPolicy) attempts() int { return max(p.MaxAttempts, 1) }

func (p RetryPolicy) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// backoff is the wait before retry n (1 for the first retry).
func (p RetryPolicy) backoff(n int) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	if p.MaxDelay > 0 {
		ceiling = min(ceiling, p.MaxDelay)
	}
	if ceiling <= 0 {
		return 0
	}
	if p.Jitter != nil {
		return min(max(p.Jitter(ceiling), 0), ceiling)
	}
	return rand.N(ceiling)
}

// delay is the wait before retry n after an answer that asked for
// retryAfter (zero when it did not).
func (p RetryPolicy) delay(n int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxRetryAfter)
	}
	return p.backoff(n)
}

// sleep waits d, or until ctx is done.
func (p RetryPolicy) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryableStatus reports whether an answer with this status was refused
// without being processed.
func retryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable
}

// retryableTransportError reports whether a transport error happened before
// the request could reach the server: a dial or DNS failure, with nothing of
// the request written, and not a timeout, a TLS failure or the context's
// end.
func retryableTransportError(err error, written bool) bool {
	if written || err == nil ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrRedirect) {
		return false
	}
	var (
		netErr   net.Error
		certErr  *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	if (errors.As(err, &netErr) && netErr.Timeout()) || errors.As(err, &certErr) || errors.As(err, &unknown) ||
		errors.As(err, &hostErr) || errors.As(err, &recErr) || errors.As(err, &alertErr) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		// "no such host" will not get better in 250 ms (aws-sdk-go-v2 does
		// not retry it either); a temporary resolver failure may.
		return !dnsErr.IsNotFound
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
