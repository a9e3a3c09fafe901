package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

func runInit(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "init",
		"init --kind KIND [--code - | --code-file FILE] [--region eu|uae | --api-url URL] [--json] [--timeout D] [--strict]",
		"Redeems a one-time code (POST /auth/credentials/code/init) for the challenge a new\n"+
			"credential of KIND must sign. The code is read from stdin (--code -; a prompt\n"+
			"without echo at a terminal), a file (--code-file) or the DFNS_CODE environment\n"+
			"variable; never from the command line. DFNS_API_URL sets the base URL when\n"+
			"--api-url and --region are absent.\n\n"+exitCodesHelp)
	kind := fs.String("kind", "", "credential kind, in any case: Fido2, Key, PasswordProtectedKey, RecoveryKey (deprecated: Password, Totp)")
	api := addAPIFlags(fs, "challenge")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "dfns init: "+format+"\n", a...)
		return code
	}
	if *kind == "" {
		return fail(exitUsage, "--kind is required, e.g. --kind Key")
	}
	k, err := parseKind(*kind, dfns.CredentialKinds())
	if err != nil {
		return fail(exitInvalid, "%v", err)
	}
	opts, err := api.clientOptions(e)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	client, err := dfns.New(opts...)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	code, err := api.readCode(ctx, e)
	if err != nil {
		if ctx.Err() != nil {
			return fail(exitInterrupted, "interrupted: nothing was sent")
		}
		return fail(exitInvalid, "%v", err)
	}
	ch, err := client.CreateCredentialChallengeWithCode(ctx, k, code)
	if err != nil {
		return fail(exitCodeFor(err), "%s", explain(stepInit, err, *api.timeout))
	}
	if *api.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ch); err != nil {
			return fail(exitFailure, "%v", err)
		}
		return exitOK
	}
	printSummary(e.stdout, ch)
	return exitOK
}

// readCode reads the one-time code the flags point at.
func (f apiFlags) readCode(ctx context.Context, e env) (dfns.OneTimeCode, error) {
	return readCode(ctx, e, *f.code, *f.codeFile)
}
