package dfnstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
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

// TestChallengeIdentifier checks the opaque identifier: its shape, the
// state it names, and the refusals once it expired or is unknown.
func TestChallengeIdentifier(t *testing.T) {
	clk := fixedTime
	s := New(WithClock(func() time.Time { return clk }))
	user := dfns.User{ID: "us-aaaaaaaaaaaaaaaaaaaa", Name: "a@example.com", DisplayName: "A"}
	code := s.MintCode(ForUser(user))
	rec := post(t, s.Handler(), initPath, `{"credentialKind":"Key","code":"`+string(code)+`"}`)
	var body struct{ ChallengeIdentifier, Challenge string }
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^ch-[0-9a-v]{26}$`).MatchString(body.ChallengeIdentifier) {
		t.Errorf("challengeIdentifier %q", body.ChallengeIdentifier)
	}
	issued, _, reason := s.lookupChallenge(body.ChallengeIdentifier, fixedTime)
	if reason != "" || issued.kind != dfns.CredentialKindKey || issued.challenge != body.Challenge || issued.userID != user.ID ||
		issued.expires != fixedTime.Add(challengeTTL).UnixNano() {
		t.Errorf("issued %+v, %q", issued, reason)
	}
	if _, _, reason := s.lookupChallenge(body.ChallengeIdentifier, fixedTime.Add(challengeTTL)); reason != reasonChallengeExpired {
		t.Errorf("at expiry: %q", reason)
	}
	for _, id := range []string{"", body.ChallengeIdentifier + "x", body.ChallengeIdentifier[:len(body.ChallengeIdentifier)-1] + "0", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA"} {
		if _, _, reason := s.lookupChallenge(id, fixedTime); reason != reasonChallengeUnknown {
			t.Errorf("%q: %q", id, reason)
		}
	}
	// Swept once expired: the next insert after sweepEvery forgets it.
	clk = fixedTime.Add(challengeTTL + sweepEvery)
	post(t, s.Handler(), initPath, `{"credentialKind":"Key","code":"`+string(s.MintCode())+`"}`)
	s.stateMu.Lock()
	n := s.challenges.len()
	s.stateMu.Unlock()
	if n != 1 {
		t.Errorf("%d challenges remembered after the sweep, want 1", n)
	}
}

// TestBoundedSweeps checks that expired entries are forgotten on the first
// insert sweepEvery after the previous sweep, on the injected clock.
func TestBoundedSweeps(t *testing.T) {
	b := bounded[int, string]{name: "test", max: 1000, log: slog.New(slog.DiscardHandler)}
	now := fixedTime
	for i := range 100 {
		b.put(i, "x", now.Add(time.Minute), now)
	}
	b.put(100, "x", never, now.Add(sweepEvery-1))
	if b.len() != 101 {
		t.Fatalf("%d entries before the sweep is due, want 101", b.len())
	}
	b.put(101, "x", never, now.Add(time.Minute))
	if b.len() != 2 {
		t.Errorf("%d entries after the sweep, want 2", b.len())
	}
	if _, ok := b.get(50); ok {
		t.Error("an expired entry survived the sweep")
	}
}

// TestBoundedCap checks the ceiling: never more than max entries, the
// disposable ones evicted first, then the oldest, and the debug log told.
func TestBoundedCap(t *testing.T) {
	var logs bytes.Buffer
	var removed []int
	b := bounded[int, bool]{
		name: "test", max: 8, log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		disposable: func(used bool) bool { return used },
		removed:    func(k int, _ bool) { removed = append(removed, k) },
	}
	now := fixedTime
	for i := range 4 {
		b.put(i, false, never, now) // old, live
	}
	for i := 4; i < 8; i++ {
		b.put(i, true, never, now) // newer, used
	}
	b.put(8, false, never, now)
	for _, k := range []int{0, 1, 2, 3, 8} {
		if _, ok := b.get(k); !ok {
			t.Errorf("live entry %d evicted while used ones remained", k)
		}
	}
	if b.len() != 5 || len(removed) != 4 {
		t.Errorf("%d entries, %d removed; want 5 and 4", b.len(), len(removed))
	}
	if !strings.Contains(logs.String(), "store=test") || !strings.Contains(logs.String(), "usedForgotten=4") {
		t.Errorf("log: %s", logs.String())
	}
	for i := 9; i < 1000; i++ {
		b.put(i, false, never, now)
		if b.len() > 8 {
			t.Fatalf("%d entries, max 8", b.len())
		}
	}
	if _, ok := b.get(999); !ok {
		t.Error("the newest entry was evicted")
	}
	if _, ok := b.get(0); ok {
		t.Error("the oldest entry survived")
	}
}

// TestCodeStoreBounded checks the codes: swept once expired, a used code
// kept small, and the ceiling.
func TestCodeStoreBounded(t *testing.T) {
	clk := fixedTime
	s := New(WithClock(func() time.Time { return clk }), WithMaxCodes(10))
	var codes []string
	for range 10 {
		codes = append(codes, string(s.MintCode()))
	}
	if _, reason := s.codes.redeem(codes[0], clk, false); reason != "" {
		t.Fatal(reason)
	}
	e, _ := s.codes.b.get(sha256.Sum256([]byte(codes[0])))
	if !e.used || e.user != nil {
		t.Errorf("a used code keeps %+v", e)
	}
	// The 11th: the used code goes first, then the oldest, down to 3/4.
	s.MintCode()
	for i, want := range []string{reasonCodeUnknown, reasonCodeUnknown, reasonCodeUnknown, ""} {
		if _, reason := s.codes.redeem(codes[i], clk, false); reason != want {
			t.Errorf("code %d: %q, want %q", i, reason, want)
		}
	}
	if n := s.codes.b.len(); n != 8 {
		t.Errorf("%d codes remembered, want 8", n)
	}
	clk = clk.Add(DefaultCodeTTL + sweepEvery)
	s.MintCode()
	if n := s.codes.b.len(); n != 1 {
		t.Errorf("%d codes remembered after they expired, want 1", n)
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
		"latency=1.5s":                 {latency: 1500 * time.Millisecond},
		"latency=10ms,status=500":      {latency: 10 * time.Millisecond, action: faultStatus, status: 500},
	}
	for spec, want := range good {
		got, err := parseFault(spec)
		want.raw = strings.TrimSpace(spec)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", spec, got, err, want)
		}
	}
	for _, spec := range []string{"", "x", "status", "status=399", "status=600", "rate-limit=x", "rate-limit=3601",
		"latency", "latency=-1s", "latency=31s", "truncate=1", "status=500,rate-limit", "latency=1ms,latency=1ms", "truncate,",
		"status=+503", "status=0503", "status=503.0", "rate-limit=+1", "rate-limit=01", "latency=+5ms", "latency=05ms", "latency=.5s", "latency=1.s", "latency=1h05m"} {
		if _, err := parseFault(spec); err == nil {
			t.Errorf("%q parsed", spec)
		}
	}
}
