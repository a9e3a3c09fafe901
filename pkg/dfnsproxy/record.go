package dfnsproxy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Exchange is one recorded exchange of the flow, as WithRecordDir writes it
// (one JSON file each, for each answer the upstream gave) and Replay serves
// it. It holds no secret: see Redacted.
type Exchange struct {
	// Method and Path are the request's (the query is not kept).
	Method string `json:"method"`
	Path   string `json:"path"`
	// Request and Response are the two messages.
	Request  Message `json:"request"`
	Response Message `json:"response"`
	// Violations are what the proxy reported.
	Violations []Violation `json:"violations,omitempty"`
}

// Message is a recorded request or answer.
type Message struct {
	// Status is the answer's status (0 in a request).
	Status int `json:"status,omitempty"`
	// Header holds the headers worth replaying (Content-Type, X-Request-Id,
	// Retry-After…), secrets redacted; credentials appear as "[REDACTED]".
	Header http.Header `json:"header,omitempty"`
	// Body is the body, redacted (JSON re-encoded with sorted keys; gzip
	// decoded).
	Body string `json:"body"`
}

// recorder writes exchanges to a directory, numbered after the files it
// holds already.
type recorder struct {
	dir  string
	mu   sync.Mutex
	next int
}

func newRecorder(dir string) (*recorder, error) {
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	return &recorder{dir: dir, next: len(old) + 1}, nil
}

// write stores one exchange as NNNN-<operation>-<status>.json.
func (r *recorder) write(name string, ex *Exchange) error {
	data, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return err
	}
	r.mu.Lock()
	n := r.next
	r.next++
	r.mu.Unlock()
	path := filepath.Join(r.dir, fmt.Sprintf("%04d-%s-%d.json", n, name, ex.Response.Status))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(data, '\n'))
	return errors.Join(err, f.Close())
}

// LoadRecording reads the exchanges a proxy recorded in dir, in the order
// they were written.
func LoadRecording(dir string) ([]Exchange, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	out := make([]Exchange, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var ex Exchange
		if err := json.Unmarshal(data, &ex); err != nil {
			return nil, fmt.Errorf("dfnsproxy: %s: %w", f, err)
		}
		out = append(out, ex)
	}
	return out, nil
}

// recording is an exchange, redacted.
func (p *Proxy) recording(ex *exchange) *Exchange {
	red := newRedactor(ex.req.data, ex.resp.data)
	rec := &Exchange{
		Method:     ex.method,
		Path:       ex.path,
		Request:    Message{Header: red.header(ex.reqHeader), Body: red.recorded(ex.req)},
		Response:   Message{Status: ex.status, Header: red.header(ex.respHeader), Body: red.recorded(ex.resp)},
		Violations: ex.violations,
	}
	return rec
}

// recorded is a body to record: redacted, or a placeholder for one the
// proxy did not read whole.
func (r *redactor) recorded(b body) string {
	if b.over || b.encoding != "" {
		return "[NOT RECORDED: a body the proxy did not read]"
	}
	return r.body(b.data)
}
