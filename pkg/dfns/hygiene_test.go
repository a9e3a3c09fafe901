package dfns_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// TestSecretHygiene walks every error path of the client and the sandbox
// and looks for the one-time code's bytes everywhere they could surface:
// err.Error(), %v/%+v/%#v of the error and of the inputs, slog text and
// JSON output at debug level, and the sandbox's own log and Requests().
func TestSecretHygiene(t *testing.T) {
	fastRetries := dfns.DefaultRetryPolicy()
	fastRetries.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }

	type env struct {
		srv    *dfnstest.Server // nil when the case has no sandbox
		client *dfns.Client
		code   dfns.OneTimeCode
		ctx    context.Context
		kind   dfns.CredentialKind
	}
	cases := []struct {
		name  string
		fault string // a fault for every request of the sandbox
		setup func(t *testing.T, e *env)
	}{
		{name: "request validation: unknown kind", setup: func(t *testing.T, e *env) { e.kind = "Passkey" }},
		{name: "request validation: empty code", setup: func(t *testing.T, e *env) { e.code = "" }},
		{name: "400", fault: "status=400"},
		{name: "401 (unknown code)", setup: func(t *testing.T, e *env) { e.code = "ZZZ-ZZZ-ZZZ" }},
		{name: "401 (used code)", setup: func(t *testing.T, e *env) {
			if _, err := e.client.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, e.code); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "403", fault: "status=403"},
		{name: "404", fault: "status=404"},
		{name: "429, retries exhausted", fault: "rate-limit=1"},
		{name: "500", fault: "status=500"},
		{name: "503, retries exhausted", fault: "status=503"},
		{name: "malformed body", fault: "malformed"},
		{name: "truncated body", fault: "truncate"},
		{name: "oversized body", fault: "oversized"},
		{name: "unknown kind, strict", fault: "unknown-kind", setup: func(t *testing.T, e *env) {
			e.client = newHygieneClient(t, e.srv.URL, e.srv.Client(), fastRetries, dfns.WithStrictValidation())
		}},
		{name: "no deprecated token, strict", fault: "no-temporary-token", setup: func(t *testing.T, e *env) {
			e.client = newHygieneClient(t, e.srv.URL, e.srv.Client(), fastRetries, dfns.WithStrictValidation())
		}},
		{name: "reset before the body", fault: "reset-before-body"},
		{name: "reset after the body", fault: "reset-after-body"},
		{name: "context cancelled during latency", fault: "latency=5s", setup: func(t *testing.T, e *env) {
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			t.Cleanup(cancel)
			e.ctx = ctx
		}},
		{name: "context cancelled before the call", setup: func(t *testing.T, e *env) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			e.ctx = ctx
		}},
		{name: "connection refused, retries exhausted", setup: func(t *testing.T, e *env) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := ln.Addr().String()
			ln.Close()
			e.client = newHygieneClient(t, "http://"+addr, nil, fastRetries)
		}},
		{name: "server echoing the code in its message and headers", setup: func(t *testing.T, e *env) {
			echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req struct{ Code string }
				_ = json.NewDecoder(r.Body).Decode(&req)
				w.Header().Set("X-Request-Id", "req-"+req.Code)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = fmt.Fprintf(w, `{"error":{"id":%q,"message":"code %s is bad","details":{"code":%q,"escaped":"\u%04x%s"}}}`,
					req.Code, req.Code, req.Code, req.Code[0], req.Code[1:])
			}))
			t.Cleanup(echo.Close)
			e.client = newHygieneClient(t, echo.URL, nil, fastRetries)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var sandboxLog bytes.Buffer
			opts := []dfnstest.Option{dfnstest.WithLogger(slog.New(slog.NewJSONHandler(&sandboxLog, &slog.HandlerOptions{Level: slog.LevelDebug})))}
			if tc.fault != "" {
				opts = append(opts, dfnstest.WithFault(tc.fault))
			}
			srv := dfnstest.NewServer(opts...)
			t.Cleanup(srv.Close)
			e := &env{srv: srv, code: srv.MintCode(), ctx: context.Background(), kind: dfns.CredentialKindKey}
			e.client = newHygieneClient(t, srv.URL, srv.Client(), fastRetries)
			if tc.setup != nil {
				tc.setup(t, e)
			}
			secret := string(e.code)
			_, err := e.client.CreateCredentialChallengeWithCode(e.ctx, e.kind, e.code)
			if err == nil {
				t.Fatal("the case did not fail")
			}

			var logText, logJSON bytes.Buffer
			for _, h := range []slog.Handler{
				slog.NewTextHandler(&logText, &slog.HandlerOptions{Level: slog.LevelDebug}),
				slog.NewJSONHandler(&logJSON, &slog.HandlerOptions{Level: slog.LevelDebug}),
			} {
				slog.New(h).Debug("redeem failed", "err", err, "code", e.code, "kind", e.kind,
					slog.Group("input", "code", e.code))
			}
			srv.Close() // waits for the handlers, so their log lines are all written
			requests, _ := json.Marshal(srv.Requests())
			surfaces := map[string]string{
				"Error()":          err.Error(),
				"%v":               fmt.Sprintf("%v", err),
				"%+v":              fmt.Sprintf("%+v", err),
				"%#v":              fmt.Sprintf("%#v", err),
				"input %v":         fmt.Sprintf("%v %+v %#v %s %q %x", e.code, e.code, e.code, e.code, e.code, e.code),
				"slog text":        logText.String(),
				"slog JSON":        logJSON.String(),
				"sandbox log":      sandboxLog.String(),
				"Requests() JSON":  string(requests),
				"Requests() %#v":   fmt.Sprintf("%#v", srv.Requests()),
				"error chain %#v":  chainGoString(err),
				"error chain text": chainText(err),
			}
			if secret == "" {
				return // the empty-code case: nothing to find
			}
			for where, text := range surfaces {
				if strings.Contains(text, secret) {
					t.Errorf("the code appears in %s: %s", where, text)
				}
			}
		})
	}
}

func newHygieneClient(t *testing.T, base string, hc *http.Client, p dfns.RetryPolicy, opts ...dfns.Option) *dfns.Client {
	t.Helper()
	all := []dfns.Option{dfns.WithBaseURL(base), dfns.WithRetryPolicy(p)}
	if hc != nil {
		all = append(all, dfns.WithHTTPClient(hc))
	}
	c, err := dfns.New(append(all, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// chainGoString and chainText print every error of the chain, as a
// debugging helper walking Unwrap would.
func chainGoString(err error) string {
	return walkChain(err, func(e error) string { return fmt.Sprintf("%#v", e) })
}
func chainText(err error) string { return walkChain(err, func(e error) string { return e.Error() }) }

func walkChain(err error, show func(error) string) string {
	var b strings.Builder
	queue := []error{err}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if e == nil {
			continue
		}
		b.WriteString(show(e))
		b.WriteByte('\n')
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			queue = append(queue, u.Unwrap())
		case interface{ Unwrap() []error }:
			queue = append(queue, u.Unwrap()...)
		}
	}
	return b.String()
}
