package specdrift

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"
)

// Exit codes of [Run].
const (
	ExitNoDrift   = 0 // the operations match
	ExitDrift     = 1 // at least one change
	ExitUndecided = 2 // bad input, network failure, not OpenAPI, operation missing...
)

const usage = `usage: specdrift -upstream PATH_OR_URL [-vendored openapi.yaml] [-json] [-write] [-timeout 60s]

Compares POST /auth/credentials/code/init in the upstream Dfns OpenAPI document
(a file, or an https URL) with the vendored one, semantically.

Exit status: 0 no drift, 1 drift, 2 could not decide.

`

// Run runs the specdrift command with args (without the program name) and
// returns its exit code. The report goes to stdout, errors to stderr.
func Run(args []string, stdout, stderr io.Writer) int {
	return RunWith(context.Background(), &Fetcher{}, args, stdout, stderr)
}

// RunWith is [Run] with a context and the Fetcher that reads both documents
// (tests pass one whose client trusts an httptest TLS server).
func RunWith(ctx context.Context, f *Fetcher, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("specdrift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	upstream := fs.String("upstream", "", "upstream OpenAPI document: a file path or an https URL (required)")
	vendored := fs.String("vendored", "openapi.yaml", "vendored OpenAPI document (a file)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	write := fs.Bool("write", false, "replace the vendored file with the upstream operation")
	timeout := fs.Duration("timeout", DefaultTimeout, "time limit for fetching the upstream document")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitNoDrift
		}
		return ExitUndecided
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "specdrift: unexpected argument %q\n", fs.Arg(0))
		return ExitUndecided
	}
	if *upstream == "" {
		fmt.Fprint(stderr, "specdrift: -upstream is required\n\n")
		fs.Usage()
		return ExitUndecided
	}
	if *write && isURL(*vendored) {
		fmt.Fprintf(stderr, "specdrift: -write needs -vendored to be a file, not %s\n", *vendored)
		return ExitUndecided
	}

	report, up, err := compareSources(ctx, f, *upstream, *vendored, *timeout)
	if err != nil {
		fmt.Fprintf(stderr, "specdrift: %v\n", err)
		return ExitUndecided
	}
	if *asJSON {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "specdrift: writing the report: %v\n", err)
		return ExitUndecided
	}
	if *write {
		if err := writeVendored(up, *vendored); err != nil {
			fmt.Fprintf(stderr, "specdrift: -write: %v\n", err)
			return ExitUndecided
		}
		fmt.Fprintf(stderr, "specdrift: wrote %s from upstream %s\n", *vendored, up.Version)
	}
	if report.Drift {
		return ExitDrift
	}
	return ExitNoDrift
}

// compareSources reads, extracts and compares both documents.
func compareSources(ctx context.Context, f *Fetcher, upstream, vendored string, timeout time.Duration) (*Report, *Operation, error) {
	fetchCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fc := *f
	if fc.Client == nil {
		fc.Timeout = timeout
	}
	upData, err := fc.Fetch(fetchCtx, upstream)
	if err != nil {
		return nil, nil, fmt.Errorf("upstream: %w", err)
	}
	up, err := Load(upData)
	if err != nil {
		return nil, nil, fmt.Errorf("upstream %s: %w", upstream, err)
	}
	vData, err := f.Fetch(ctx, vendored)
	if err != nil {
		return nil, nil, fmt.Errorf("vendored: %w", err)
	}
	v, err := Load(vData)
	if err != nil {
		return nil, nil, fmt.Errorf("vendored %s: %w", vendored, err)
	}
	return Compare(v, up), up, nil
}

// writeVendored writes up to path after checking that what it writes reads
// back as the same operation.
func writeVendored(up *Operation, path string) error {
	data, err := Marshal(up)
	if err != nil {
		return err
	}
	back, err := Load(data)
	if err != nil {
		return fmt.Errorf("the rendered document does not load back: %w", err)
	}
	if r := Compare(up, back); r.Drift {
		return fmt.Errorf("the rendered document differs from upstream (%s at %s); not written", r.Changes[0].Class, r.Changes[0].Pointer)
	}
	return WriteFile(path, data)
}
