package main

import (
	"context"
	"fmt"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// demoKinds are the kinds the demo redeems a code for: every kind of the
// spec, the deprecated ones included, in the spec's order.
var demoKinds = dfns.CredentialKinds()

func runDemo(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "demo", "demo [--seed N]",
		"Starts the sandbox in-process on loopback, mints a one-time code per credential\n"+
			"kind, redeems each through pkg/dfns, and prints the challenges. Needs no network.")
	seed := fs.Uint64("seed", 0, "make the sandbox's ids, users and challenges deterministic (0: random)")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	var opts []dfnstest.Option
	if *seed != 0 {
		opts = append(opts, dfnstest.WithSeed(*seed))
	}
	srv := dfnstest.NewServer(opts...)
	defer srv.Close()

	client, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithStrictValidation())
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns demo: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "Sandbox at %s (in-process, loopback only)\n\n", srv.URL)
	for i, kind := range demoKinds {
		code := srv.MintCode()
		fmt.Fprintf(e.stdout, "%d. Minted a one-time code %v for a %s credential; redeeming it.\n", i+1, code, kind)
		ch, err := client.CreateCredentialChallengeWithCode(ctx, kind, code)
		if err != nil {
			fmt.Fprintf(e.stderr, "dfns demo: %s: %v\n", kind, err)
			return exitCodeFor(err)
		}
		printSummary(e.stdout, ch)
		fmt.Fprintln(e.stdout)
	}
	// A code is single-use: redeeming one twice is refused.
	code := srv.MintCode()
	_, _ = client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, code)
	_, err = client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, code)
	if err == nil {
		fmt.Fprintln(e.stderr, "dfns demo: the sandbox accepted a used code")
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "Redeeming a used code again is refused: %v\n", err)
	fmt.Fprintf(e.stdout, "\nEvery challenge passed strict validation against the vendored spec.\n")
	fmt.Fprintln(e.stdout, "Next: sign the challenge with the new credential and finalize with the challengeIdentifier.")
	return exitOK
}
