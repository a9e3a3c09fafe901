package dfnsproxy_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnsproxy"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// answer is an answer as one side of the proxy saw it.
type answer struct {
	status  int
	header  http.Header
	body    []byte
	readErr error
}

// readAnswer reads resp whole, keeping the read error.
func readAnswer(resp *http.Response) answer {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header.Clone(), body: b, readErr: err}
}

// tap is the proxy's upstream transport in the tests: it keeps every answer
// as the upstream sent it, and hands it on unchanged.
type tap struct {
	mu      sync.Mutex
	answers []answer
}

func (t *tap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(r)
	if err != nil {
		return nil, err
	}
	a := readAnswer(resp)
	t.mu.Lock()
	t.answers = append(t.answers, a)
	t.mu.Unlock()
	var rest io.Reader = bytes.NewReader(a.body)
	if a.readErr != nil {
		rest = io.MultiReader(rest, errReader{a.readErr})
	}
	resp.Body = io.NopCloser(rest)
	return resp, nil
}

func (t *tap) last(tb testing.TB) answer {
	tb.Helper()
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.answers) == 0 {
		tb.Fatal("the upstream answered nothing")
	}
	return t.answers[len(t.answers)-1]
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// logFile is the proxy's log: a file takes the handlers' concurrent lines
// whole.
type logFile struct{ *os.File }

func newLogFile(t testing.TB) logFile {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return logFile{f}
}

// String is what was logged so far.
func (l logFile) String() string {
	b, _ := os.ReadFile(l.Name())
	return string(b)
}

// lines decodes the JSON log lines.
func (s logFile) lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// rig is a proxy in front of an upstream, with its log and tap.
type rig struct {
	proxy *dfnsproxy.Proxy
	front *httptest.Server
	tap   *tap
	logs  logFile
}

// newRig starts a proxy in front of upstream, logging JSON at debug level.
func newRig(t testing.TB, upstream string, opts ...dfnsproxy.Option) *rig {
	t.Helper()
	r := &rig{tap: &tap{}, logs: newLogFile(t)}
	logger := slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p, err := dfnsproxy.New(upstream, append([]dfnsproxy.Option{dfnsproxy.WithLogger(logger), dfnsproxy.WithTransport(r.tap)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	r.proxy = p
	r.front = httptest.NewServer(p)
	t.Cleanup(r.front.Close)
	return r
}

// post sends a JSON body to the proxy and reads the answer.
func (r *rig) post(t testing.TB, path, body string, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, r.front.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := r.front.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return readAnswer(resp)
}

// violations are the log's violation and note lines, as "direction pointer
// rule" with a "note " prefix for notes.
func (r *rig) violations(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, l := range r.logs.lines(t) {
		if l["msg"] != "violation" && l["msg"] != "note" {
			continue
		}
		p := l["pointer"].(string)
		if p == "" {
			p = "body"
		}
		s := l["direction"].(string) + " " + p + " " + l["rule"].(string)
		if l["msg"] == "note" {
			s = "note " + s
		}
		out = append(out, s)
	}
	return out
}

// newSandbox starts a sandbox that honours the fault header.
func newSandbox(t testing.TB, opts ...dfnstest.Option) *dfnstest.Server {
	t.Helper()
	s := dfnstest.NewServer(append([]dfnstest.Option{dfnstest.WithFaults()}, opts...)...)
	t.Cleanup(s.Close)
	return s
}

// initBody is an init request for kind with code.
func initBody(kind string, code dfns.OneTimeCode) string {
	return `{"credentialKind":"` + kind + `","code":"` + string(code) + `"}`
}

// gzipped compresses h's answers.
func gzipped(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(rec.Body.Bytes())
		_ = zw.Close()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(buf.Bytes())
	})
}

// newFront serves h on loopback until the test ends and returns its URL.
func newFront(tb testing.TB, h http.Handler) string {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}
