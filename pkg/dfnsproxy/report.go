package dfnsproxy

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
)

// Violation is one broken rule in a request or an answer: where (a JSON
// pointer) and which rule, never the value.
type Violation struct {
	// Direction is DirectionRequest or DirectionResponse.
	Direction string `json:"direction"`
	// Pointer is the RFC 6901 pointer of the value, "" for the whole body.
	Pointer string `json:"pointer"`
	// Rule is the JSON Schema keyword (required, type, enum…), a rule of
	// dfns.ValidationError, or one of the proxy's Rule constants.
	Rule string `json:"rule"`
	// Want is what the rule expects, from the schema alone.
	Want string `json:"want,omitempty"`
	// Note marks what is worth knowing but breaks nothing: an object with a
	// property the spec does not name (strict mode), a body not checked.
	Note bool `json:"note,omitempty"`
}

// String is the violation as the header lists it: "[note ]direction
// pointer rule", with "body" for the empty pointer.
func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "body"
	}
	s := v.Direction + " " + p + " " + v.Rule
	if v.Note {
		s = "note " + s
	}
	return s
}

// ViolationsHeader is the answer header that lists an exchange's
// violations, at most MaxHeaderBytes long.
const ViolationsHeader = "X-Dfns-Proxy-Violations"

// MaxHeaderBytes bounds ViolationsHeader: the items that do not fit are
// counted in a last "N more" item.
const MaxHeaderBytes = 512

// headerValue lists vs, comma-separated, within MaxHeaderBytes: each item
// written leaves room for the "N more" item that may have to follow it.
func headerValue(vs []Violation) string {
	var b strings.Builder
	for i, v := range vs {
		sep := ""
		if i > 0 {
			sep = ", "
		}
		item := sep + v.String()
		reserve := 0
		if left := len(vs) - i - 1; left > 0 {
			reserve = len(", " + strconv.Itoa(left) + " more")
		}
		if b.Len()+len(item)+reserve > MaxHeaderBytes {
			b.WriteString(sep + strconv.Itoa(len(vs)-i) + " more")
			break
		}
		b.WriteString(item)
	}
	return b.String()
}

// Stats counts what a Proxy has seen.
type Stats struct {
	// Exchanges is the number of requests proxied (counted as they begin).
	Exchanges int
	// Checked is the number of them that called the flow (init, verify,
	// mint) and were checked.
	Checked int
	// Flagged is the number of checked exchanges with a violation (notes
	// aside).
	Flagged int
	// Violations and Notes count the reports.
	Violations, Notes int
	// UpstreamErrors counts the requests answered 502 because the upstream
	// did not answer.
	UpstreamErrors int
	// Recorded counts the exchanges written by WithRecordDir.
	Recorded int
}

// String is the summary line.
func (s Stats) String() string {
	return fmt.Sprintf("%s, %d checked, %d with violations (%s, %s), %s, %d recorded",
		count(s.Exchanges, "exchange"), s.Checked, s.Flagged, count(s.Violations, "violation"), count(s.Notes, "note"),
		count(s.UpstreamErrors, "upstream error"), s.Recorded)
}

// count is "1 thing" or "n things".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// counter is Stats behind a lock.
type counter struct {
	mu sync.Mutex
	s  Stats
}

func (c *counter) add(f func(s *Stats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.s)
}

func (c *counter) get() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}

// logViolations writes one line per violation: warn, info for a note.
func logViolations(l *slog.Logger, method, path string, status int, vs []Violation) {
	for _, v := range vs {
		level, msg := slog.LevelWarn, "violation"
		if v.Note {
			level, msg = slog.LevelInfo, "note"
		}
		attrs := []slog.Attr{
			slog.String("method", method), slog.String("path", path), slog.Int("status", status),
			slog.String("direction", v.Direction), slog.String("pointer", v.Pointer), slog.String("rule", v.Rule),
		}
		if v.Want != "" {
			attrs = append(attrs, slog.String("want", v.Want))
		}
		l.LogAttrs(context.Background(), level, msg, attrs...)
	}
}
