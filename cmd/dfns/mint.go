package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// sandboxToken is the bearer token dfns mint sends to a loopback sandbox
// when none is given: the sandbox needs one but checks none.
const sandboxToken = "dfns-cli-sandbox"

func runMint(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "mint", "mint [--api-url URL] [--ttl D] [--token-file FILE] [--timeout D]",
		"Mints a one-time code (POST /auth/credentials/code) and prints it alone on stdout,\n"+
			"ready for a pipe: dfns mint | dfns register --code - ... Its expiry goes to stderr.\n"+
			"It is meant for the sandbox (dfns sandbox prints the DFNS_API_URL to use), which\n"+
			"needs no token; the real Dfns API also wants a user action signature, which this\n"+
			"command does not make. The token comes from --token-file or DFNS_TOKEN.\n\n"+exitCodesHelp)
	apiURL := fs.String("api-url", "", "base `URL` of the API; default $DFNS_API_URL")
	ttl := fs.Duration("ttl", defaultCodeTTL, "how long the code lives")
	tokenFile := fs.String("token-file", "", "read the bearer token from `FILE`")
	timeout := fs.Duration("timeout", dfns.DefaultTimeout, "timeout of the call, retries included")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "dfns mint: "+format+"\n", a...)
		return code
	}
	if *apiURL == "" && e.getenv("DFNS_API_URL") == "" {
		return fail(exitUsage, "no API: set DFNS_API_URL to the URL dfns sandbox printed, or pass --api-url")
	}
	if *ttl <= 0 {
		return fail(exitUsage, "--ttl %v: --ttl must be positive (e.g. --ttl 10m)", *ttl)
	}
	opts, err := clientOptions(e, "", *apiURL, *timeout, false)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	client, err := dfns.New(opts...)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	src := secretSource{name: "token", flag: "--token-file", fileFlag: "--token-file", envVar: "DFNS_TOKEN",
		maxBytes: 16 << 10, file: *tokenFile}
	raw, err := src.read(ctx, e)
	if err != nil {
		return fail(exitInvalid, "%v", err)
	}
	token := strings.TrimSpace(string(raw))
	if token == "" {
		if !isLoopbackURL(*apiURL, e.getenv("DFNS_API_URL")) {
			return fail(exitInvalid, "no token: set DFNS_TOKEN or pass --token-file FILE")
		}
		token = sandboxToken
	}
	cc, err := client.CreateCredentialCode(ctx, token, time.Now().Add(*ttl))
	if err != nil {
		return fail(exitCodeFor(err), "%s", explain(stepMint, err, *timeout))
	}
	fmt.Fprintln(e.stdout, string(cc.Code))
	fmt.Fprintf(e.stderr, "dfns mint: single-use, valid until %s (%v)\n",
		cc.Expiration.Local().Format("15:04:05"), time.Until(cc.Expiration).Round(time.Second))
	return exitOK
}

// isLoopbackURL reports whether the first non-empty URL is http on a
// loopback host: the sandbox.
func isLoopbackURL(urls ...string) bool {
	for _, raw := range urls {
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		return err == nil && u.Scheme == "http" // the client takes http on loopback only
	}
	return false
}
