// Package dfnstest is an embedded, offline sandbox of the Dfns "Create
// Credential With Code" endpoints, validated against the vendored OpenAPI
// spec: the server the README's demo, the examples and users' own test
// suites run against. Think httptest plus stripe-mock.
//
// The shortest use, in a test:
//
//	srv := dfnstest.NewServer()
//	defer srv.Close()
//	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
//	if err != nil {
//		t.Fatal(err)
//	}
//	ch, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, srv.MintCode())
//	// or the whole flow, init, attestation and verify:
//	cred, key, err := credential.RegisterKeyCredential(ctx, c, srv.MintCode(), "laptop", credential.AlgorithmES256)
//
// New returns a Sandbox without a listener, whose Handler mounts in a server
// of one's own; NewServer and NewTLSServer start one on loopback, like
// httptest. WithSeed makes every id, code, user, challenge and key
// deterministic.
//
// # Endpoints
//
// POST /auth/credentials/code/init is served by an implementation of the
// generated gen/server StrictServerInterface. A live code answers the
// challenge of the requested credentialKind (all six kinds of the spec),
// with a fresh 32-byte challenge, the code's user, the relying party
// (WithRelyingParty) and a challengeIdentifier (repeated in the deprecated
// temporaryAuthenticationToken) that is an HS256 JWT signed with the
// sandbox's own key, whose claims name the code by its id, never by its
// value. A code is single-use: of concurrent inits with the same code,
// exactly one succeeds (WithReinit makes codes reusable until a verify
// consumes one of their challenges). pubKeyCredParams offers exactly what
// verify accepts: ES256 (-7) and RS256 (-257) for Fido2; for Key also EdDSA
// (-8), which Dfns does not list but pkg/credential signs; ES256 alone for
// PasswordProtectedKey and RecoveryKey (the SDKs wrap P-256 keys only).
//
// POST /auth/credentials/code/verify, described by the project's own
// openapi.flow.yaml (not vendored), is served by an implementation of the
// generated gen/flowserver StrictServerInterface. It finalizes the flow:
//
//   - the challengeIdentifier must be one the sandbox issued (its HS256
//     signature), unexpired (five minutes after init, on the sandbox's
//     clock), unused, and of the request's credentialKind;
//   - Key, PasswordProtectedKey and RecoveryKey: credentialInfo must pass
//     pkg/credential's VerifyKeyAttestation against the challenge issued
//     (client data of type key.create with that challenge, a signature by
//     the public key sent) of an algorithm the challenge offered; the
//     encryptedPrivateKey of PasswordProtectedKey and RecoveryKey
//     (required for the first, optional for the second) must be
//     well-formed: base64 of {"key","iv"}, both base64 (the sandbox cannot
//     open it without the password);
//   - Fido2: credentialInfo must pass VerifyFido2Attestation with the
//     sandbox's relying party id (WithRelyingParty) and one of its origins
//     (WithOrigins; default https://<rp id>); the key's algorithm must be
//     one the challenge offered; the authenticator must have seen the user
//     (UP) and verified them (UV: the challenges require it). Both
//     challenge forms (the browser's and the mobile SDKs') pass;
//   - Password and Totp (deprecated): any non-empty password or otpCode is
//     accepted; nothing is checked.
//
// Then, atomically, the challenge is consumed (of concurrent verifies of one
// challenge exactly one succeeds) and the credential is stored in memory
// and answered: kind, credentialId (the credId sent; a random one for
// Password and Totp), credentialUuid (a new cr- id), dateCreated (the
// sandbox's clock, milliseconds), isActive true, name, publicKey (SPKI PEM;
// "" for Password and Totp), relyingPartyId and origin (the Fido2 client
// data's; for the other kinds, the first of WithOrigins).
// Credentials lists what was registered. A Fido2 credential joins the
// excludeCredentials of its user's next Fido2 challenges, by its
// credentialUuid (a cr- id, the form the spec gives): no authenticator
// knows it by that id, so the same authenticator registering again for the
// user gets a second credential, which verify registers too. A refused verify
// consumes nothing: the client may fix its answer and verify again until
// the challenge expires.
//
// POST /auth/credentials/code, not in the vendored spec (openapi.flow.yaml
// describes it) and served by hand, mints a code:
// it takes an optional {"expiration": ISO-8601 string or Unix seconds}
// (default now + WithCodeTTL, one minute; it must be in the future and at
// most 24 hours ahead) and answers {"code": "XXX-XXX-XXX", "expiration":
// RFC 3339}. It requires an "Authorization: Bearer <token>" header with any
// non-empty token. The sandbox checks neither the token nor the user-action
// signature (X-DFNS-USERACTION) Dfns requires there: it is not a model of
// Dfns's authentication. MintCode does the same without HTTP.
//
// # Validation
//
// Every request body of init is validated with kin-openapi against the
// spec embedded in gen/server (additionalProperties: false included), and
// every 200 answer of init is validated before it is sent: an answer that
// breaks the spec is a bug of the sandbox, answered as a 500
// "sandbox_invalid_response" and logged at error level. Verify's requests
// and 200 answers are validated the same way against openapi.flow.yaml
// (embedded in gen/flowserver). The schemas are walked by kin-openapi's
// built-in validator, never compiled per request (see validate.go). The
// other answers (the error envelopes, the mint answer) are built from fixed
// Go types.
// An answer a fault tampers with is validated before the tampering.
// WithoutValidation turns validation off, for benchmarks.
//
// # Answers
//
// Errors use the Dfns envelope, with Content-Type application/json:
//
//	{"error":{"id":"code_invalid","status":401,"message":"…","details":[]}}
//
// details lists {"pointer": "/credentialKind", "rule": "enum"} entries (a
// JSON pointer into the request body, "" for the body itself, and the JSON
// Schema rule, or "json" for malformed JSON); no answer, record or log line
// ever repeats a value of the request.
//
//	200  init: the challenge; verify: the credential; mint: the code
//	400  request_invalid: empty body, malformed JSON, a wrong type, an
//	     unknown credentialKind, a missing field, an extra property, a bad
//	     expiration (mint), a malformed encryptedPrivateKey (verify, rule
//	     "format"); sandbox_fault_invalid: a bad fault header
//	400  credential_kind_mismatch (verify): credentialKind is not the kind
//	     the challenge was issued for (detail /credentialKind "const")
//	400  attestation_invalid (verify): the credentialInfo does not answer
//	     the challenge; one detail names the field and the check:
//	     /credentialInfo/clientData "type" (not key.create or
//	     webauthn.create), "challenge" (another challenge), "origin";
//	     /credentialInfo/attestationData "signature" (a signature by
//	     another key, or client data altered after signing), "publicKey" (a
//	     key of an algorithm the challenge did not offer), "rpId",
//	     "userPresence", "userVerification";
//	     /credentialInfo "format" (undecodable)
//	401  code_invalid: an unknown, used or expired code (the answer does not
//	     say which; Request.Reason and the log do); unauthorized: mint
//	     without a bearer token
//	401  challenge_invalid (verify): a challengeIdentifier that is forged or
//	     from another sandbox, expired, unknown, already used (a replay), or
//	     whose reusable code another verify consumed; the answer does not
//	     say which, Request.Reason does ("challenge identifier invalid",
//	     "challenge expired", "challenge unknown", "challenge already used",
//	     "code already used by another verify")
//	404  not_found: any other path
//	405  method_not_allowed: a method other than POST on a known path, with
//	     "Allow: POST"
//	409  credential_exists (verify): a credential with this credId is
//	     registered already (detail /credentialInfo/credId "unique")
//	413  body_too_large: a body over 64 KiB
//	415  unsupported_media_type: a body that is not application/json
//	429  rate_limited: the rate-limit fault, with Retry-After
//	500  sandbox_invalid_response: see Validation
//
// Every answer carries X-Request-Id and Cache-Control: no-store; WithCORS
// adds CORS headers for pages of other origins.
//
// # Faults
//
// To test a client's error handling, a sandbox can misbehave on demand —
// never unless asked. WithFault(spec) applies a spec to every HTTP request;
// with WithFaults, a request's X-Dfns-Sandbox-Fault header applies its own
// spec to that request (replacing WithFault's). Without WithFaults the header
// is ignored. A spec is comma-separated items: latency plus at most one
// other.
//
//	latency=DURATION    sleep first (Go duration, at most 30s); the request's
//	                    context cuts it short
//	status=NNN          answer NNN (400-599) in the envelope, id
//	                    "sandbox_fault", without processing the request
//	rate-limit[=SECS]   answer 429 with Retry-After: SECS (default 1),
//	                    without processing the request
//	reset-before-body   reset the connection (TCP RST) before reading the
//	                    body: the code is not consumed
//	reset-after-body    process the request (consuming the code, as a real
//	                    server would), then reset the connection
//	truncate            send half of the answer with the full Content-Length
//	malformed           answer 200 with a body that is not JSON
//	oversized           answer 200 with a JSON body over 2 MiB
//	unknown-kind        answer the challenge with kind "Passkey2"
//	no-temporary-token  answer the challenge without temporaryAuthenticationToken
//
// The last five process the request normally (consuming the code) and then
// tamper with a 200 answer, and only with one: an error answer is sent as
// is; unknown-kind and no-temporary-token only change init's answers.
// Their answers break the spec on purpose and are not validated. A header
// with an invalid spec is answered 400 sandbox_fault_invalid; an invalid
// spec given to WithFault makes New panic.
//
// # Records and secrets
//
// Requests returns what the sandbox received (method, path, selected
// headers, the body, the status answered, the fault, a reason), with the
// value of "code" and code-shaped strings replaced by "[REDACTED]" and the
// Authorization header redacted. Verify bodies are kept with their
// credentialInfo as sent (credId, clientData, attestationData) and their
// encryptedPrivateKey, but the challengeIdentifier (a bearer handle to a
// live challenge) and the deprecated password and otpCode are redacted; a
// verify body that is not a JSON object is replaced whole.
// Codes are kept in memory only as SHA-256 hashes. WithLogger (default:
// discard) gets one line per request, without bodies, codes, tokens or
// challengeIdentifiers.
package dfnstest
