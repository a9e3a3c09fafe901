package dfnstest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// maxFuzzLatency is the longest latency fault FuzzFaultHeader waits for.
const maxFuzzLatency = 10 * time.Millisecond

// modelNumber and modelDuration are the canonical numbers of the grammar:
// digits without a sign or a leading zero; a duration's numbers likewise
// (any white space, sign or leading zero refused).
var (
	modelNumber   = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)
	modelDuration = regexp.MustCompile(`^([0-9][0-9.]*(ns|us|µs|μs|ms|s|m|h))+$`)
	leadingZero   = regexp.MustCompile(`(^|[^0-9.])0[0-9]`)
	bareDot       = regexp.MustCompile(`\.([^0-9]|$)`)
)

// faultModel is a fault spec as docs/sandbox.md describes it.
type faultModel struct {
	latency    time.Duration
	action     string // the item besides latency, by name; "" for none
	status     int
	retryAfter int
}

// modelFault reads a spec by the documented grammar (an empty header is no
// header: no fault): comma-separated items,
// latency plus at most one other; latency=DURATION a Go duration in
// (0, 30s]; status=NNN from 400 to 599; rate-limit[=SECS], 1 by default;
// the other names without argument. Where the documentation is silent it
// follows the implementation: items are trimmed of white space, numbers
// are canonical decimals (no sign, no leading zero: "+503" and "0503" are
// refused, as are "+5ms" and "05ms"), and rate-limit takes at most 3600
// seconds.
func modelFault(spec string) (faultModel, bool) {
	var m faultModel
	switch {
	case spec == "":
		return m, true
	case strings.TrimSpace(spec) == "":
		return m, false
	}
	haveLatency := false
	for _, item := range strings.Split(strings.TrimSpace(spec), ",") {
		name, arg, hasArg := strings.Cut(strings.TrimSpace(item), "=")
		if name == "latency" {
			d, err := time.ParseDuration(arg)
			if haveLatency || !hasArg || err != nil || !modelDuration.MatchString(arg) || leadingZero.MatchString(arg) || bareDot.MatchString(arg) || d <= 0 || d > 30*time.Second {
				return m, false
			}
			m.latency, haveLatency = d, true
			continue
		}
		if m.action != "" {
			return m, false
		}
		switch name {
		case "status":
			n, err := strconv.Atoi(arg)
			if !hasArg || err != nil || !modelNumber.MatchString(arg) || n < 400 || n > 599 {
				return m, false
			}
			m.status = n
		case "rate-limit":
			m.retryAfter = 1
			if hasArg {
				n, err := strconv.Atoi(arg)
				if err != nil || !modelNumber.MatchString(arg) || n < 0 || n > 3600 {
					return m, false
				}
				m.retryAfter = n
			}
		case "reset-before-body", "reset-after-body", "truncate", "malformed", "oversized", "unknown-kind", "no-temporary-token":
			if hasArg {
				return m, false
			}
		default:
			return m, false
		}
		m.action = name
	}
	return m, true
}

// faultInvalidMessage is the message of every sandbox_fault_invalid: the
// item by position and a fixed reason, never the spec's text.
var faultInvalidMessage = regexp.MustCompile(`^Invalid ` + FaultHeader + ` header: (empty fault spec|item [1-9][0-9]*: ` +
	`(latency given twice|latency wants a duration in \(0, 30s\], e\.g\. latency=5ms|status wants a number from 400 to 599|` +
	`rate-limit wants whole seconds from 0 to 3600|unknown fault name|this fault takes no argument|at most one fault besides latency))` +
	`; ` + regexp.QuoteMeta(errFaultGrammar) + `$`)

// checkFaultInvalid checks the answer to an invalid spec.
func checkFaultInvalid(t *testing.T, e envelope, spec, vocab string, raw []byte) {
	t.Helper()
	if e.Error.Status != http.StatusBadRequest || e.Error.ID != idFaultInvalid || len(e.Error.Details) != 0 ||
		!faultInvalidMessage.MatchString(e.Error.Message) {
		t.Errorf("answer to the invalid spec %q: %s", spec, raw)
	}
	checkNoEcho(t, raw, e, requestTokens(nil, spec), vocab)
}

// checkFault checks the answer to a valid spec (but the resets) and
// reports whether the request consumed the code.
func checkFault(t *testing.T, s *Sandbox, m faultModel, rec *httptest.ResponseRecorder, live bool, code string) bool {
	t.Helper()
	switch m.action {
	case "status":
		checkFixedError(t, checkEnvelope(t, rec), &apiError{status: m.status, id: idFault, message: "Fault injected by the sandbox."})
		return false
	case "rate-limit":
		checkFixedError(t, checkEnvelope(t, rec), &apiError{
			status: http.StatusTooManyRequests, id: idRateLimited, message: "Too many requests; retry after the delay in Retry-After.",
		})
		if ra := rec.Header().Get("Retry-After"); ra != strconv.Itoa(m.retryAfter) {
			t.Errorf("Retry-After %q, want %d", ra, m.retryAfter)
		}
		return false
	}
	// The other faults let the request be processed, and touch only 200s.
	if !live {
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("an unknown code answered %d: %s", rec.Code, rec.Body)
		}
		checkFixedError(t, checkEnvelope(t, rec), codeInvalid(""))
		return false
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("%q answered %d: %s", m.action, rec.Code, rec.Body)
	}
	body := rec.Body.Bytes()
	switch m.action {
	case "":
		checkChallengeAnswer(t, s, rec, dfns.CredentialKindKey, code)
		return true
	case "truncate":
		if cl, _ := strconv.Atoi(rec.Header().Get("Content-Length")); len(body) != cl/2 || cl <= len(body) {
			t.Errorf("truncate: %d bytes of Content-Length %d", len(body), cl)
		}
		return true
	}
	checkHeaders(t, rec)
	checkContentLength(t, rec)
	switch m.action {
	case "malformed":
		if json.Valid(body) {
			t.Errorf("malformed: a valid body %s", body)
		}
	case "oversized":
		if len(body) <= 2<<20 || !json.Valid(body) {
			t.Errorf("oversized: %d bytes, valid JSON %v", len(body), json.Valid(body))
		}
	case "unknown-kind":
		ch, err := dfns.ParseChallenge(body)
		if u, ok := ch.(*dfns.UnknownChallenge); err != nil || !ok || u.Kind() != "Passkey2" {
			t.Errorf("unknown-kind: %T %v", ch, err)
		}
	case "no-temporary-token":
		ch, err := dfns.ParseChallenge(body)
		if err != nil || ch.ChallengeIdentifier() == "" || bytes.Contains(body, []byte("temporaryAuthenticationToken")) {
			t.Errorf("no-temporary-token: %v: %s", err, body)
		}
	}
	return true
}

// resetServer serves the reset faults over loopback, each input with its
// own sandbox, through connections that are never reused.
type resetServer struct {
	ts     *httptest.Server
	sb     atomic.Pointer[Sandbox]
	client *http.Client
}

func newResetServer(f *testing.F) *resetServer {
	rs := &resetServer{client: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}}
	rs.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.sb.Load().Handler().ServeHTTP(w, r)
	}))
	f.Cleanup(rs.ts.Close)
	return rs
}

// serve sends an init request carrying the spec, which must reset the
// connection.
func (rs *resetServer) serve(t *testing.T, s *Sandbox, spec string, body []byte) {
	t.Helper()
	for _, b := range []byte(spec) {
		if b < ' ' && b != '\t' || b == 0x7f {
			t.Skip("a header value HTTP cannot carry")
		}
	}
	rs.sb.Store(s)
	req, err := http.NewRequest(http.MethodPost, rs.ts.URL+initPath, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(FaultHeader, spec)
	resp, err := rs.client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("the reset fault %q answered %d", spec, resp.StatusCode)
	}
}
