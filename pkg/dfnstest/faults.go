package dfnstest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultHeader is the request header that asks a sandbox created with
// WithFaults to misbehave; its grammar is in docs/sandbox.md.
const FaultHeader = "X-Dfns-Sandbox-Fault"

// faultAction is what a fault does to the exchange, besides latency.
type faultAction int

const (
	faultNone             faultAction = iota
	faultStatus                       // status=NNN: answer NNN in the envelope, request unprocessed
	faultRateLimit                    // rate-limit[=SECONDS]: 429 with Retry-After, request unprocessed
	faultResetBeforeBody              // reset-before-body: reset the connection, body unread
	faultResetAfterBody               // reset-after-body: process the request, then reset
	faultTruncate                     // truncate: half of a 200 answer, full Content-Length
	faultMalformed                    // malformed: 200 with invalid JSON
	faultOversized                    // oversized: 200 with a body over 2 MiB
	faultUnknownKind                  // unknown-kind: a 200 challenge of kind "Passkey2"
	faultNoTemporaryToken             // no-temporary-token: a 200 challenge without the deprecated token
)

// faultNames maps the grammar's names to the actions without argument.
var faultNames = map[string]faultAction{
	"reset-before-body":  faultResetBeforeBody,
	"reset-after-body":   faultResetAfterBody,
	"truncate":           faultTruncate,
	"malformed":          faultMalformed,
	"oversized":          faultOversized,
	"unknown-kind":       faultUnknownKind,
	"no-temporary-token": faultNoTemporaryToken,
}

// Bounds of the fault arguments.
const (
	maxFaultLatency    = 30 * time.Second
	maxFaultRetryAfter = 3600
	// oversizedBytes is the body size of the oversized fault: over 2 MiB.
	oversizedBytes = 2<<20 + 1024
)

// faultSpec is a parsed fault spec: an optional latency and at most one
// action.
type faultSpec struct {
	raw        string
	latency    time.Duration
	action     faultAction
	status     int
	retryAfter int
}

// errFaultGrammar completes every parse error.
const errFaultGrammar = "want comma-separated items among status=NNN (400-599), rate-limit[=SECONDS], latency=DURATION, " +
	"reset-before-body, reset-after-body, truncate, malformed, oversized, unknown-kind, no-temporary-token; " +
	"latency plus at most one other item"

// parseFault parses a fault spec. Its errors name the item by position,
// never by value, so that they can be sent back to a client.
func parseFault(spec string) (faultSpec, error) {
	f := faultSpec{raw: strings.TrimSpace(spec)}
	if f.raw == "" {
		return f, errors.New("empty fault spec; " + errFaultGrammar)
	}
	haveLatency := false
	for i, item := range strings.Split(f.raw, ",") {
		item = strings.TrimSpace(item)
		name, arg, hasArg := strings.Cut(item, "=")
		bad := func(why string) (faultSpec, error) {
			return faultSpec{}, fmt.Errorf("item %d: %s; %s", i+1, why, errFaultGrammar)
		}
		var action faultAction
		switch name {
		case "latency":
			if haveLatency {
				return bad("latency given twice")
			}
			d, err := time.ParseDuration(arg)
			if !hasArg || err != nil || !canonicalDuration.MatchString(arg) || d <= 0 || d > maxFaultLatency {
				return bad("latency wants a duration in (0, 30s], e.g. latency=5ms")
			}
			f.latency, haveLatency = d, true
			continue
		case "status":
			n, err := atoi(arg)
			if !hasArg || err != nil || n < 400 || n > 599 {
				return bad("status wants a number from 400 to 599")
			}
			action, f.status = faultStatus, n
		case "rate-limit":
			f.retryAfter = 1
			if hasArg {
				n, err := atoi(arg)
				if err != nil || n < 0 || n > maxFaultRetryAfter {
					return bad("rate-limit wants whole seconds from 0 to 3600")
				}
				f.retryAfter = n
			}
			action = faultRateLimit
		default:
			a, ok := faultNames[name]
			if !ok {
				return bad("unknown fault name")
			}
			if hasArg {
				return bad("this fault takes no argument")
			}
			action = a
		}
		if f.action != faultNone {
			return bad("at most one fault besides latency")
		}
		f.action = action
	}
	return f, nil
}

// atoi reads a number in its canonical decimal form only: no sign, no
// leading zero ("+503" and "0503" are refused), so that a spec means one
// thing and reads back as written.
func atoi(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err == nil && strconv.Itoa(n) != s {
		return 0, errors.New("not a canonical number")
	}
	return n, err
}

// canonicalDuration is a Go duration whose numbers are canonical: no sign,
// no leading zero ("+5ms" and "05ms" are refused).
var canonicalDuration = regexp.MustCompile(`^(?:(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:ns|us|µs|μs|ms|s|m|h))+$`)

// sleep waits d unless done is closed first; it reports whether it slept
// it all.
func sleep(done <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
		return false
	}
}

// resetConnection drops the client's connection: hijacked and closed with
// SO_LINGER 0 (a TCP RST) when the connection allows it, else by aborting
// the handler (HTTP/2 resets the stream; HTTP/1 closes the connection).
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*tls.Conn); ok {
		// Close the TCP connection under TLS directly: no close_notify.
		conn = tc.NetConn()
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// malformedBody is the malformed fault's answer: JSON with a syntax error.
const malformedBody = `{"kind":"Key","challenge":,"user":{"id":"us-` + "\x00" + `"}`

// oversizedBody is the oversized fault's answer: syntactically valid JSON
// over 2 MiB, built once.
var oversizedBody = sync.OnceValue(func() []byte {
	const head, tail = `{"kind":"Key","padding":"`, `"}`
	b := make([]byte, 0, oversizedBytes)
	b = append(b, head...)
	for len(b) < oversizedBytes-len(tail) {
		b = append(b, 'A')
	}
	return append(b, tail...)
})
