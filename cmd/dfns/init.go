package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

func runInit(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "init",
		"init --kind KIND [--code - | --code-file FILE] [--region eu|uae | --api-url URL] [--json] [--timeout D] [--strict]",
		"Redeems a one-time code (POST /auth/credentials/code/init) for the challenge a new\n"+
			"credential of KIND must sign. The code is read from stdin (--code -), a file\n"+
			"(--code-file) or the DFNS_CODE environment variable; never from the command line.\n"+
			"DFNS_API_URL sets the base URL when --api-url and --region are absent.\n\n"+exitCodesHelp)
	kind := fs.String("kind", "", "credential kind: Fido2, Key, PasswordProtectedKey, RecoveryKey (deprecated: Password, Totp)")
	api := addAPIFlags(fs, "challenge")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	if *kind == "" {
		fmt.Fprintln(e.stderr, "dfns init: --kind is required")
		fs.Usage()
		return exitUsage
	}
	opts, err := api.clientOptions(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns init: %v\n", err)
		return exitUsage
	}
	code, err := api.readCode(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns init: %v\n", err)
		return exitInvalid
	}
	client, err := dfns.New(opts...)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns init: %v\n", err)
		return exitUsage
	}
	ch, err := client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKind(*kind), code)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns init: %v\n", err)
		return exitCodeFor(err)
	}
	if *api.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(ch); err != nil {
			fmt.Fprintf(e.stderr, "dfns init: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	printSummary(e.stdout, ch)
	return exitOK
}

// clientOptions turns the location flags into client options: --api-url,
// else --region, else DFNS_API_URL, else the default region.
func clientOptions(e env, region, apiURL string, timeout time.Duration, strict bool) ([]dfns.Option, error) {
	if region != "" && apiURL != "" {
		return nil, fmt.Errorf("use either --region or --api-url, not both")
	}
	opts := []dfns.Option{dfns.WithTimeout(timeout), dfns.WithUserAgent("dfns-cli/" + dfns.Version)}
	if strict {
		opts = append(opts, dfns.WithStrictValidation())
	}
	switch {
	case apiURL != "":
		opts = append(opts, dfns.WithBaseURL(apiURL))
	case region != "":
		r, err := dfns.ParseRegion(region)
		if err != nil {
			return nil, err
		}
		opts = append(opts, dfns.WithRegion(r))
	case e.getenv("DFNS_API_URL") != "":
		opts = append(opts, dfns.WithBaseURL(e.getenv("DFNS_API_URL")))
	}
	return opts, nil
}
