package dfnstest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// faultTransport adds the fault header to every request.
type faultTransport struct {
	base http.RoundTripper
	spec string
}

func (f faultTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(dfnstest.FaultHeader, f.spec)
	return f.base.RoundTrip(r)
}

// faultClient returns a dfns client whose requests carry the fault header.
func faultClient(t *testing.T, srv *dfnstest.Server, spec string, opts ...dfns.Option) *dfns.Client {
	t.Helper()
	hc := srv.Client()
	hc = &http.Client{Transport: faultTransport{base: hc.Transport, spec: spec}}
	// The default policy, but its waits (Retry-After: 1 s, 2 s) take no time.
	policy := dfns.DefaultRetryPolicy()
	policy.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	c, err := dfns.New(append([]dfns.Option{dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(hc), dfns.WithTimeout(10 * time.Second),
		dfns.WithRetryPolicy(policy)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// redeem calls init with kind Key.
func redeem(c *dfns.Client, code dfns.OneTimeCode) (dfns.Challenge, error) {
	return c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
}

// isTransportError reports whether err is neither an answer nor a decoding error.
func isTransportError(err error) bool {
	var ae *dfns.APIError
	var de *dfns.DecodeError
	return err != nil && !errors.As(err, &ae) && !errors.As(err, &de)
}

// TestFaults checks how the client observes each fault, and whether the
// fault consumed the code.
func TestFaults(t *testing.T) {
	srv := newServer(t, dfnstest.WithFaults())
	plain := newClient(t, srv)
	cases := []struct {
		spec     string
		check    func(t *testing.T, ch dfns.Challenge, err error)
		consumed bool
	}{
		{"rate-limit", func(t *testing.T, _ dfns.Challenge, err error) {
			var ae *dfns.APIError
			if !errors.Is(err, dfns.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != time.Second || ae.ID != "rate_limited" {
				t.Errorf("%v (%+v)", err, ae)
			}
		}, false},
		{"rate-limit=2", func(t *testing.T, _ dfns.Challenge, err error) {
			var ae *dfns.APIError
			if !errors.Is(err, dfns.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != 2*time.Second {
				t.Errorf("%v (%+v)", err, ae)
			}
		}, false},
		{"status=503", func(t *testing.T, _ dfns.Challenge, err error) {
			var ae *dfns.APIError
			if !errors.Is(err, dfns.ErrServer) || !errors.As(err, &ae) || ae.StatusCode != 503 || ae.ID != "sandbox_fault" {
				t.Errorf("%v (%+v)", err, ae)
			}
		}, false},
		{"status=403", func(t *testing.T, _ dfns.Challenge, err error) {
			if !errors.Is(err, dfns.ErrForbidden) {
				t.Errorf("%v", err)
			}
		}, false},
		{"malformed", func(t *testing.T, _ dfns.Challenge, err error) {
			var de *dfns.DecodeError
			if !errors.As(err, &de) || de.StatusCode != 200 {
				t.Errorf("%v", err)
			}
		}, true},
		{"truncate", func(t *testing.T, _ dfns.Challenge, err error) {
			var de *dfns.DecodeError
			if !errors.As(err, &de) {
				t.Errorf("%v", err)
			}
		}, true},
		{"oversized", func(t *testing.T, _ dfns.Challenge, err error) {
			if !errors.Is(err, dfns.ErrResponseTooLarge) {
				t.Errorf("%v", err)
			}
		}, true},
		{"unknown-kind", func(t *testing.T, ch dfns.Challenge, err error) {
			u, ok := ch.(*dfns.UnknownChallenge)
			if err != nil || !ok || u.Kind() != "Passkey2" || u.ChallengeIdentifier() == "" {
				t.Errorf("%T %v", ch, err)
			}
		}, true},
		{"no-temporary-token", func(t *testing.T, ch dfns.Challenge, err error) {
			//lint:ignore SA1019 the fault removes the deprecated token
			if err != nil || ch.TemporaryAuthenticationToken() != "" || ch.ChallengeIdentifier() == "" {
				t.Errorf("%v", err)
			}
		}, true},
		{"reset-before-body", func(t *testing.T, _ dfns.Challenge, err error) {
			if !isTransportError(err) {
				t.Errorf("%v", err)
			}
		}, false},
		{"reset-after-body", func(t *testing.T, _ dfns.Challenge, err error) {
			if !isTransportError(err) {
				t.Errorf("%v", err)
			}
		}, true},
		{"latency=20ms", func(t *testing.T, _ dfns.Challenge, err error) {
			if err != nil {
				t.Errorf("%v", err)
			}
		}, true},
		{"latency=1ms, status=502", func(t *testing.T, _ dfns.Challenge, err error) {
			if !errors.Is(err, dfns.ErrServer) {
				t.Errorf("%v", err)
			}
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			code := srv.MintCode()
			start := time.Now()
			ch, err := redeem(faultClient(t, srv, tc.spec), code)
			tc.check(t, ch, err)
			if strings.HasPrefix(tc.spec, "latency=20ms") && time.Since(start) < 20*time.Millisecond {
				t.Errorf("answered in %v", time.Since(start))
			}
			// Did the fault consume the code?
			_, err = redeem(plain, code)
			if consumed := errors.Is(err, dfns.ErrUnauthorized); consumed != tc.consumed {
				t.Errorf("code consumed: %v, want %v (%v)", consumed, tc.consumed, err)
			}
			// The record names the fault.
			var found bool
			for _, r := range srv.Requests() {
				if r.Fault == strings.TrimSpace(tc.spec) {
					found = true
					if strings.HasPrefix(tc.spec, "reset") && r.Status != 0 {
						t.Errorf("a reset recorded with status %d", r.Status)
					}
				}
			}
			if !found {
				t.Error("no record of the fault")
			}
		})
	}
}

// TestNoTemporaryTokenStrict checks that a strict client refuses the answer
// of the no-temporary-token fault.
func TestNoTemporaryTokenStrict(t *testing.T) {
	srv := newServer(t, dfnstest.WithFaults())
	_, err := redeem(faultClient(t, srv, "no-temporary-token", dfns.WithStrictValidation()), srv.MintCode())
	var ve *dfns.ValidationError
	if !errors.As(err, &ve) || ve.Path != "/temporaryAuthenticationToken" || ve.Rule != dfns.RuleRequired {
		t.Errorf("%v", err)
	}
}

// TestFaultHeaderIgnoredByDefault checks that without WithFaults the header
// does nothing.
func TestFaultHeaderIgnoredByDefault(t *testing.T) {
	srv := newServer(t)
	for _, spec := range []string{"status=503", "reset-before-body", "not a fault"} {
		if _, err := redeem(faultClient(t, srv, spec), srv.MintCode()); err != nil {
			t.Errorf("%s: %v", spec, err)
		}
	}
	for _, r := range srv.Requests() {
		if r.Fault != "" {
			t.Errorf("fault recorded: %+v", r)
		}
	}
}

// TestFaultHeaderInvalid checks the 400 for a bad spec, which does not
// echo the header.
func TestFaultHeaderInvalid(t *testing.T) {
	srv := newServer(t, dfnstest.WithFaults())
	code := srv.MintCode()
	for _, spec := range []string{"bogus-LEAKED", "status=LEAKED", "status=200", "latency=LEAKED", "latency=0s", "rate-limit=-1", "truncate=LEAKED", "malformed,oversized", "latency=1ms,latency=2ms", " , ", "status=+503", "status=0503", "rate-limit=01", "latency=+5ms"} {
		a := do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, code), dfnstest.FaultHeader, spec)
		e := checkEnvelope(t, a, http.StatusBadRequest, "sandbox_fault_invalid")
		if strings.Contains(string(a.body), "LEAKED") || !strings.Contains(e.Error.Message, "item") {
			t.Errorf("%q: %s", spec, a.body)
		}
	}
	// The refused requests did not consume the code.
	if _, err := redeem(newClient(t, srv), code); err != nil {
		t.Error(err)
	}
}

// TestWithFault checks a fault on every request, including mint, not
// MintCode, and the header replacing it.
func TestWithFault(t *testing.T) {
	srv := newServer(t, dfnstest.WithFault("status=503"), dfnstest.WithFaults())
	code := srv.MintCode()
	if _, err := redeem(newClient(t, srv), code); !errors.Is(err, dfns.ErrServer) {
		t.Errorf("init: %v", err)
	}
	checkEnvelope(t, do(t, srv, http.MethodPost, mintPath, "", "", "Authorization", "Bearer t"), http.StatusServiceUnavailable, "sandbox_fault")
	checkEnvelope(t, do(t, srv, http.MethodGet, "/nope", "", ""), http.StatusServiceUnavailable, "sandbox_fault")
	if _, err := redeem(faultClient(t, srv, "latency=1ms"), code); err != nil {
		t.Errorf("with a header replacing the fault: %v", err)
	}
}

// TestBodyFaultsLeaveErrorsAlone checks that tampering faults only touch
// successful answers.
func TestBodyFaultsLeaveErrorsAlone(t *testing.T) {
	srv := newServer(t, dfnstest.WithFaults())
	for _, spec := range []string{"malformed", "oversized", "truncate", "unknown-kind", "no-temporary-token"} {
		_, err := redeem(faultClient(t, srv, spec), "AAA-BBB-CCC")
		var ae *dfns.APIError
		if !errors.As(err, &ae) || ae.ID != "code_invalid" {
			t.Errorf("%s: %v", spec, err)
		}
	}
}

// TestLatencyHonoursContext checks that a long latency ends with the
// client's context.
func TestLatencyHonoursContext(t *testing.T) {
	srv := newServer(t, dfnstest.WithFaults())
	c := faultClient(t, srv, "latency=20s")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, srv.MintCode())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("%v", err)
	}
	// The server notices the client left and stops sleeping.
	deadline := time.Now().Add(5 * time.Second)
	for {
		reqs := srv.Requests()
		if len(reqs) == 1 {
			if r := reqs[0]; r.Status != 0 || !strings.Contains(r.Reason, "went away") {
				t.Errorf("record %+v", r)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the latency fault kept the handler after the client left")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestMintFaults checks that faults apply to the mint endpoint too.
func TestMintFaults(t *testing.T) {
	srv := newServer(t, dfnstest.WithFaults())
	a := do(t, srv, http.MethodPost, mintPath, "", "", "Authorization", "Bearer t", dfnstest.FaultHeader, "malformed")
	if a.status != http.StatusOK || strings.Contains(string(a.body), `"code"`) {
		t.Errorf("malformed mint: %d %s", a.status, a.body)
	}
	a = do(t, srv, http.MethodPost, mintPath, "", "", "Authorization", "Bearer t", dfnstest.FaultHeader, "rate-limit=7")
	checkEnvelope(t, a, http.StatusTooManyRequests, "rate_limited")
	if a.header.Get("Retry-After") != "7" {
		t.Errorf("Retry-After %q", a.header.Get("Retry-After"))
	}
}
