package dfnstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// mutate applies f to a decoded copy of body and re-encodes it.
func mutate(t *testing.T, body []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestInvalidResponse drives the response-validation failure path with the
// corruptResponse hook: 500 sandbox_invalid_response, logged at error level.
func TestInvalidResponse(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	cases := []struct {
		name    string
		corrupt func([]byte) []byte
		want    string
	}{
		{"missing user", func(b []byte) []byte {
			return mutate(t, b, func(m map[string]any) { delete(m, "user") })
		}, "/user required"},
		{"bad credential id", func(b []byte) []byte {
			return mutate(t, b, func(m map[string]any) {
				m["excludeCredentials"] = []any{map[string]any{"type": "public-key", "id": "SECRET-VALUE"}}
			})
		}, "/excludeCredentials/0/id pattern"},
		{"null list", func(b []byte) []byte {
			return mutate(t, b, func(m map[string]any) { m["pubKeyCredParams"] = nil })
		}, "/pubKeyCredParams type"},
		{"not JSON", func(b []byte) []byte { return b[:10] }, "body json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := New(WithLogger(logger))
			s.corruptResponse = tc.corrupt
			rec := post(t, s.Handler(), initPath, `{"credentialKind":"Fido2","code":"`+string(s.MintCode())+`"}`)
			if rec.Code != http.StatusInternalServerError || !strings.Contains(rec.Body.String(), `"id":"sandbox_invalid_response"`) {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
			r := s.Requests()[0]
			if r.Status != 500 || !strings.HasPrefix(r.Reason, "sandbox_invalid_response") || !strings.Contains(r.Reason, tc.want) {
				t.Errorf("record %+v, want %q", r, tc.want)
			}
			mu.Lock()
			log := logs.String()
			mu.Unlock()
			if !strings.Contains(log, "level=ERROR") || !strings.Contains(log, tc.want) || strings.Contains(log, "SECRET-VALUE") {
				t.Errorf("log:\n%s", log)
			}

			// Without validation the broken answer goes out.
			s = New(WithoutValidation())
			s.corruptResponse = tc.corrupt
			if rec := post(t, s.Handler(), initPath, `{"credentialKind":"Fido2","code":"`+string(s.MintCode())+`"}`); rec.Code != http.StatusOK {
				t.Errorf("without validation: %d", rec.Code)
			}
		})
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestRedactBody checks what Requests keeps of a body.
func TestRedactBody(t *testing.T) {
	for in, want := range map[string]string{
		``: ``,
		`{"credentialKind":"Key","code":"ABC-DEF-GHJ"}`: `{"credentialKind":"Key","code":"[REDACTED]"}`,
		`{ "code" : 12 , "x": [ {"CODE": {"a":1}} ] }`:  `{ "code" : "[REDACTED]" , "x": [ {"CODE": "[REDACTED]"} ] }`,
		`{"c\u006fde":"x"}`:                             `{"c\u006fde":"[REDACTED]"}`,
		`{"note":"abc-def-ghj"}`:                        `{"note":"[REDACTED]"}`,
		`{"code":"x"`:                                   `[REDACTED: a malformed JSON body]`,
		`{"code":"x"} trailing`:                         `[REDACTED: a malformed JSON body]`,
		`not json ABC-DEF-GHJ`:                          `not json [REDACTED]`,
		`not json`:                                      `not json`,
		`[1,2,{"code":null}]`:                           `[1,2,{"code":"[REDACTED]"}]`,
	} {
		if got := redactBody([]byte(in)); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

// TestChallengeToken checks the JWT: signature, claims, tampering, expiry.
func TestChallengeToken(t *testing.T) {
	s := New(WithClock(fixedClock))
	user := dfns.User{ID: "us-aaaaaaaaaaaaaaaaaaaa", Name: "a@example.com", DisplayName: "A"}
	code := s.MintCode(ForUser(user))
	rec := post(t, s.Handler(), initPath, `{"credentialKind":"Key","code":"`+string(code)+`"}`)
	var body struct{ ChallengeIdentifier, Challenge string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	c, err := verifyToken(s.key, body.ChallengeIdentifier, fixedTime)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != user.ID || c.Kind != "Key" || c.IssuedAt != fixedTime.Unix() || c.Expires != fixedTime.Add(challengeTTL).Unix() {
		t.Errorf("claims %+v", c)
	}
	s.stateMu.Lock()
	issued, ok := s.challenges[c.ID]
	s.stateMu.Unlock()
	if !ok || issued.codeID != c.CodeID || issued.challenge != body.Challenge || issued.userID != user.ID {
		t.Errorf("issued %+v %v", issued, ok)
	}
	if _, err := verifyToken(s.key, body.ChallengeIdentifier, fixedTime.Add(challengeTTL)); err == nil {
		t.Error("an expired token verified")
	}
	tampered := body.ChallengeIdentifier[:len(body.ChallengeIdentifier)-2] + "AA"
	if _, err := verifyToken(s.key, tampered, fixedTime); err == nil {
		t.Error("a tampered token verified")
	}
	if _, err := verifyToken([]byte("another key"), body.ChallengeIdentifier, fixedTime); err == nil {
		t.Error("a token verified with another key")
	}
}

// TestStoresForget checks that used and expired codes, and expired
// challenges, are forgotten as the stores grow.
func TestStoresForget(t *testing.T) {
	var st codeStore
	now := fixedTime
	for i := range 3 * minSweep {
		st.add(fmt.Sprintf("C%d", i), &codeEntry{expires: now}, now) // born expired
	}
	st.mu.Lock()
	n := len(st.m)
	st.mu.Unlock()
	if n > 2*minSweep {
		t.Errorf("%d codes kept", n)
	}
	if _, reason := st.redeem("C1", now, false); reason == "" {
		t.Error("an expired code redeemed")
	}
}

// TestRecorderBound checks that the recorder keeps the most recent requests.
func TestRecorderBound(t *testing.T) {
	var r recorder
	for i := range 2*MaxRecordedRequests + 5 {
		r.add(Request{Status: i})
	}
	got := r.list()
	if len(got) != MaxRecordedRequests || got[len(got)-1].Status != 2*MaxRecordedRequests+4 || got[0].Status != MaxRecordedRequests+5 {
		t.Errorf("%d kept, from %d to %d", len(got), got[0].Status, got[len(got)-1].Status)
	}
}

// TestParseFault checks the fault grammar.
func TestParseFault(t *testing.T) {
	good := map[string]faultSpec{
		"status=503":                   {action: faultStatus, status: 503},
		"rate-limit":                   {action: faultRateLimit, retryAfter: 1},
		"rate-limit=0":                 {action: faultRateLimit},
		"latency=5ms":                  {latency: 5 * time.Millisecond},
		" latency=1s , truncate ":      {latency: time.Second, action: faultTruncate},
		"reset-before-body":            {action: faultResetBeforeBody},
		"reset-after-body,latency=2ms": {action: faultResetAfterBody, latency: 2 * time.Millisecond},
		"malformed":                    {action: faultMalformed},
		"oversized":                    {action: faultOversized},
		"unknown-kind":                 {action: faultUnknownKind},
		"no-temporary-token":           {action: faultNoTemporaryToken},
	}
	for spec, want := range good {
		got, err := parseFault(spec)
		want.raw = strings.TrimSpace(spec)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", spec, got, err, want)
		}
	}
	for _, spec := range []string{"", "x", "status", "status=399", "status=600", "rate-limit=x", "rate-limit=3601",
		"latency", "latency=-1s", "latency=31s", "truncate=1", "status=500,rate-limit", "latency=1ms,latency=1ms", "truncate,"} {
		if _, err := parseFault(spec); err == nil {
			t.Errorf("%q parsed", spec)
		}
	}
}
