package dfns

// These tests are internal: parseRetryAfter needs a fixed clock. Their
// helpers carry an errTest prefix so that they cannot collide with the other
// internal test files of the package.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

const errTestCode = OneTimeCode("H3N-W8R-T2M")

// errTestAllClasses are the sentinels an APIError may match.
var errTestAllClasses = []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited, ErrServer}

// errTestCall serves one answer on a loopback server and redeems errTestCode
// against it, in a single attempt (retry_test.go covers retries).
func errTestCall(t *testing.T, handler http.HandlerFunc) error {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := New(WithBaseURL(srv.URL), WithRetryPolicy(NoRetries()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateCredentialChallengeWithCode(context.Background(), CredentialKindKey, errTestCode)
	return err
}

// errTestReply answers with status, headers and body.
func errTestReply(status int, header http.Header, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range header {
			w.Header()[k] = v
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

func errTestAPIError(t *testing.T, err error) *APIError {
	t.Helper()
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v (%T), want *APIError", err, err)
	}
	return ae
}

func TestAPIErrorClasses(t *testing.T) {
	tests := []struct {
		status int
		want   error // nil: no class
	}{
		{400, ErrBadRequest},
		{422, ErrBadRequest},
		{401, ErrUnauthorized},
		{403, ErrForbidden},
		{404, ErrNotFound},
		{429, ErrRateLimited},
		{500, ErrServer},
		{502, ErrServer},
		{503, ErrServer},
		{504, ErrServer},
		{418, nil},
		{409, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			body := `{"error":{"id":"e1","status":` + fmt.Sprint(tt.status) + `,"message":"nope"}}`
			err := errTestCall(t, errTestReply(tt.status, nil, body))
			ae := errTestAPIError(t, err)
			if ae.StatusCode != tt.status {
				t.Errorf("StatusCode = %d, want %d", ae.StatusCode, tt.status)
			}
			for _, class := range errTestAllClasses {
				if got := errors.Is(err, class); got != (class == tt.want) {
					t.Errorf("errors.Is(err, %v) = %v, want %v", class, got, class == tt.want)
				}
			}
			for _, other := range []error{ErrResponseTooLarge, ErrRedirect, context.Canceled, nil} {
				if errors.Is(err, other) {
					t.Errorf("errors.Is(err, %v) = true", other)
				}
			}
			// Wrapped by the caller, the class still answers.
			if tt.want != nil && !errors.Is(fmt.Errorf("registering: %w", err), tt.want) {
				t.Errorf("the class is lost once wrapped")
			}
		})
	}
}

func TestAPIErrorBodies(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantID      string
		wantMessage string
		wantDetails string
	}{
		{"Dfns envelope", 400, "", `{"error":{"id":"e-123","status":400,"message":"Invalid code","details":{"field":"code"}}}`,
			"e-123", "Invalid code", `{"field":"code"}`},
		{"envelope with a numeric id and array details", 422, "", `{"error":{"id":42,"status":422,"message":"bad","details":["a",1]}}`,
			"42", "bad", `["a",1]`},
		{"envelope with null details", 401, "", `{"error":{"id":"e","message":"expired","details":null}}`,
			"e", "expired", ""},
		{"envelope without a message falls back to the top-level one", 403, "", `{"error":{"id":"e"},"message":"top"}`,
			"e", "top", ""},
		{"old top-level message", 401, "", `{"message":"Unauthorized code"}`,
			"", "Unauthorized code", ""},
		{"problem+json", 404, "application/problem+json", `{"message":"no such route"}`,
			"", "no such route", ""},
		{"HTML body", 502, "text/html", `<html><body>Bad Gateway</body></html>`,
			"", "Bad Gateway", ""},
		{"plain text body", 500, "text/plain", `upstream exploded`,
			"", "Internal Server Error", ""},
		{"empty body", 503, "", ``,
			"", "Service Unavailable", ""},
		{"JSON that is not an object", 400, "", `["x"]`,
			"", "Bad Request", ""},
		{"unknown status with no body", 418, "", ``,
			"", "I'm a teapot", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.contentType != "" {
				header.Set("Content-Type", tt.contentType)
			}
			ae := errTestAPIError(t, errTestCall(t, errTestReply(tt.status, header, tt.body)))
			if ae.StatusCode != tt.status || ae.ID != tt.wantID || ae.Message != tt.wantMessage || string(ae.Details) != tt.wantDetails {
				t.Errorf("got status %d id %q message %q details %s; want %d %q %q %s",
					ae.StatusCode, ae.ID, ae.Message, ae.Details, tt.status, tt.wantID, tt.wantMessage, tt.wantDetails)
			}
			// The exported parser agrees with the client.
			direct := ParseAPIError(tt.status, header, []byte(tt.body), errTestCode)
			if direct.ID != ae.ID || direct.Message != ae.Message || string(direct.Details) != string(ae.Details) {
				t.Errorf("ParseAPIError = %+v, the client gave %+v", direct, ae)
			}
		})
	}
}

func TestAPIErrorRequestID(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   string
	}{
		{"X-Request-Id", http.Header{"X-Request-Id": {"req-1"}}, "req-1"},
		{"lower-case x-request-id on the wire", http.Header{"x-request-id": {"req-2"}}, "req-2"},
		{"X-Dfns-Request-Id", http.Header{"X-Dfns-Request-Id": {"req-3"}}, "req-3"},
		{"X-Amzn-Requestid", http.Header{"X-Amzn-Requestid": {"req-4"}}, "req-4"},
		{"X-Request-Id is preferred", http.Header{"X-Amzn-Requestid": {"amzn"}, "X-Request-Id": {"req-5"}}, "req-5"},
		{"none", http.Header{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ae := errTestAPIError(t, errTestCall(t, errTestReply(401, tt.header, `{"message":"no"}`)))
			if ae.RequestID != tt.want {
				t.Errorf("RequestID = %q, want %q", ae.RequestID, tt.want)
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	tests := []struct {
		err  *APIError
		want string
	}{
		{&APIError{StatusCode: 401, Message: "Code expired", RequestID: "req-9"}, "dfns: 401 Unauthorized: Code expired (request id req-9)"},
		{&APIError{StatusCode: 404, Message: "Not Found"}, "dfns: 404 Not Found"},
		{&APIError{StatusCode: 503}, "dfns: 503 Service Unavailable"},
		{&APIError{StatusCode: 429, Message: "slow down", ID: "e-1", Details: []byte(`{"a":1}`), RetryAfter: time.Second}, "dfns: 429 Too Many Requests: slow down"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if strings.Contains(tt.err.Error(), "\n") {
			t.Errorf("Error() spans lines: %q", tt.err.Error())
		}
	}
}

func TestAPIErrorRetryAfterFromTheServer(t *testing.T) {
	tests := []struct {
		name     string
		value    string
		min, max time.Duration
	}{
		{"seconds", "30", 30 * time.Second, 30 * time.Second},
		// An HTTP date has a resolution of a second, and the client reads it
		// against its own clock.
		{"HTTP date", time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat), 85 * time.Second, 90 * time.Second},
		{"clamped", "86400", maxRetryAfter, maxRetryAfter},
		{"garbage", "soon", 0, 0},
		{"absent", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			header := http.Header{}
			if tt.value != "" {
				header.Set("Retry-After", tt.value)
			}
			err := errTestCall(t, errTestReply(http.StatusTooManyRequests, header, `{"error":{"message":"Too many requests"}}`))
			if !errors.Is(err, ErrRateLimited) {
				t.Fatalf("err = %v, want ErrRateLimited", err)
			}
			ae := errTestAPIError(t, err)
			if ae.RetryAfter < tt.min || ae.RetryAfter > tt.max {
				t.Errorf("RetryAfter = %v, want in [%v, %v]", ae.RetryAfter, tt.min, tt.max)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	date := func(d time.Duration) string { return now.Add(d).Format(http.TimeFormat) }
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"   ", 0},
		{"0", 0},
		{"1", time.Second},
		{" 120 ", 2 * time.Minute},
		{"300", 5 * time.Minute},
		{"301", 5 * time.Minute},
		{"86400", 5 * time.Minute},
		{"9223372036854775807", 5 * time.Minute},
		{"99999999999999999999", 0}, // overflows int64 and is no date: unreadable
		{"-1", 0},
		{"-86400", 0},
		{"1.5", 0},
		{"soon", 0},
		{"0x10", 0},
		{date(90 * time.Second), 90 * time.Second},
		{date(5 * time.Minute), 5 * time.Minute},
		{date(time.Hour), 5 * time.Minute},
		{date(0), 0},
		{date(-time.Hour), 0},
		{now.Add(42 * time.Second).Format(time.RFC850), 42 * time.Second},
		{now.Add(7 * time.Second).Format(time.ANSIC), 7 * time.Second},
		{"Mon, 32 Nov 2026 12:00:00 GMT", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// A 4xx that echoes the code everywhere it can: message, id, details (also
// \u-escaped, as a key, and as a number for an all-digit code) and
// X-Request-Id.
func TestAPIErrorEchoRedacted(t *testing.T) {
	escape := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\u%04X`, r)
		}
		return b.String()
	}
	tests := []struct {
		name string
		code OneTimeCode
		body func(c string) string
	}{
		{"string code", errTestCode, func(c string) string {
			return `{"error":{"id":"id-` + c + `","status":400,"message":"Code ` + c + ` was already used",` +
				`"details":{"code":"` + c + `","escaped":"` + escape(c) + `","` + escape(c) + `":["x` + c + `y"]}}}`
		}},
		{"numeric code", "493817", func(c string) string {
			return `{"error":{"id":` + c + `,"status":400,"message":"Code ` + c + ` was already used",` +
				`"details":{"code":` + c + `,"list":[1` + c + `,"` + escape(c) + `"]}}}`
		}},
		{"old envelope", errTestCode, func(c string) string { return `{"message":"` + escape(c) + ` is unknown"}` }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := string(tt.code)
			header := http.Header{"X-Request-Id": {"req-" + code}}
			body := tt.body(code)
			srv := httptest.NewServer(errTestReply(http.StatusBadRequest, header, body))
			t.Cleanup(srv.Close)
			c, err := New(WithBaseURL(srv.URL))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CreateCredentialChallengeWithCode(context.Background(), CredentialKindKey, tt.code)
			ae := errTestAPIError(t, err)
			for _, e := range []*APIError{ae, ParseAPIError(http.StatusBadRequest, header, []byte(body), tt.code)} {
				for _, s := range []string{
					e.Error(), fmt.Sprintf("%v", e), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e), fmt.Sprintf("%+v", *e),
					e.ID, e.Message, e.RequestID, string(e.Details),
				} {
					if strings.Contains(s, code) {
						t.Errorf("the code shows: %s", s)
					}
				}
				if !strings.Contains(e.Message, redacted) {
					t.Errorf("Message = %q, want the echo replaced by %s", e.Message, redacted)
				}
				if !errors.Is(e, ErrBadRequest) {
					t.Errorf("the class is lost")
				}
			}
		})
	}
	// With no secret, nothing is redacted.
	e := ParseAPIError(400, http.Header{"X-Request-Id": {"r"}}, []byte(`{"error":{"id":"1","message":"m","details":{"n":12345678901234567890}}}`), "")
	if e.ID != "1" || e.Message != "m" || e.RequestID != "r" || string(e.Details) != `{"n":12345678901234567890}` {
		t.Errorf("ParseAPIError without a secret = %+v (details %s)", e, e.Details)
	}
}

func TestValidationErrorString(t *testing.T) {
	tests := []struct {
		err  *ValidationError
		want string
	}{
		{&ValidationError{In: "response", Path: "/challenge", Rule: RuleRequired, Want: "string"}, "dfns: invalid response: /challenge: required (string)"},
		{&ValidationError{In: "response", Path: "", Rule: RuleType, Want: "object"}, "dfns: invalid response: body: type (object)"},
		{&ValidationError{In: "request", Path: "/code", Rule: RuleMinLength}, "dfns: invalid request: /code: minLength"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestDecodeErrorSnippet(t *testing.T) {
	cause := errors.New("boom")
	tests := []struct {
		name string
		body string
		want string // the snippet, when exact
	}{
		{"short", `<p>hi</p>`, `<p>hi</p>`},
		{"exactly 64 bytes", strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{"65 bytes", strings.Repeat("a", 65), strings.Repeat("a", 64) + "…"},
		{"code straddling the cut", strings.Repeat("a", 60) + string(errTestCode), strings.Repeat("a", 60) + "[RED…"},
		{"multi-byte rune at the cut", strings.Repeat("a", 63) + "é" + "tail", strings.Repeat("a", 63) + "…"},
		{"invalid UTF-8 throughout", strings.Repeat("\xffa", 64), ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			meta := &responseMeta{status: 200, contentType: "text/html", secrets: secrets{errTestCode.reveal()}}
			e := newDecodeError(meta, []byte(tt.body), cause)
			if tt.want != "" && e.Snippet != tt.want {
				t.Errorf("Snippet = %q, want %q", e.Snippet, tt.want)
			}
			if n := len(strings.TrimSuffix(e.Snippet, "…")); n > snippetLen {
				t.Errorf("Snippet is %d bytes, want at most %d: %q", n, snippetLen, e.Snippet)
			}
			if !utf8.ValidString(e.Snippet) {
				t.Errorf("Snippet is not valid UTF-8: %q", e.Snippet)
			}
			if strings.Contains(e.Error(), string(errTestCode)) {
				t.Errorf("Error() holds the code: %s", e.Error())
			}
			if !errors.Is(e, cause) {
				t.Errorf("Unwrap lost the cause")
			}
		})
	}
	e := &DecodeError{StatusCode: 200, ContentType: "text/html", Snippet: "<p>", Err: errors.New("content type is not JSON")}
	if want := `dfns: cannot decode response (status 200) of type text/html: content type is not JSON: body starts "<p>"`; e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if e := (&DecodeError{Err: errors.New("x")}); e.Error() != "dfns: cannot decode response: x" {
		t.Errorf("Error() = %q", e.Error())
	}
}
