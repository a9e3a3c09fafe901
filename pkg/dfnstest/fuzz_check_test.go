package dfnstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// What the fuzz targets share: seeds from files, a fresh deterministic
// sandbox per input, and the checks of an answer in the envelope.

// Marks in fuzzed inputs, expanded before the request is sent: $CODE is
// the live code of the input's sandbox (the fuzzer can place a valid code
// anywhere), $HUGE is 64 KiB of "A" (a body over the limit from a small
// input: the fuzzer minimises every input that finds new coverage, which
// takes minutes for a large one), and $FILL is the white space that makes
// the body exactly 64 KiB, the largest accepted.
const (
	codeMark = "$CODE"
	hugeMark = "$HUGE"
	fillMark = "$FILL"
)

// expand replaces the marks of an input.
func expand(in []byte, code string) []byte {
	out := bytes.ReplaceAll(in, []byte(codeMark), []byte(code))
	out = bytes.ReplaceAll(out, []byte(hugeMark), bytes.Repeat([]byte("A"), maxRequestBody))
	if n := bytes.Count(out, []byte(fillMark)); n > 0 {
		pad := max(maxRequestBody-(len(out)-n*len(fillMark)), 0) / n
		out = bytes.ReplaceAll(out, []byte(fillMark), bytes.Repeat([]byte(" "), pad))
	}
	return out
}

// fuzzSandbox returns a deterministic sandbox (the same code, ids and
// challenges for the same input, so that a failure replays) and its live
// code.
func fuzzSandbox(opts ...Option) (*Sandbox, string) {
	s := New(append([]Option{WithSeed(7), WithClock(fixedClock)}, opts...)...)
	return s, string(s.MintCode())
}

// seedFiles returns the contents of every file under dirs (relative to
// this package), skipping directories that do not exist.
func seedFiles(f *testing.F, dirs ...string) [][]byte {
	f.Helper()
	var out [][]byte
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil
			case err != nil:
				return err
			case d.IsDir():
				return nil
			}
			b, err := os.ReadFile(path)
			out = append(out, b)
			return err
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	return out
}

// send serves one request with the handler and returns the answer and how
// long it took.
func send(h http.Handler, method, path string, body []byte, header ...string) (*httptest.ResponseRecorder, time.Duration) {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] != "" {
			req.Header[http.CanonicalHeaderKey(header[i])] = []string{header[i+1]}
		}
	}
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	return rec, time.Since(start)
}

// checkHeaders checks what every answer carries.
func checkHeaders(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	h := rec.Header()
	if h.Get("X-Request-Id") == "" || h.Get("Cache-Control") != "no-store" {
		t.Errorf("answer headers %v", h)
	}
}

// checkContentLength checks that Content-Length is the body's length.
func checkContentLength(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(rec.Body.Len()) {
		t.Errorf("Content-Length %q for a body of %d bytes", cl, rec.Body.Len())
	}
}

// checkEnvelope checks that an answer is the documented envelope of its
// status and returns it.
func checkEnvelope(t *testing.T, rec *httptest.ResponseRecorder) envelope {
	t.Helper()
	checkHeaders(t, rec)
	checkContentLength(t, rec)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("%d answered with Content-Type %q", rec.Code, ct)
	}
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	var e envelope
	if err := dec.Decode(&e); err != nil || dec.More() {
		t.Fatalf("%d: not the envelope (%v): %q", rec.Code, err, rec.Body)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("%d: data after the envelope: %q", rec.Code, rec.Body)
	}
	var raw struct {
		Error struct{ Details json.RawMessage }
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &raw)
	if !bytes.HasPrefix(raw.Error.Details, []byte("[")) {
		t.Errorf("details is not a list: %q", rec.Body)
	}
	if e.Error.Status != rec.Code || e.Error.ID == "" || e.Error.Message == "" {
		t.Errorf("envelope %+v for status %d", e.Error, rec.Code)
	}
	return e
}

// checkFixedError checks an envelope against the error the sandbox builds
// for its status (id and message), and its details against the pointers
// and rules a request can get.
func checkFixedError(t *testing.T, e envelope, want *apiError, pointers ...string) {
	t.Helper()
	if e.Error.ID != want.id || e.Error.Message != want.message {
		t.Errorf("envelope %q %q, want %q %q", e.Error.ID, e.Error.Message, want.id, want.message)
	}
	for _, d := range e.Error.Details {
		if !knownRules[d.Rule] || !contains(pointers, d.Pointer) {
			t.Errorf("detail %+v (pointers %q)", d, pointers)
		}
	}
	if want.id != idRequestInvalid && len(e.Error.Details) != 0 {
		t.Errorf("details %+v for a %d", e.Error.Details, want.status)
	}
	if want.id == idRequestInvalid && len(e.Error.Details) == 0 {
		t.Error("a 400 without details")
	}
}

// knownRules are the rules a detail can name.
var knownRules = map[string]bool{
	ruleJSON: true, ruleRequired: true, ruleType: true, ruleEnum: true, ruleMinLen: true, ruleAddProps: true,
	ruleFormat: true, ruleMinimum: true, ruleMaximum: true, "maxLength": true, "pattern": true,
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// vocabulary is every text the sandbox's error answers are made of: a
// request value found in it cannot be told from the sandbox's own words.
func vocabulary(extra ...string) string {
	parts := []string{
		`{"error":{"id":"","status":,"message":"","details":[{"pointer":"","rule":""}]}}`,
		"/credentialKind", "/code", "/expiration", "credentialKind", "code", "expiration",
		errFaultGrammar, "Invalid " + FaultHeader + " header: item : ; empty fault spec; ",
		"latency given twice", "latency wants a duration in (0, 30s], e.g. latency=5ms",
		"status wants a number from 400 to 599", "rate-limit wants whole seconds from 0 to 3600",
		"unknown fault name", "this fault takes no argument", "at most one fault besides latency",
	}
	for _, e := range []*apiError{
		invalidRequest(), codeInvalid(""), unauthorized(), notFound(), methodNotAllowed(http.MethodPost),
		bodyTooLarge(), unsupportedMedia(), internalError(""),
		{id: idFault, message: "Fault injected by the sandbox."}, {id: idRateLimited, message: "Too many requests; retry after the delay in Retry-After."},
		{id: idFaultInvalid}, {id: idInvalidResponse, message: "The sandbox's answer broke the API spec; this is a bug of dfnstest."},
	} {
		parts = append(parts, e.id, e.message)
	}
	for r := range knownRules {
		parts = append(parts, r)
	}
	return strings.Join(append(parts, extra...), "\n")
}

// requestTokens returns the string and number tokens of a JSON document, as
// far as it is well-formed, and the runs of letters and digits of the
// other inputs (headers).
func requestTokens(body []byte, others ...string) []string {
	var out []string
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch v := tok.(type) {
		case string:
			out = append(out, v)
		case json.Number:
			out = append(out, string(v))
		}
	}
	for _, o := range others {
		out = append(out, wordRun.FindAllString(o, -1)...)
	}
	return out
}

var wordRun = regexp.MustCompile(`[A-Za-z0-9_.+-]+`)

// checkNoEcho checks that no token of the request (4 characters or more,
// and not a word of the sandbox's own vocabulary) is in the answer, raw or
// decoded.
func checkNoEcho(t *testing.T, answer []byte, e envelope, tokens []string, vocab string) {
	t.Helper()
	decoded := e.Error.ID + "\n" + e.Error.Message
	for _, d := range e.Error.Details {
		decoded += "\n" + d.Pointer + "\n" + d.Rule
	}
	for _, tok := range tokens {
		if len(tok) < 4 || strings.Contains(vocab, tok) {
			continue
		}
		if bytes.Contains(answer, []byte(tok)) || strings.Contains(decoded, tok) {
			t.Errorf("the answer echoes the request's %q: %s", tok, answer)
		}
	}
}

// checkRecords checks that the sandbox recorded exactly one request, with
// the status answered and a reason of the sandbox's own words, and that
// no value the record took from the request (body, fault, headers) holds
// the code (in any case) or any of the other secrets of 4 bytes or more.
func checkRecords(t *testing.T, s *Sandbox, status int, code string, secrets ...string) Request {
	t.Helper()
	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d records", len(reqs))
	}
	r := reqs[0]
	if r.Status != status {
		t.Errorf("recorded status %d, answered %d", r.Status, status)
	}
	if !recordReason.MatchString(r.Reason) {
		t.Errorf("recorded reason %q", r.Reason)
	}
	dump := r.Body + "\n" + r.Fault
	for k, vs := range r.Header {
		dump += "\n" + k + ": " + strings.Join(vs, ", ")
	}
	for _, secret := range append([]string{code, strings.ToLower(code)}, secrets...) {
		if len(secret) >= 4 && !strings.Contains(Redacted, secret) && strings.Contains(dump, secret) {
			t.Errorf("a record holds %q: %s", secret, dump)
		}
	}
	return r
}

// recordReason matches every reason the sandbox records.
var recordReason = regexp.MustCompile(`^(|invalid request(: (body|/[A-Za-z]+) [A-Za-z]+)+|code (unknown|already used|expired)|` +
	`not found|method not allowed|body too large|body unreadable|unsupported media type|no bearer token|invalid fault header|` +
	`fault: (status|rate limited|connection reset before the body was read|connection reset after the request was processed))$`)
