package bench

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// sandboxClients is the number of concurrent clients of BenchmarkSandbox.
const sandboxClients = 64

// server is one of the servers the sandbox benchmarks compare: its handler
// and the body of an init request it answers with a 200.
type server struct {
	name    string
	handler http.Handler
	req     []byte
}

// sandboxModes are the servers BenchmarkSandbox compares: the sandbox with
// request and response validation (its default), without validation, and a
// bare handler answering the fixed bytes of a Fido2 answer (the floor). The
// sandboxes' requests carry a code minted ahead that WithReinit keeps
// reusable.
func sandboxModes(tb testing.TB) []server {
	tb.Helper()
	sandbox := func(name string, opts ...dfnstest.Option) server {
		sb := dfnstest.New(append(opts, dfnstest.WithReinit(), dfnstest.WithCodeTTL(24*time.Hour))...)
		code := sb.MintCode()
		return server{name, sb.Handler(), []byte(`{"credentialKind":"Fido2","code":"` + string(code) + `"}`)}
	}
	return []server{
		sandbox("validated"),
		sandbox("unvalidated", dfnstest.WithoutValidation()),
		{"bare", fixedHandler(body(tb, dfns.CredentialKindFido2)), []byte(`{"credentialKind":"Fido2","code":"` + benchCode + `"}`)},
	}
}

// post sends body to url and drains the answer, which must be a 200.
func post(hc *http.Client, url string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// sandboxSlice is the length of one server's turn in BenchmarkSandbox: long
// enough that the bursts at a turn's start and end weigh little in p99.
const sandboxSlice = 100 * time.Millisecond

// BenchmarkSandbox is Fido2 init over loopback HTTP with keep-alive, from 64
// concurrent raw net/http clients sharing one transport, against each
// server's Handler behind its own httptest.NewServer, the servers taking
// turns (see interleave). It reports SERVER-req/s, SERVER-p50-us and
// SERVER-p99-us (per request, client side), SERVER-cpu-ns/op, and
// SERVER-allocs/op and SERVER-B/op, which count the client too
// (BenchmarkSandboxHandler counts the server alone).
func BenchmarkSandbox(b *testing.B) {
	var cs []contender
	for _, m := range sandboxModes(b) {
		srv := httptest.NewServer(m.handler)
		defer srv.Close()
		tr := newTransport()
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr}
		url := srv.URL + "/auth/credentials/code/init"
		cs = append(cs, contender{m.name, func() error { return post(hc, url, m.req) }})
	}
	interleave(b, interleaveOptions{goroutines: sandboxClients, slice: sandboxSlice, load: true, latencies: true}, cs)
}

// discardWriter is a reusable http.ResponseWriter that keeps nothing but
// the status.
type discardWriter struct {
	h      http.Header
	status int
}

// Header implements http.ResponseWriter.
func (w *discardWriter) Header() http.Header { return w.h }

// Write implements http.ResponseWriter.
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(p), nil
}

// WriteHeader implements http.ResponseWriter.
func (w *discardWriter) WriteHeader(code int) { w.status = code }

// handlerSlice is the length of one server's turn in
// BenchmarkSandboxHandler.
const handlerSlice = 10 * time.Millisecond

// BenchmarkSandboxHandler is the server's own cost of one init, without
// HTTP: ServeHTTP on a prepared request, serially, the servers taking turns.
// SERVER-allocs/op are the server's allocations per request.
func BenchmarkSandboxHandler(b *testing.B) {
	var cs []contender
	for _, m := range sandboxModes(b) {
		rd := &replayBody{}
		req := httptest.NewRequest(http.MethodPost, "/auth/credentials/code/init", nil)
		req.Header.Set("Content-Type", "application/json")
		w := &discardWriter{h: make(http.Header)}
		cs = append(cs, contender{m.name, func() error {
			rd.Reset(m.req)
			req.Body = rd
			req.ContentLength = int64(len(m.req))
			clear(w.h)
			w.status = 0
			m.handler.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				return fmt.Errorf("status %d", w.status)
			}
			return nil
		}})
	}
	interleave(b, interleaveOptions{goroutines: 1, slice: handlerSlice}, cs)
}
