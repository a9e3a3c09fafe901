package dfnstest_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

func debugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// TestMaxCodes checks that a code evicted at the ceiling answers as an
// expired one does, and that the debug log says the ceiling was reached.
func TestMaxCodes(t *testing.T) {
	var logs syncBuffer
	srv := newServer(t, dfnstest.WithMaxCodes(4), dfnstest.WithLogger(debugLogger(&logs)))
	c := newClient(t, srv)
	first := srv.MintCode()
	for range 4 {
		srv.MintCode()
	}
	_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, first)
	var ae *dfns.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || ae.ID != "code_invalid" {
		t.Fatalf("an evicted code: %v", err)
	}
	if r := lastRequest(t, srv.Sandbox); r.Reason != "code unknown" {
		t.Errorf("reason %q", r.Reason)
	}
	if l := logs.String(); !strings.Contains(l, "store=codes") || !strings.Contains(l, "liveEvicted=1") || strings.Contains(l, string(first)) {
		t.Errorf("log:\n%s", l)
	}
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode()); err != nil {
		t.Errorf("a fresh code: %v", err)
	}
}

// TestMaxChallenges checks that a challenge evicted at the ceiling is
// refused by verify as an expired one is.
func TestMaxChallenges(t *testing.T) {
	var logs syncBuffer
	srv := newServer(t, dfnstest.WithMaxChallenges(2), dfnstest.WithLogger(debugLogger(&logs)))
	c := newClient(t, srv)
	key := p256(t)
	att := keyAttestation(t, srv, c, key)
	keyAttestation(t, srv, c, key)
	keyAttestation(t, srv, c, key) // the third: the first is evicted
	_, err := c.CreateCredentialWithCode(context.Background(), att.VerifyRequest("evicted"))
	var ae *dfns.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || ae.ID != "challenge_invalid" {
		t.Fatalf("an evicted challenge: %v", err)
	}
	if r := lastRequest(t, srv.Sandbox); r.Reason != "challenge unknown" {
		t.Errorf("reason %q", r.Reason)
	}
	if l := logs.String(); !strings.Contains(l, "store=challenges") {
		t.Errorf("log:\n%s", l)
	}
}

// TestMaxCredentials checks that Credentials keeps the most recent ones.
func TestMaxCredentials(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock), dfnstest.WithMaxCredentials(2))
	c := newClient(t, srv)
	var names []string
	for i := range 3 {
		name := "laptop " + string(rune('a'+i))
		att, err := credential.AttestKeyChallenge(initKind[*dfns.KeyChallenge](t, srv, c, dfns.CredentialKindKey), p256(t))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.CreateCredentialWithCode(context.Background(), att.VerifyRequest(name)); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	got := srv.Credentials()
	if len(got) != 2 || got[0].Name != names[1] || got[1].Name != names[2] {
		t.Errorf("Credentials: %d, want the last two of %v", len(got), names)
	}
}
