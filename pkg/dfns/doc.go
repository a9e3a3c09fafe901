// Package dfns is a typed client for the Dfns "Create Credential With Code"
// flow: redeem a one-time code for a challenge (init), then register the
// credential that answers it (verify).
//
//	c, err := dfns.New() // or dfns.WithRegion(dfns.RegionUAE), dfns.WithBaseURL(url)
//	ch, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, dfns.OneTimeCode(code))
//	cred, err := c.CreateCredentialWithCode(ctx, req) // req: pkg/credential's answer to ch
//
// Each variant embeds its generated model, not a defined type over it: the
// accessors (Kind, User…) share names with generated fields. docs/client.md.
package dfns
