package main

import (
	"flag"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// apiFlags are the flags every command that calls the API shares: where the
// code comes from, where the API is, and how to print and check answers.
type apiFlags struct {
	code, codeFile *string
	region, apiURL *string
	asJSON, strict *bool
	timeout        *time.Duration
}

// addAPIFlags declares the shared flags on fs; answer names what --json
// prints ("challenge", "credential").
func addAPIFlags(fs *flag.FlagSet, answer string) apiFlags {
	return apiFlags{
		code:     fs.String("code", "", "'-' to read the one-time code from stdin"),
		codeFile: fs.String("code-file", "", "read the one-time code from `FILE`"),
		region:   fs.String("region", "", "Dfns region: eu (default) or uae"),
		apiURL:   fs.String("api-url", "", "base `URL` of a Dfns-compatible API (https, or http on loopback)"),
		asJSON:   fs.Bool("json", false, "print the "+answer+" as JSON (the API's shape)"),
		timeout:  fs.Duration("timeout", dfns.DefaultTimeout, "timeout of each call, retries included"),
		strict:   fs.Bool("strict", false, "enforce every constraint of the spec on the answers"),
	}
}

// clientOptions turns the shared flags into client options.
func (f apiFlags) clientOptions(e env) ([]dfns.Option, error) {
	return clientOptions(e, *f.region, *f.apiURL, *f.timeout, *f.strict)
}

// readCode reads the one-time code the flags point at.
func (f apiFlags) readCode(e env) (dfns.OneTimeCode, error) {
	return readCode(e, *f.code, *f.codeFile)
}
