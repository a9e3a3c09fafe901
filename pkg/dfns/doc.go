// Package dfns is a typed client for the Dfns "Create Credential With Code"
// flow: a device that holds a one-time code, and no credential yet, asks Dfns
// for the challenge its new credential must sign (init), and registers the
// credential that answers it (verify). A user who has a credential mints the
// code (CreateCredentialCode).
//
// The shortest program:
//
//	c, err := dfns.New() // RegionEU; or dfns.WithRegion(dfns.RegionUAE), dfns.WithBaseURL(url)
//	if err != nil { ... }
//	ch, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, dfns.OneTimeCode(code))
//	if err != nil { ... }
//	switch ch := ch.(type) {
//	case *dfns.KeyChallenge:
//		// sign ch.Challenge with the new key, then verify with ch.ChallengeIdentifier()
//	case *dfns.Fido2Challenge:
//		// hand the WebAuthn creation options to an authenticator
//	case *dfns.UnknownChallenge:
//		// a kind added to Dfns after this library: ch.Kind(), ch.Raw
//	}
//
// Finalizing the flow, once pkg/credential has answered the challenge:
//
//	att, err := credential.AttestKeyChallenge(ch.(*dfns.KeyChallenge), key)
//	cred, err := c.CreateCredentialWithCode(ctx, att.VerifyRequest("laptop"))
//	// cred.CredentialUUID, cred.PublicKey, cred.DateCreated…
//
// (credential.RegisterKeyCredential does init, the attestation and verify in
// one call.)
//
// # Safety
//
// Init and verify need no API token, and the client sends none (mint takes
// one). The one-time code is a secret: OneTimeCode prints as "[REDACTED]" in every fmt verb, in
// slog and in JSON, and no error the client returns contains it, even when
// the server echoes it. Redirects are refused (following one would re-send
// the code), response bodies are read up to a bound (WithMaxResponseBytes),
// and the default HTTP client has an overall timeout as well as dial, TLS and
// response-header timeouts. A verify request's challengeIdentifier (a handle
// to a live challenge) and the deprecated password and OTP code get the same
// care: VerifyRequest prints them redacted and no error repeats them.
//
// # Retries
//
// A call retries only what cannot have reached the server (a refused
// connection or a DNS failure before anything was written, 429 and 503,
// honouring Retry-After), with exponential backoff and full jitter, 3
// attempts in all by default, within the call's timeout. Nothing that may
// have consumed the single-use code (init) or the single-use challenge
// (verify) is ever sent again: every endpoint shares one attempt loop and
// one policy. 429 and 503 are retried for verify too, because a server
// answers them without processing the request. RetryPolicy's documentation
// has the whole table; WithRetryPolicy replaces it.
//
// # Validation
//
// Requests are checked before any I/O. Responses are checked for what the
// flow needs by default, and against every constraint of the vendored spec
// with WithStrictValidation. Failures are *ValidationError values naming the
// field and the rule, never the value.
//
// # Errors
//
// A non-2xx answer is an *APIError (status, Dfns error id, message, request
// id, Retry-After); errors.Is matches its class against ErrBadRequest,
// ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited and ErrServer.
// A body that is not JSON is a *DecodeError.
//
// The code under gen/ is generated from the vendored openapi.yaml (init) and
// under gen/flow from the project's own openapi.flow.yaml (verify and mint,
// which the vendored snapshot lacks); this package re-exports the generated
// models it needs (User, RelyingParty, PubKeyCredParam…) under the same
// names, and has its own VerifyRequest and Credential.
package dfns
