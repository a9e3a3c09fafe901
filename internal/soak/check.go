//lint:file-ignore SA1019 the sandbox serves the deprecated Password and Totp kinds too.

package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// outcome names the class of a request's result: "200", the status and
// Dfns error id of an API error ("401 code_invalid"), or the kind of
// failure.
func outcome(err error) string {
	if err == nil {
		return "200"
	}
	var ae *dfns.APIError
	var de *dfns.DecodeError
	var ve *dfns.ValidationError
	switch {
	case errors.As(err, &ae):
		if ae.ID == "" {
			return strconv.Itoa(ae.StatusCode)
		}
		return strconv.Itoa(ae.StatusCode) + " " + ae.ID
	case errors.As(err, &de):
		return "decode error"
	case errors.As(err, &ve):
		return "validation error"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "transport error"
}

// checkChallenge checks that ch is the concrete type of kind, and that it
// marshals to a body ParseChallengeStrict accepts with the same kind and
// challengeIdentifier.
func checkChallenge(ch dfns.Challenge, kind dfns.CredentialKind) error {
	var got dfns.CredentialKind
	switch ch.(type) {
	case *dfns.Fido2Challenge:
		got = dfns.CredentialKindFido2
	case *dfns.KeyChallenge:
		got = dfns.CredentialKindKey
	case *dfns.PasswordProtectedKeyChallenge:
		got = dfns.CredentialKindPasswordProtectedKey
	case *dfns.RecoveryKeyChallenge:
		got = dfns.CredentialKindRecoveryKey
	case *dfns.PasswordChallenge:
		got = dfns.CredentialKindPassword
	case *dfns.TotpChallenge:
		got = dfns.CredentialKindTotp
	default:
		return fmt.Errorf("a %T for kind %s", ch, kind)
	}
	if got != kind || ch.Kind() != kind {
		return fmt.Errorf("a %T of kind %s for kind %s", ch, ch.Kind(), kind)
	}
	b, err := json.Marshal(ch)
	if err != nil {
		return fmt.Errorf("re-marshalling: %w", err)
	}
	back, err := dfns.ParseChallengeStrict(b)
	if err != nil {
		return fmt.Errorf("the re-marshalled challenge: %w", err)
	}
	if back.Kind() != kind || back.ChallengeIdentifier() != ch.ChallengeIdentifier() {
		return fmt.Errorf("the re-marshalled challenge has kind %s and another challengeIdentifier", back.Kind())
	}
	return nil
}
