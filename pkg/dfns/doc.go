// Package dfns is a typed client for the Dfns "Create Credential With Code"
// flow: a device that holds a one-time code, and no credential yet, asks Dfns
// for the challenge its new credential must sign (init), and registers the
// credential that answers it (verify). A user who has a credential mints the
// code (CreateCredentialCode).
//
//	c, err := dfns.New() // RegionEU; or dfns.WithRegion(dfns.RegionUAE), dfns.WithBaseURL(url)
//	ch, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, dfns.OneTimeCode(code))
//	switch ch := ch.(type) {
//	case *dfns.KeyChallenge: // sign ch.Challenge with the new key (pkg/credential)
//	case *dfns.Fido2Challenge: // hand the WebAuthn creation options to an authenticator
//	case *dfns.UnknownChallenge: // a kind added after this library: ch.Kind(), ch.Raw
//	}
//	cred, err := c.CreateCredentialWithCode(ctx, verifyRequest) // cred.CredentialUUID…
//
// The models are generated (gen/, from the vendored openapi.yaml, and
// gen/flow, from openapi.flow.yaml) and are this package's API: each
// challenge variant is a struct embedding its generated model, so every
// property of the spec is a field under its generated name and a spec
// refresh (go generate) reaches users with no hand edit. Embedding, not a
// defined type, because the Challenge accessors (Kind, User…) share their
// names with generated fields: a defined type cannot have both, while an
// embedding struct's methods shadow the embedded fields (still there as
// ch.KeyChallenge.User). Credential and CredentialInfo are the generated
// types themselves.
//
// Safety: the one-time code (OneTimeCode), challenge identifiers, passwords
// and OTP codes print as "[REDACTED]" and are never in an error. Redirects
// are refused, bodies bounded, and nothing that may have consumed the code
// or the challenge is ever sent again (RetryPolicy has the table). Responses
// get the validation the flow needs by default, and kin-openapi's against
// the embedded spec with WithStrictValidation. Errors: *APIError (errors.Is
// with ErrUnauthorized, ErrRateLimited…), *ValidationError (pointer and
// rule, never the value), *DecodeError. docs/client.md has the details.
package dfns
