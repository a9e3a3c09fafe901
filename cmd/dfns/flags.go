package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// newFlagSet returns a FlagSet that reports errors instead of exiting, with a
// usage text built from synopsis, the flags and an epilogue.
func newFlagSet(e env, name, synopsis, epilogue string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: dfns %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		if epilogue != "" {
			fmt.Fprintf(out, "\n%s\n", epilogue)
		}
	}
	return fs
}

// parseFlags parses args; it returns the exit code to stop with, or -1 to go
// on. --help prints the usage to stdout and exits 0; a bad flag exits 2.
func parseFlags(fs *flag.FlagSet, e env, args []string) int {
	// Asked for help: the usage goes to stdout, once (flag.Parse would
	// print it to the error output before returning ErrHelp).
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK
		}
	}
	// flag prints "flag provided but not defined" and the whole usage; one
	// line and the way to the rest is enough.
	fs.SetOutput(discard{})
	err := fs.Parse(args)
	fs.SetOutput(e.stderr)
	switch {
	case errors.Is(err, flag.ErrHelp): // "-help=x"
		fs.SetOutput(e.stdout)
		fs.Usage()
		return exitOK
	case err != nil:
		fmt.Fprintf(e.stderr, "dfns %s: %v: run 'dfns %s --help' for the flags\n", fs.Name(), err, fs.Name())
		return exitUsage
	case fs.NArg() > 0:
		fmt.Fprintf(e.stderr, "dfns %s: unexpected argument %q: run 'dfns %s --help' for the flags\n", fs.Name(), fs.Arg(0), fs.Name())
		return exitUsage
	}
	return -1
}

// discard swallows flag's own error output.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

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
		code:     fs.String("code", "", "'-' to read the one-time code from stdin (a prompt at a terminal)"),
		codeFile: fs.String("code-file", "", "read the one-time code from `FILE`"),
		region:   fs.String("region", "", "Dfns region: eu (default) or uae"),
		apiURL:   fs.String("api-url", "", "base `URL` of a Dfns-compatible API (https, or http on loopback); default $DFNS_API_URL"),
		asJSON:   fs.Bool("json", false, "print the "+answer+" as JSON (the API's shape)"),
		timeout:  fs.Duration("timeout", dfns.DefaultTimeout, "timeout of each call, retries included"),
		strict:   fs.Bool("strict", false, "enforce every constraint of the spec on the answers"),
	}
}

// clientOptions turns the shared flags into client options; the error says
// which flag or variable is wrong and how to fix it.
func (f apiFlags) clientOptions(e env) ([]dfns.Option, error) {
	return clientOptions(e, *f.region, *f.apiURL, *f.timeout, *f.strict)
}

// clientOptions turns the location flags into client options: --api-url,
// else --region, else DFNS_API_URL, else the default region.
func clientOptions(e env, region, apiURL string, timeout time.Duration, strict bool) ([]dfns.Option, error) {
	if region != "" && apiURL != "" {
		return nil, errors.New("use either --region or --api-url, not both")
	}
	if timeout <= 0 {
		return nil, fmt.Errorf("--timeout %v: --timeout must be positive (e.g. --timeout 30s)", timeout)
	}
	opts := []dfns.Option{dfns.WithTimeout(timeout), dfns.WithUserAgent("dfns-cli/" + dfns.Version)}
	if strict {
		opts = append(opts, dfns.WithStrictValidation())
	}
	switch {
	case apiURL != "":
		return append(opts, dfns.WithBaseURL(apiURL)), checkBaseURL(apiURL, "--api-url")
	case region != "":
		r, err := dfns.ParseRegion(region)
		if err != nil {
			return nil, fmt.Errorf("--region %q: want eu or uae", region)
		}
		return append(opts, dfns.WithRegion(r)), nil
	case e.getenv("DFNS_API_URL") != "":
		u := e.getenv("DFNS_API_URL")
		return append(opts, dfns.WithBaseURL(u)), checkBaseURL(u, "DFNS_API_URL")
	}
	return opts, nil
}

// checkBaseURL says what is wrong with a base URL, naming where it came from
// (a flag or DFNS_API_URL) and the fix.
func checkBaseURL(raw, from string) error {
	_, err := dfns.New(dfns.WithBaseURL(raw))
	var bad *dfns.BaseURLError
	if !errors.As(err, &bad) {
		return err
	}
	hint := ""
	switch {
	case !strings.Contains(raw, "://"):
		hint = ": add https:// (e.g. https://" + strings.TrimPrefix(bad.URL, "//") + ")"
	case strings.Contains(bad.Reason, "loopback"):
		hint = ": use https://, or run the sandbox on 127.0.0.1"
	}
	return fmt.Errorf("%s %q is not a usable base URL (%s)%s", from, bad.URL, bad.Reason, hint)
}

// parseKind reads --kind in any case ("key", "KEY", "Key").
func parseKind(s string, allowed []dfns.CredentialKind) (dfns.CredentialKind, error) {
	for _, k := range allowed {
		if strings.EqualFold(s, string(k)) {
			return k, nil
		}
	}
	names := make([]string, len(allowed))
	for i, k := range allowed {
		names[i] = string(k)
	}
	return "", fmt.Errorf("--kind %q: want one of %s", s, strings.Join(names, ", "))
}
