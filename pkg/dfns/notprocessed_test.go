package dfns_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// TestErrNotProcessed: errors.Is(err, ErrNotProcessed) exactly when the
// call certainly changed nothing, checked against the sandbox by redeeming
// the code again afterwards.
func TestErrNotProcessed(t *testing.T) {
	for _, tc := range []struct {
		fault string
		want  bool
	}{
		{"status=401", true}, {"status=400", true}, {"rate-limit=1", true}, {"status=503", true},
		{"status=500", false}, {"status=502", false}, {"reset-after-body", false}, {"truncate", false}, {"malformed", false},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			srv, c, _ := faultySandbox(t, dfns.NoRetries(), tc.fault)
			code := srv.MintCode()
			_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
			if err == nil || errors.Is(err, dfns.ErrNotProcessed) != tc.want {
				t.Fatalf("%v: ErrNotProcessed = %v, want %v", err, errors.Is(err, dfns.ErrNotProcessed), tc.want)
			}
			// The script has run out: this attempt has no fault. A call
			// said not processed left the code unspent.
			_, again := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
			if tc.want && again != nil {
				t.Errorf("the code was spent: %v", again)
			}
		})
	}
	t.Run("request refused before any I/O", func(t *testing.T) {
		c, _ := dfns.New()
		_, err := c.CreateCredentialChallengeWithCode(context.Background(), "Passkey", "A7U-KY6-9PT")
		if !errors.Is(err, dfns.ErrNotProcessed) {
			t.Errorf("%v", err)
		}
	})
	t.Run("connection refused", func(t *testing.T) {
		srv := dfnstest.NewServer()
		url := srv.URL
		srv.Close()
		c, _ := dfns.New(dfns.WithBaseURL(url), dfns.WithRetryPolicy(dfns.NoRetries()), dfns.WithHTTPClient(&http.Client{}))
		_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, "A7U-KY6-9PT")
		if !errors.Is(err, dfns.ErrNotProcessed) {
			t.Errorf("%v", err)
		}
	})
}
