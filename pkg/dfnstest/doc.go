// Package dfnstest is an embedded, offline sandbox of the Dfns "Create
// Credential With Code" endpoints (init, verify, and minting codes),
// validated against the vendored OpenAPI spec: the server the README's demo,
// the examples and users' own test suites run against. Think httptest plus
// stripe-mock. In a test:
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
// New returns a Sandbox without a listener, for a server of one's own;
// NewServer and NewTLSServer start one on loopback. WithSeed makes it
// deterministic. Errors come in the Dfns envelope, naming fields and rules,
// never values; a code is single-use, a challenge expires after five
// minutes. WithFaults lets a request ask for a fault (X-Dfns-Sandbox-Fault:
// latency, a status, a reset, a truncated or malformed answer). Memory has a
// ceiling whatever the load (WithMaxCodes, WithMaxChallenges,
// WithMaxCredentials). Codes, tokens and challengeIdentifiers never reach a
// record or a log line.
//
// The rules of every endpoint, the fault grammar, what the sandbox remembers
// and for how long: docs/sandbox.md in the repository.
package dfnstest
