package dfnstest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// Request is one HTTP request the sandbox served, as Requests reports it.
// It never holds a one-time code or a bearer token.
type Request struct {
	// ID is the X-Request-Id the sandbox answered (dfns.APIError.RequestID
	// on the client side).
	ID string
	// Time is when the request arrived, on the sandbox's clock.
	Time time.Time
	// Method and Path are the request's (code-shaped strings in the path
	// redacted).
	Method string
	Path   string
	// Header holds the request headers a test may want to check:
	// Content-Type, Accept, User-Agent, X-Dfns-Sdk-Version, X-Request-Id,
	// X-Dfns-Sandbox-Fault, and Authorization, whose value is replaced by
	// "[REDACTED]".
	Header http.Header
	// Body is the request body (up to 64 KiB) with the value of every
	// "code" member, at any depth and in any case, replaced by
	// "[REDACTED]", as are code-shaped strings anywhere. A body that is not
	// valid JSON is replaced whole if it contains the word "code" in any
	// case. A verify body keeps its credentialInfo and encryptedPrivateKey
	// as sent but has its challengeIdentifier (and the deprecated password
	// and otpCode) redacted, and is replaced whole unless it is a JSON
	// object. It is empty for reset-before-body, which never reads it.
	Body string
	// Status is the status answered; 0 when the connection was reset or
	// the client went away first.
	Status int
	// Fault is the fault spec applied to the request, "" if none.
	Fault string
	// Reason says why the request failed ("code expired", "invalid
	// request: /credentialKind enum"…), "" on success. It names fields and
	// rules, never values.
	Reason string
}

// Redacted is what the sandbox records in place of a secret.
const Redacted = "[REDACTED]"

// recordedHeaders are the request headers Requests keeps.
var recordedHeaders = []string{"Content-Type", "Accept", "User-Agent", "X-Dfns-Sdk-Version", "X-Request-Id", FaultHeader}

// recordHeader returns the recorded subset of h.
func recordHeader(h http.Header) http.Header {
	out := make(http.Header, len(recordedHeaders)+1)
	for _, k := range recordedHeaders {
		if v := h.Values(k); len(v) > 0 {
			vs := make([]string, len(v))
			for i, x := range v {
				vs[i] = redactCodeShapes(x)
			}
			out[k] = vs
		}
	}
	if len(h.Values("Authorization")) > 0 {
		out.Set("Authorization", Redacted)
	}
	return out
}

// codeShape matches anything that looks like a one-time code, in any case.
var codeShape = regexp.MustCompile(`(?i)[a-z0-9]{3}-[a-z0-9]{3}-[a-z0-9]{3}`)

// redactCodeShapes replaces code-shaped substrings.
func redactCodeShapes(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	return codeShape.ReplaceAllLiteralString(s, Redacted)
}

// redactBody returns the body to record: JSON with the value of every
// member named "code" (in any case, at any depth) replaced by "[REDACTED]",
// and code-shaped strings replaced anywhere. A body that is not valid JSON
// is dropped if it mentions "code" in any case, and kept redacted of
// code-shaped strings otherwise.
func redactBody(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	spans, ok := codeSpans(body)
	if !ok {
		if bytes.Contains(bytes.ToLower(body), []byte("code")) {
			return "[REDACTED: a malformed JSON body]"
		}
		return redactCodeShapes(strings.ToValidUTF8(string(body), "\uFFFD"))
	}
	var b strings.Builder
	b.Grow(len(body))
	last := 0
	for _, sp := range spans {
		b.Write(body[last:sp[0]])
		b.WriteString(`"` + Redacted + `"`)
		last = int(sp[1])
	}
	b.Write(body[last:])
	return redactCodeShapes(b.String())
}

// codeSpans returns the byte ranges of the values of the members named
// "code" (case-insensitively: encoding/json matches field names that way)
// in a JSON document, and whether the document is valid JSON.
func codeSpans(body []byte) ([][2]int64, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var spans [][2]int64
	if err := walkJSON(dec, &spans); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF { // trailing data
		return nil, false
	}
	return spans, true
}

// walkJSON reads one value from dec, noting the spans of "code" members.
func walkJSON(dec *json.Decoder, spans *[][2]int64) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar
	}
	switch d {
	case '{':
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			if k, _ := key.(string); strings.EqualFold(k, "code") {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return err
				}
				end := dec.InputOffset()
				*spans = append(*spans, [2]int64{end - int64(len(raw)), end})
				continue
			}
			if err := walkJSON(dec, spans); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := walkJSON(dec, spans); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// recorder keeps the most recent MaxRecordedRequests requests in a ring, so
// that their memory is the same from the first minute to the last.
type recorder struct {
	reqs []Request // at most MaxRecordedRequests
	next int       // where the next request goes once reqs is full
}

func (r *recorder) add(req Request) {
	if len(r.reqs) < MaxRecordedRequests {
		r.reqs = append(r.reqs, req)
		return
	}
	r.reqs[r.next] = req
	r.next = (r.next + 1) % MaxRecordedRequests
}

// list returns a copy of the requests, oldest first.
func (r *recorder) list() []Request {
	out := make([]Request, 0, len(r.reqs))
	out = append(out, r.reqs[r.next:]...)
	out = append(out, r.reqs[:r.next]...)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
	}
	return out
}

// Requests returns the requests served so far, in the order they completed
// (at most the MaxRecordedRequests most recent), with codes and tokens
// redacted. The result is a copy.
func (s *Sandbox) Requests() []Request {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	return s.rec.list()
}

// ResetRequests forgets the requests recorded so far.
func (s *Sandbox) ResetRequests() {
	s.recMu.Lock()
	defer s.recMu.Unlock()
	s.rec = recorder{}
}
