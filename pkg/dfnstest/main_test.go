package dfnstest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

const (
	initPath = "/auth/credentials/code/init"
	mintPath = "/auth/credentials/code"
)

// fixedTime is the clock of deterministic tests.
var fixedTime = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedTime }

// clock is a settable clock for expiry tests.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(fixedTime.UnixNano())
	return c
}
func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// newServer starts a server closed at the end of the test, which then
// checks that the sandbox never answered a response that broke the spec.
func newServer(t *testing.T, opts ...dfnstest.Option) *dfnstest.Server {
	t.Helper()
	srv := dfnstest.NewServer(opts...)
	t.Cleanup(func() {
		srv.Close()
		assertNoInvalidResponse(t, srv.Sandbox)
	})
	return srv
}

// assertNoInvalidResponse fails if the sandbox answered sandbox_invalid_response.
func assertNoInvalidResponse(t *testing.T, sb *dfnstest.Sandbox) {
	t.Helper()
	for _, r := range sb.Requests() {
		if strings.Contains(r.Reason, "sandbox_invalid_response") {
			t.Errorf("the sandbox broke the spec: %s %s: %s", r.Method, r.Path, r.Reason)
		}
	}
}

// newClient returns a dfns client for srv.
func newClient(t *testing.T, srv *dfnstest.Server, opts ...dfns.Option) *dfns.Client {
	t.Helper()
	c, err := dfns.New(append([]dfns.Option{dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithTimeout(10 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// answer is a raw HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a raw request to srv.
func do(t *testing.T, srv *dfnstest.Server, method, path, contentType, body string, header ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading: %v", method, path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// initBody is an init request body.
func initBody(kind dfns.CredentialKind, code dfns.OneTimeCode) string {
	b, _ := json.Marshal(map[string]string{"credentialKind": string(kind), "code": string(code)})
	return string(b)
}

// envelope is the Dfns error body, decoded strictly.
type envelope struct {
	Error struct {
		ID      string `json:"id"`
		Status  int    `json:"status"`
		Message string `json:"message"`
		Details []struct {
			Pointer string `json:"pointer"`
			Rule    string `json:"rule"`
		} `json:"details"`
	} `json:"error"`
}

// checkEnvelope checks an error answer's shape and returns it decoded.
func checkEnvelope(t *testing.T, a answer, status int, id string) envelope {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	dec := json.NewDecoder(strings.NewReader(string(a.body)))
	dec.DisallowUnknownFields()
	var e envelope
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("not the envelope: %v: %s", err, a.body)
	}
	var raw map[string]map[string]json.RawMessage
	_ = json.Unmarshal(a.body, &raw)
	if d := raw["error"]["details"]; len(d) == 0 || d[0] != '[' {
		t.Errorf("details is not a list: %s", a.body)
	}
	if e.Error.ID != id || e.Error.Status != status || e.Error.Message == "" {
		t.Errorf("envelope %+v, want id %q status %d", e.Error, id, status)
	}
	if a.header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
	return e
}

// codePattern is the shape of a minted code.
var codePattern = regexp.MustCompile(`^[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3}$`)

// lastRequest returns the last recorded request.
func lastRequest(t *testing.T, sb *dfnstest.Sandbox) dfnstest.Request {
	t.Helper()
	reqs := sb.Requests()
	if len(reqs) == 0 {
		t.Fatal("no request recorded")
	}
	return reqs[len(reqs)-1]
}
