package main

import (
	"context"
	"fmt"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// demoKinds are the kinds the demo redeems a code for: every kind of the
// spec, the deprecated ones included, in the spec's order.
var demoKinds = dfns.CredentialKinds()

func runDemo(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "demo", "demo [--seed N]",
		"Starts the sandbox in-process on loopback, mints a one-time code per credential\n"+
			"kind, redeems each through pkg/dfns, and prints the challenges; then runs the whole\n"+
			"flow for a Key credential (init, attestation, verify) and prints the credential.\n"+
			"Needs no network.")
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
	if code := demoKeyFlow(ctx, e, srv, client); code != exitOK {
		return code
	}
	return exitOK
}

// demoKeyFlow shows the whole flow for a Key credential: init, the
// attestation, verify, and the credential.
func demoKeyFlow(ctx context.Context, e env, srv *dfnstest.Server, client *dfns.Client) int {
	fail := func(step string, err error) int {
		fmt.Fprintf(e.stderr, "dfns demo: %s: %v\n", step, err)
		return exitCodeFor(err)
	}
	fmt.Fprintln(e.stdout, "\nThe whole flow for a Key credential:")
	code := srv.MintCode()
	fmt.Fprintf(e.stdout, "1. init:   redeem a one-time code %v for a Key challenge (POST /auth/credentials/code/init)\n", code)
	ch, err := client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, code)
	if err != nil {
		return fail("init", err)
	}
	kc, ok := ch.(*dfns.KeyChallenge)
	if !ok {
		fmt.Fprintf(e.stderr, "dfns demo: init answered a %T\n", ch)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "          challenge %s for %s\n", kc.Challenge, kc.User().Name)
	key, err := credential.NewKey(credential.AlgorithmES256)
	if err != nil {
		return fail("new key", err)
	}
	att, err := credential.AttestKeyChallenge(kc, key)
	if err != nil {
		return fail("attest", err)
	}
	fmt.Fprintf(e.stdout, "2. attest: a new ES256 key signs the challenge (credId %s)\n", att.CredentialInfo.CredID)
	req := att.VerifyRequest("demo laptop")
	cred, err := client.CreateCredentialWithCode(ctx, req)
	if err != nil {
		return fail("verify", err)
	}
	fmt.Fprintln(e.stdout, "3. verify: the sandbox checks the attestation and registers the credential (POST /auth/credentials/code/verify)")
	printCredential(e.stdout, cred)
	// The challenge is single-use: verifying it again is refused.
	_, err = client.CreateCredentialWithCode(ctx, req)
	if err == nil {
		fmt.Fprintln(e.stderr, "dfns demo: the sandbox accepted a used challenge")
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "Verifying the same challenge again is refused: %v\n", err)
	fmt.Fprintln(e.stdout, "`dfns register` does all of this in one command, and keeps the key in a 0600 file.")
	return exitOK
}
