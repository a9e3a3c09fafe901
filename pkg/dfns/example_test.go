package dfns_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// The whole job: redeem a one-time code for the challenge of a new Key
// credential, against the offline sandbox, and switch on what came back.
func Example() {
	srv := dfnstest.NewServer(dfnstest.WithSeed(1))
	defer srv.Close()
	code := srv.MintCode() // in production: the code your user received

	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ch, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
	if err != nil {
		fmt.Println(err)
		return
	}
	describe(ch)
	// Output:
	// Key: sign the 43-character challenge with the new key, then verify with the challenge identifier
}

// describe is the exhaustive type switch over the sealed Challenge.
func describe(ch dfns.Challenge) {
	switch ch := ch.(type) {
	case *dfns.Fido2Challenge:
		fmt.Printf("Fido2: create a passkey for %d algorithm(s), excluding %d credential(s)\n",
			len(ch.PubKeyCredParams), len(ch.ExcludeCredentials))
	case *dfns.KeyChallenge:
		fmt.Printf("Key: sign the %d-character challenge with the new key, then verify with the challenge identifier\n", len(ch.Challenge))
	case *dfns.PasswordProtectedKeyChallenge:
		fmt.Println("PasswordProtectedKey: sign, and send the key wrapped with the user's password")
	case *dfns.RecoveryKeyChallenge:
		fmt.Println("RecoveryKey: sign, and keep the recovery code safe")
	case *dfns.PasswordChallenge:
		fmt.Println("Password: deprecated")
	case *dfns.TotpChallenge:
		fmt.Println("Totp: deprecated; load", ch.OtpURL)
	case *dfns.UnknownChallenge:
		fmt.Printf("%s: a kind this version does not know (%d bytes kept)\n", ch.Kind(), len(ch.Raw))
	}
}

// Every challenge, whatever its kind, says who it is for and how to finalize.
func ExampleChallenge() {
	srv := dfnstest.NewServer(dfnstest.WithSeed(1))
	defer srv.Close()
	c, _ := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))

	for _, kind := range []dfns.CredentialKind{dfns.CredentialKindFido2, dfns.CredentialKindRecoveryKey} {
		ch, err := c.CreateCredentialChallengeWithCode(context.Background(), kind, srv.MintCode())
		if err != nil {
			fmt.Println(err)
			return
		}
		rp, _ := ch.RelyingParty()
		fmt.Printf("%s for a user of %s, identifier present: %v\n", ch.Kind(), rp.ID, ch.ChallengeIdentifier() != "")
	}
	// Output:
	// Fido2 for a user of app.sandbox.dfns.test, identifier present: true
	// RecoveryKey for a user of app.sandbox.dfns.test, identifier present: true
}

// Errors are data: a class to match with errors.Is, details with errors.As.
// A code is single-use, so redeeming it twice is refused.
func ExampleAPIError() {
	srv := dfnstest.NewServer()
	defer srv.Close()
	c, _ := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
	code := srv.MintCode()

	_, _ = c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
	_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)

	var apiErr *dfns.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("status:", apiErr.StatusCode, "id:", apiErr.ID)
	}
	fmt.Println("unauthorized:", errors.Is(err, dfns.ErrUnauthorized), "rate limited:", errors.Is(err, dfns.ErrRateLimited))
	// Output:
	// status: 401 id: code_invalid
	// unauthorized: true rate limited: false
}

// Bad input is refused before any request, with the field and the rule.
func ExampleValidationError() {
	c, _ := dfns.New()
	_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, "")

	var ve *dfns.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.In, ve.Path, ve.Rule)
	}
	// Output:
	// request /code minLength
}

// By default the client tolerates what Dfns may drop one day, such as the
// deprecated temporaryAuthenticationToken; WithStrictValidation enforces the
// whole spec.
func ExampleWithStrictValidation() {
	srv := dfnstest.NewServer(dfnstest.WithFault("no-temporary-token"))
	defer srv.Close()

	lenient, _ := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
	_, err := lenient.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode())
	fmt.Println("default:", err)

	strict, _ := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithStrictValidation())
	_, err = strict.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode())
	fmt.Println("strict:", err)
	// Output:
	// default: <nil>
	// strict: dfns: invalid response: /temporaryAuthenticationToken: required
}

// ParseChallenge decodes a body obtained some other way (a queue, a cache).
func ExampleParseChallenge() {
	body := []byte(`{"kind":"Totp","user":{"id":"us-1","displayName":"Jo","name":"jo@example.com"},
		"challengeIdentifier":"eyJ…","otpUrl":"otpauth://totp/Dfns:jo?secret=JBSWY3DP"}`)
	ch, err := dfns.ParseChallenge(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	describe(ch)
	fmt.Println("for", ch.User().Name)
	// Output:
	// Totp: deprecated; load otpauth://totp/Dfns:jo?secret=JBSWY3DP
	// for jo@example.com
}

// A OneTimeCode never prints itself: not with fmt, not in slog, not in JSON.
func ExampleOneTimeCode() {
	code := dfns.OneTimeCode("A7U-KY6-9PT")
	fmt.Println(code)
	fmt.Printf("%v %s %q %#v\n", code, code, code, code)

	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	}))
	logger.Info("redeeming", "code", code)
	// Output:
	// [REDACTED]
	// [REDACTED] [REDACTED] [REDACTED] [REDACTED]
	// level=INFO msg=redeeming code=[REDACTED]
}
