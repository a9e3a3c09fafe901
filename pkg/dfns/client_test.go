package dfns_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// testCode is the one-time code every test sends; its bytes must never show
// up in an error or a log line.
const testCode = dfns.OneTimeCode("Q7Z-XK4-P9W")

const initPath = "/auth/credentials/code/init"

// responseFixture reads testdata/responses/<name>.json.
func responseFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "responses", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeDfns is a loopback Dfns that counts the requests it receives.
type fakeDfns struct {
	*httptest.Server
	hits atomic.Int64
}

// newFakeDfns serves handler and counts requests.
func newFakeDfns(t testing.TB, handler http.HandlerFunc) *fakeDfns {
	t.Helper()
	f := &fakeDfns{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		handler(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// newBlockingDfns is a server whose handler reads the request, closes
// started (when not nil) and then blocks until the client goes away or the
// test ends.
func newBlockingDfns(t testing.TB, started chan struct{}) *fakeDfns {
	t.Helper()
	release := make(chan struct{})
	var once sync.Once
	f := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
		// Reading the body to its end lets the server notice a closed
		// connection and cancel r.Context().
		_, _ = io.Copy(io.Discard, r.Body)
		if started != nil {
			once.Do(func() { close(started) })
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	return f
}

// recordedRequest is what a recording server saw of a request.
type recordedRequest struct {
	method, path, rawQuery string
	header                 http.Header
	body                   []byte
}

// newRecordingDfns answers every request with the Key fixture and hands
// what it saw to the test over the returned channel (a channel, so that the
// handler's writes happen before the test's reads).
func newRecordingDfns(t testing.TB) (*fakeDfns, <-chan recordedRequest) {
	t.Helper()
	seen := make(chan recordedRequest, 16)
	reply := responseFixture(t, "key")
	f := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen <- recordedRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body}
		replyJSON(reply)(w, r)
	})
	return f, seen
}

// replyWith answers every request with status, content type and body.
func replyWith(status int, contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// replyJSON answers every request with 200 and a JSON body.
func replyJSON(body []byte) http.HandlerFunc {
	return replyWith(http.StatusOK, "application/json", body)
}

// newTestClient builds a client for a loopback base URL that makes single
// attempts (retry_test.go covers retries); opts may replace the policy.
func newTestClient(t testing.TB, baseURL string, opts ...dfns.Option) *dfns.Client {
	t.Helper()
	c, err := dfns.New(append([]dfns.Option{dfns.WithBaseURL(baseURL), dfns.WithRetryPolicy(dfns.NoRetries())}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// redeem calls the endpoint with testCode.
func redeem(c *dfns.Client, kind dfns.CredentialKind) (dfns.Challenge, error) {
	return c.CreateCredentialChallengeWithCode(context.Background(), kind, testCode)
}

func TestRequestOnTheWire(t *testing.T) {
	type wireRequest struct {
		Code           string `json:"code"`
		CredentialKind string `json:"credentialKind"`
	}
	for _, kind := range dfns.CredentialKinds() {
		t.Run(string(kind), func(t *testing.T) {
			srv, seen := newRecordingDfns(t)
			if _, err := redeem(newTestClient(t, srv.URL), kind); err != nil {
				t.Fatal(err)
			}
			if n := srv.hits.Load(); n != 1 {
				t.Fatalf("server got %d requests, want 1", n)
			}
			got := <-seen
			if got.method != http.MethodPost {
				t.Errorf("method = %s, want POST", got.method)
			}
			if got.path != initPath {
				t.Errorf("path = %s, want %s", got.path, initPath)
			}
			if got.rawQuery != "" {
				t.Errorf("query = %q, want none", got.rawQuery)
			}
			if ct := got.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if ua := got.header.Get("User-Agent"); !strings.HasPrefix(ua, "dfns-go/") {
				t.Errorf("User-Agent = %q, want a dfns-go/ prefix", ua)
			}
			if v := got.header.Get("X-Dfns-Sdk-Version"); v != "dfns-go/"+dfns.Version {
				t.Errorf("X-Dfns-Sdk-Version = %q, want dfns-go/%s", v, dfns.Version)
			}
			if _, ok := got.header["Authorization"]; ok {
				t.Errorf("request carries an Authorization header")
			}

			// The body is exactly the two fields: nothing unknown, nothing after.
			var body wireRequest
			dec := json.NewDecoder(bytes.NewReader(got.body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&body); err != nil {
				t.Fatalf("body %s is not exactly {code, credentialKind}: %v", got.body, err)
			}
			if dec.More() {
				t.Errorf("trailing data after the body's JSON object: %s", got.body)
			}
			if body.Code != string(testCode) || body.CredentialKind != string(kind) {
				t.Errorf("body = %+v, want code %q and credentialKind %q", body, string(testCode), kind)
			}
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(got.body, &fields); err != nil || len(fields) != 2 {
				t.Errorf("body has fields %v, want exactly code and credentialKind", fields)
			}
		})
	}
}

func TestUserAgentOption(t *testing.T) {
	srv, seen := newRecordingDfns(t)
	if _, err := redeem(newTestClient(t, srv.URL, dfns.WithUserAgent("myapp/1.2")), dfns.CredentialKindKey); err != nil {
		t.Fatal(err)
	}
	if ua := (<-seen).header.Get("User-Agent"); !strings.HasPrefix(ua, "myapp/1.2 dfns-go/") {
		t.Errorf("User-Agent = %q, want myapp/1.2 in front of dfns-go/", ua)
	}
}

func TestRequestValidatedBeforeIO(t *testing.T) {
	tests := []struct {
		name     string
		kind     dfns.CredentialKind
		code     dfns.OneTimeCode
		wantPath string
		wantRule string
	}{
		{"unknown kind", "Passkey2", testCode, "/credentialKind", dfns.RuleEnum},
		{"empty kind", "", testCode, "/credentialKind", dfns.RuleEnum},
		{"kind in the wrong case", "fido2", testCode, "/credentialKind", dfns.RuleEnum},
		{"empty code", dfns.CredentialKindKey, "", "/code", dfns.RuleMinLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeDfns(t, replyJSON(responseFixture(t, "key")))
			_, err := newTestClient(t, srv.URL).CreateCredentialChallengeWithCode(context.Background(), tt.kind, tt.code)
			var ve *dfns.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v (%T), want *ValidationError", err, err)
			}
			if ve.In != "request" || ve.Path != tt.wantPath || ve.Rule != tt.wantRule {
				t.Errorf("got In=%q Path=%q Rule=%q, want request %q %q", ve.In, ve.Path, ve.Rule, tt.wantPath, tt.wantRule)
			}
			if n := srv.hits.Load(); n != 0 {
				t.Errorf("server got %d requests, want 0", n)
			}
			if err2 := dfns.ValidateRequest(tt.kind, tt.code); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("ValidateRequest = %v, want the client's error %v", err2, err)
			}
		})
	}
	if err := dfns.ValidateRequest(dfns.CredentialKindFido2, testCode); err != nil {
		t.Errorf("ValidateRequest(valid) = %v", err)
	}
}

func TestPathPrefixedBaseURL(t *testing.T) {
	for _, prefix := range []string{"/prefix/", "/prefix", "/a/b/"} {
		t.Run(prefix, func(t *testing.T) {
			srv, seen := newRecordingDfns(t)
			c := newTestClient(t, srv.URL+prefix)
			if _, err := redeem(c, dfns.CredentialKindKey); err != nil {
				t.Fatal(err)
			}
			path := (<-seen).path
			want := strings.TrimSuffix(prefix, "/") + initPath
			if path != want {
				t.Errorf("path = %q, want %q", path, want)
			}
			if c.BaseURL() != srv.URL+strings.TrimSuffix(prefix, "/") {
				t.Errorf("BaseURL() = %q", c.BaseURL())
			}
		})
	}
}

func TestStrictValidationOption(t *testing.T) {
	withoutToken := withFields(t, responseFixture(t, "key"), map[string]any{"temporaryAuthenticationToken": absent})
	tests := []struct {
		name     string
		body     []byte
		wantPath string
		wantRule string
	}{
		{"missing temporaryAuthenticationToken", withoutToken, "/temporaryAuthenticationToken", dfns.RuleRequired},
		{"unknown kind", responseFixture(t, "unknown"), "/kind", dfns.RuleEnum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeDfns(t, replyJSON(tt.body))
			// Default mode tolerates the body...
			if _, err := redeem(newTestClient(t, srv.URL), dfns.CredentialKindKey); err != nil {
				t.Fatalf("default mode: %v", err)
			}
			// ...strict mode does not.
			_, err := redeem(newTestClient(t, srv.URL, dfns.WithStrictValidation()), dfns.CredentialKindKey)
			var ve *dfns.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v (%T), want *ValidationError", err, err)
			}
			if ve.In != "response" || ve.Path != tt.wantPath || ve.Rule != tt.wantRule {
				t.Errorf("got In=%q Path=%q Rule=%q, want response %q %q", ve.In, ve.Path, ve.Rule, tt.wantPath, tt.wantRule)
			}
		})
	}
	t.Run("bad JSON is a DecodeError with the response's metadata", func(t *testing.T) {
		srv := newFakeDfns(t, replyJSON([]byte(`{"kind":`)))
		_, err := redeem(newTestClient(t, srv.URL, dfns.WithStrictValidation()), dfns.CredentialKindKey)
		var de *dfns.DecodeError
		if !errors.As(err, &de) || de.StatusCode != http.StatusOK || de.ContentType != "application/json" {
			t.Fatalf("err = %#v, want *DecodeError with status 200 and the content type", err)
		}
	})
}
