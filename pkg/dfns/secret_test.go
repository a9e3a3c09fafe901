package dfns_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// assertNoCode fails if testCode shows up in any rendering of err.
func assertNoCode(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error, got nil")
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if s := fmt.Sprintf(verb, err); strings.Contains(s, string(testCode)) {
			t.Errorf("%s of the error holds the code: %s", verb, s)
		}
	}
	if strings.Contains(err.Error(), string(testCode)) {
		t.Errorf("Error() holds the code: %s", err.Error())
	}
	// Every error in the chain, not just the outermost.
	for e := err; e != nil; e = errors.Unwrap(e) {
		if s := fmt.Sprintf("%+v|%#v", e, e); strings.Contains(s, string(testCode)) {
			t.Errorf("an error in the chain (%T) holds the code: %s", e, s)
		}
	}
}

// leaks reports whether s holds the code, as is or hex-encoded.
func leaks(s string) bool {
	return strings.Contains(s, string(testCode)) ||
		strings.Contains(strings.ToLower(s), hex.EncodeToString([]byte(testCode)))
}

func TestOneTimeCodeRedactedByFmt(t *testing.T) {
	type Request struct {
		Code dfns.OneTimeCode
		Kind dfns.CredentialKind
	}
	code := testCode
	req := Request{Code: code, Kind: dfns.CredentialKindKey}
	cases := map[string]string{
		"String":           code.String(),
		"GoString":         code.GoString(),
		"Sprint":           fmt.Sprint(code),
		"Sprintln":         fmt.Sprintln(code),
		"%v":               fmt.Sprintf("%v", code),
		"%+v":              fmt.Sprintf("%+v", code),
		"%#v":              fmt.Sprintf("%#v", code),
		"%s":               fmt.Sprintf("%s", code),
		"%q":               fmt.Sprintf("%q", code),
		"%x":               fmt.Sprintf("%x", code),
		"%X":               fmt.Sprintf("%X", code),
		"% x":              fmt.Sprintf("% x", code),
		"%d":               fmt.Sprintf("%d", code),
		"%10.3s":           fmt.Sprintf("%10.3s", code),
		"pointer %v":       fmt.Sprintf("%v", &code),
		"struct %v":        fmt.Sprintf("%v", req),
		"struct %+v":       fmt.Sprintf("%+v", req),
		"struct %#v":       fmt.Sprintf("%#v", req),
		"struct pointer":   fmt.Sprintf("%+v", &req),
		"slice %v":         fmt.Sprintf("%v", []dfns.OneTimeCode{code}),
		"map value %v":     fmt.Sprintf("%v", map[string]dfns.OneTimeCode{"c": code}),
		"any %v":           fmt.Sprintf("%v", any(code)),
		"errorf %v":        fmt.Errorf("redeeming %v: %w", code, errors.New("boom")).Error(),
		"anonymous struct": fmt.Sprintf("%+v", struct{ C dfns.OneTimeCode }{code}),
	}
	for name, s := range cases {
		if leaks(s) {
			t.Errorf("%s: %q holds the code", name, s)
		}
		if !strings.Contains(s, "[REDACTED]") {
			t.Errorf("%s: %q does not say [REDACTED]", name, s)
		}
	}
}

func TestOneTimeCodeRedactedByEncoders(t *testing.T) {
	type Request struct {
		Code dfns.OneTimeCode `json:"code"`
	}
	values := map[string]any{
		"value":     testCode,
		"struct":    Request{Code: testCode},
		"pointer":   &Request{Code: testCode},
		"map value": map[string]dfns.OneTimeCode{"c": testCode},
	}
	for name, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if leaks(string(b)) || !bytes.Contains(b, []byte("[REDACTED]")) {
			t.Errorf("%s: json.Marshal = %s", name, b)
		}
	}
	if b, _ := json.Marshal(Request{Code: testCode}); string(b) != `{"code":"[REDACTED]"}` {
		t.Errorf("json.Marshal(struct) = %s", b)
	}
	if text, _ := testCode.MarshalText(); string(text) != "[REDACTED]" {
		t.Errorf("MarshalText = %s", text)
	}
	type XMLRequest struct {
		Code dfns.OneTimeCode `xml:"code"`
		Attr dfns.OneTimeCode `xml:"c,attr"`
	}
	if b, err := xml.Marshal(XMLRequest{Code: testCode, Attr: testCode}); err != nil || leaks(string(b)) ||
		string(b) != `<XMLRequest c="[REDACTED]"><code>[REDACTED]</code></XMLRequest>` {
		t.Errorf("xml.Marshal = %s, %v", b, err)
	}
}

func TestOneTimeCodeRedactedBySlog(t *testing.T) {
	type Request struct {
		Code dfns.OneTimeCode `json:"code"`
		Kind string           `json:"kind"`
	}
	handlers := map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler {
			return slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true})
		},
		"json": func(b *bytes.Buffer) slog.Handler {
			return slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true})
		},
	}
	for name, newHandler := range handlers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(newHandler(&buf))
			log.Debug("redeeming", slog.Any("code", testCode))
			log.Debug("redeeming", "code", testCode)
			log.Debug("redeeming", slog.Any("req", Request{Code: testCode, Kind: "Key"}))
			log.Debug("redeeming", slog.Any("req", &Request{Code: testCode, Kind: "Key"}))
			log.Debug("redeeming", slog.Group("g", slog.Any("code", testCode)))
			log.With("code", testCode).Debug("redeeming")
			out := buf.String()
			if got := strings.Count(out, "\n"); got != 6 {
				t.Fatalf("logged %d lines, want 6:\n%s", got, out)
			}
			if leaks(out) {
				t.Errorf("the log holds the code:\n%s", out)
			}
			if got := strings.Count(out, "[REDACTED]"); got < 6 {
				t.Errorf("[REDACTED] appears %d times, want at least 6:\n%s", got, out)
			}
		})
	}
}

// TestNoErrorHoldsTheCode walks every kind of failure the client has, each
// served by a loopback server that echoes the code wherever it can.
func TestNoErrorHoldsTheCode(t *testing.T) {
	code := string(testCode)
	escaped := jsonEscapeAll(code)
	envelope := []byte(`{"error":{"id":"err-` + code + `","status":401,"message":"code ` + code + ` is used",` +
		`"details":{"code":"` + code + `","escaped":` + escaped + `,"list":["` + code + `"],"` + code + `":1}}}`)
	echoHeaders := func(w http.ResponseWriter) {
		w.Header().Set("X-Request-Id", "req-"+code)
		w.Header().Set("Content-Type", "application/json")
	}
	type failure struct {
		name    string
		handler http.HandlerFunc
		is      error
	}
	var failures []failure
	for _, status := range []int{400, 401, 403, 404, 418, 422, 429, 500, 502, 503} {
		failures = append(failures, failure{
			name: fmt.Sprintf("%d with the code echoed", status),
			handler: func(w http.ResponseWriter, _ *http.Request) {
				echoHeaders(w)
				w.WriteHeader(status)
				_, _ = w.Write(envelope)
			},
		})
	}
	failures = append(failures,
		failure{"old envelope", func(w http.ResponseWriter, _ *http.Request) {
			echoHeaders(w)
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprintf(w, `{"message":"bad code %s"}`, code)
		}, dfns.ErrBadRequest},
		failure{"non-JSON error body", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = fmt.Fprintf(w, "<h1>bad gateway for %s</h1>", code)
		}, dfns.ErrServer},
		failure{"200 with HTML echo", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; code="+code)
			_, _ = fmt.Fprintf(w, "<p>%s</p>", code)
		}, nil},
		failure{"200 with bad JSON echo", func(w http.ResponseWriter, _ *http.Request) {
			echoHeaders(w)
			_, _ = fmt.Fprintf(w, `{"kind":"Key","code":"%s",`, code)
		}, nil},
		failure{"200 with a long echo", func(w http.ResponseWriter, _ *http.Request) {
			echoHeaders(w)
			_, _ = fmt.Fprintf(w, "%s%s", strings.Repeat("x", 60), code) // the code straddles the snippet's end
		}, nil},
		failure{"200 with a validation failure", func(w http.ResponseWriter, _ *http.Request) {
			echoHeaders(w)
			_, _ = fmt.Fprintf(w, `{"kind":"Key","challengeIdentifier":"%s","user":{"id":"%s"}}`, code, code)
		}, nil},
		failure{"redirect to the code", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/"+code, http.StatusTemporaryRedirect)
		}, dfns.ErrRedirect},
	)
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			srv := newFakeDfns(t, f.handler)
			_, err := redeem(newTestClient(t, srv.URL), dfns.CredentialKindKey)
			assertNoCode(t, err)
			if f.is != nil && !errors.Is(err, f.is) {
				t.Errorf("err = %v, want errors.Is %v", err, f.is)
			}
			var ae *dfns.APIError
			if errors.As(err, &ae) {
				assertAPIErrorFieldsClean(t, ae)
			}
		})
	}
	t.Run("validation of the request", func(t *testing.T) {
		_, err := newTestClient(t, "http://127.0.0.1:1").CreateCredentialChallengeWithCode(context.Background(), "Nope", testCode)
		assertNoCode(t, err)
	})
	t.Run("oversized body", func(t *testing.T) {
		srv := newFakeDfns(t, func(w http.ResponseWriter, _ *http.Request) {
			echoHeaders(w)
			_, _ = w.Write(bytes.Repeat([]byte(code), 100))
		})
		_, err := redeem(newTestClient(t, srv.URL, dfns.WithMaxResponseBytes(64)), dfns.CredentialKindKey)
		assertNoCode(t, err)
		if !errors.Is(err, dfns.ErrResponseTooLarge) {
			t.Errorf("err = %v, want ErrResponseTooLarge", err)
		}
	})
	t.Run("truncated body", func(t *testing.T) {
		base := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"code\":\""+code)
		_, err := redeem(newTestClient(t, base), dfns.CredentialKindKey)
		assertNoCode(t, err)
		var de *dfns.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("err = %v, want *DecodeError", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := newFakeDfns(t, replyJSON(nil))
		base := srv.URL
		srv.Close()
		_, err := redeem(newTestClient(t, base), dfns.CredentialKindKey)
		assertNoCode(t, err)
		var opErr *net.OpError
		if !errors.As(err, &opErr) {
			t.Errorf("err = %v (%T), want a wrapped *net.OpError", err, err)
		}
		if n := srv.hits.Load(); n != 0 {
			t.Errorf("closed server got %d requests", n)
		}
	})
	t.Run("context cancelled before the call", func(t *testing.T) {
		srv := newFakeDfns(t, replyJSON(responseFixture(t, "key")))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := newTestClient(t, srv.URL).CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, testCode)
		assertNoCode(t, err)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if n := srv.hits.Load(); n != 0 {
			t.Errorf("server got %d requests, want 0", n)
		}
	})
	t.Run("context cancelled during a slow handler", func(t *testing.T) {
		started := make(chan struct{})
		srv := newBlockingDfns(t, started)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { <-started; cancel() }()
		_, err := newTestClient(t, srv.URL).CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, testCode)
		assertNoCode(t, err)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("context deadline during a slow handler", func(t *testing.T) {
		srv := newBlockingDfns(t, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := newTestClient(t, srv.URL).CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, testCode)
		assertNoCode(t, err)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("client timeout during a slow handler", func(t *testing.T) {
		srv := newBlockingDfns(t, nil)
		_, err := redeem(newTestClient(t, srv.URL, dfns.WithTimeout(20*time.Millisecond)), dfns.CredentialKindKey)
		assertNoCode(t, err)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
	})
}

// errProxy is what a misbehaving transport wraps in its errors.
var errProxy = errors.New("proxy failure")

// echoingBody is a response body whose Read fails with the code in the message.
type echoingBody struct{ cause error }

func (b echoingBody) Read([]byte) (int, error) {
	return 0, fmt.Errorf("stream reset after %s: %w", string(testCode), b.cause)
}
func (echoingBody) Close() error { return nil }

// A transport whose errors quote the request body, or whose response body
// fails with the code in its message: the code is scrubbed and the error's
// class survives.
func TestTransportErrorsAreScrubbed(t *testing.T) {
	tests := []struct {
		name string
		rt   roundTripFunc
		is   error
	}{
		{"round trip error quoting the body", func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			return nil, fmt.Errorf("proxy refused %s: %w", body, errProxy)
		}, errProxy},
		{"round trip error wrapping a deadline", func(r *http.Request) (*http.Response, error) {
			body, _ := io.ReadAll(r.Body)
			return nil, fmt.Errorf("gave up on %s: %w", body, context.DeadlineExceeded)
		}, context.DeadlineExceeded},
		{"body read error", func(r *http.Request) (*http.Response, error) {
			return &http.Response{
				StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
				Body: echoingBody{context.Canceled}, ContentLength: -1, Request: r,
			}, nil
		}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, "https://api.dfns.io", dfns.WithHTTPClient(&http.Client{Transport: tt.rt}))
			_, err := redeem(c, dfns.CredentialKindKey)
			assertNoCode(t, err)
			if !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("err = %v, want the echo replaced by [REDACTED]", err)
			}
		})
	}
}

// assertAPIErrorFieldsClean checks every field of an APIError for the code,
// the details decoded too (so no \u escape can hide it).
func assertAPIErrorFieldsClean(t *testing.T, ae *dfns.APIError) {
	t.Helper()
	for name, v := range map[string]string{"ID": ae.ID, "Message": ae.Message, "RequestID": ae.RequestID, "Details": string(ae.Details)} {
		if strings.Contains(v, string(testCode)) {
			t.Errorf("APIError.%s holds the code: %q", name, v)
		}
	}
	if len(ae.Details) > 0 {
		var decoded any
		if err := json.Unmarshal(ae.Details, &decoded); err != nil {
			t.Fatalf("Details is not JSON: %v", err)
		}
		if s := fmt.Sprintf("%v", decoded); strings.Contains(s, string(testCode)) {
			t.Errorf("decoded Details hold the code: %s", s)
		}
	}
}

// jsonEscapeAll is s as a JSON string with every character \u-escaped.
func jsonEscapeAll(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	b.WriteByte('"')
	return b.String()
}
