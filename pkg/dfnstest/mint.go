package dfnstest

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// maxMintTTL bounds how far ahead POST /auth/credentials/code accepts an
// expiration. (Dfns's legacy documentation says one minute; the sandbox is
// more lenient so that slow test suites can mint ahead.)
const maxMintTTL = 24 * time.Hour

// expirationLayout is how the mint answer writes expiration: RFC 3339 in
// UTC with milliseconds, as JavaScript's toISOString.
const expirationLayout = "2006-01-02T15:04:05.000Z07:00"

// mintAnswer is the body of a successful POST /auth/credentials/code.
type mintAnswer struct {
	Code       string `json:"code"`
	Expiration string `json:"expiration"`
}

// serveMint is POST /auth/credentials/code, which the vendored spec does
// not describe yet, written by hand. It needs a non-empty bearer token but
// checks neither the token nor the user-action signature. Codes minted with
// the same token are for the same (random) user.
func (s *Sandbox) serveMint(w http.ResponseWriter, r *http.Request) {
	x := exchangeFrom(r.Context())
	x.route = routeMint
	token, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		x.fail(unauthorized()).write(w)
		return
	}
	if r.ContentLength != 0 && !isJSON(r.Header.Get("Content-Type")) {
		x.fail(unsupportedMedia()).write(w)
		return
	}
	body, e := s.readBody(x, r)
	if e != nil {
		e.write(w)
		return
	}
	now := s.now()
	expires, e := parseMintBody(body, now, s.cfg.codeTTL)
	if e != nil {
		x.fail(e).write(w)
		return
	}
	user := s.userForToken(token)
	code := s.mint(&user, expires, now)
	b, _ := json.Marshal(mintAnswer{Code: code, Expiration: expires.UTC().Format(expirationLayout)})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// bearerToken returns the token of "Bearer <token>" (scheme in any case).
func bearerToken(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// userForToken returns the user of a bearer token: the same user for the
// same token, derived from it with the sandbox's key, so that nothing is
// stored per token.
func (s *Sandbox) userForToken(token string) dfns.User {
	return newUser(s.derive("token user", token))
}

// parseMintBody reads {"expiration": ISO-8601 string or Unix seconds}; no
// body, or no expiration, means now + ttl. The expiration must be in the
// future and at most maxMintTTL ahead.
func parseMintBody(body []byte, now time.Time, ttl time.Duration) (time.Time, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return now.Add(ttl), nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return time.Time{}, invalidRequest(detail{Rule: ruleJSON})
	}
	// Nothing but white space may follow (dec.More would let a stray "]"
	// or "}" through).
	if _, err := dec.Token(); err != io.EOF {
		return time.Time{}, invalidRequest(detail{Rule: ruleJSON})
	}
	m, ok := v.(map[string]any)
	if !ok {
		return time.Time{}, invalidRequest(detail{Rule: ruleType})
	}
	for k := range m {
		if k != "expiration" {
			return time.Time{}, invalidRequest(detail{Rule: ruleAddProps})
		}
	}
	raw, ok := m["expiration"]
	if !ok {
		return now.Add(ttl), nil
	}
	var exp time.Time
	switch raw := raw.(type) {
	case string:
		t, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return time.Time{}, invalidRequest(detail{Pointer: "/expiration", Rule: ruleFormat})
		}
		exp = t
	case json.Number:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
			return time.Time{}, invalidRequest(detail{Pointer: "/expiration", Rule: ruleMaximum})
		}
		sec, frac := math.Modf(f)
		exp = time.Unix(int64(sec), int64(frac*1e9))
	default:
		return time.Time{}, invalidRequest(detail{Pointer: "/expiration", Rule: ruleType})
	}
	exp = exp.Truncate(time.Millisecond)
	switch {
	case !exp.After(now):
		return time.Time{}, invalidRequest(detail{Pointer: "/expiration", Rule: ruleMinimum})
	case exp.After(now.Add(maxMintTTL)):
		return time.Time{}, invalidRequest(detail{Pointer: "/expiration", Rule: ruleMaximum})
	}
	return exp, nil
}
