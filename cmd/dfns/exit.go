package main

import (
	"context"
	"errors"
	"net"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// Exit codes, by error class (documented in `dfns init --help`).
const (
	exitOK          = 0
	exitFailure     = 1 // anything not classified below
	exitUsage       = 2 // bad flags or arguments
	exitInvalid     = 3 // bad input, caught before any request (kind, code, password, output file)
	exitRejected    = 4 // the API refused the request (4xx but 429)
	exitRateLimited = 5 // 429: retry later
	exitServer      = 6 // 5xx
	exitNetwork     = 7 // connection, TLS, timeout or redirect refused
	exitBadResponse = 8 // the API answered something that is not a valid challenge or credential
	exitUnknown     = 9 // register: verify was sent, its outcome is unknown; --out kept
	exitInterrupted = 130
)

const exitCodesHelp = `Exit codes:
  0    success
  1    unexpected failure
  2    bad flags or arguments
  3    invalid input, caught before any request (kind, missing code or password,
       an output file that exists)
  4    the API refused the request (4xx: e.g. unknown, used or expired code or
       challenge, an attestation the API does not accept)
  5    rate limited (429): retry after the delay the API gave
  6    server error (5xx)
  7    network failure: connection, TLS, timeout, redirect refused
  8    the API's answer is not a valid challenge or credential
  9    register: verify was sent but its outcome is unknown; the credential may
       exist and --out, kept, holds its only key
  130  interrupted (Ctrl-C; 143 for SIGTERM)`

// exitCodeFor classifies an error from pkg/dfns.
func exitCodeFor(err error) int {
	var (
		apiErr *dfns.APIError
		valErr *dfns.ValidationError
		decErr *dfns.DecodeError
		netErr net.Error
	)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &valErr):
		if valErr.In == "request" {
			return exitInvalid
		}
		return exitBadResponse
	case errors.As(err, &apiErr):
		switch {
		case errors.Is(err, dfns.ErrRateLimited):
			return exitRateLimited
		case errors.Is(err, dfns.ErrServer):
			return exitServer
		}
		return exitRejected
	case errors.As(err, &decErr), errors.Is(err, dfns.ErrResponseTooLarge):
		return exitBadResponse
	case errors.Is(err, dfns.ErrRedirect), errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr):
		return exitNetwork
	}
	return exitFailure
}

// notProcessed reports whether a failed call certainly did not change
// anything on the server (pkg/dfns's ErrNotProcessed); anything else (a
// timeout, a reset, Ctrl-C in flight, a 500, an unreadable 2xx) leaves the
// outcome unknown.
func notProcessed(err error) bool { return errors.Is(err, dfns.ErrNotProcessed) }
