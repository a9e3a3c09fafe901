package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// The calls explain knows.
const (
	stepInit   = "init"   // POST /auth/credentials/code/init: redeems the code
	stepVerify = "verify" // POST /auth/credentials/code/verify: spends the challenge
	stepMint   = "mint"   // POST /auth/credentials/code
)

// explain turns an error of a call into one sentence a person can act on:
// what happened, then what to do next. pkg/dfns errors never hold the code;
// their "dfns: " prefix is dropped, the command's own prefix is enough.
func explain(step string, err error, timeout time.Duration) string {
	var (
		apiErr *dfns.APIError
		valErr *dfns.ValidationError
		decErr *dfns.DecodeError
		opErr  *net.OpError
		dnsErr *net.DNSError
		tlsErr *tls.CertificateVerificationError
	)
	cause := strings.TrimPrefix(err.Error(), "dfns: ")
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within --timeout %v: check the URL, or retry with a longer --timeout", timeout)
	case errors.As(err, &valErr) && valErr.In == "request" && valErr.Path == "/code":
		return "the one-time code is malformed (" + valErr.Rule + "): check it, or mint a new code"
	case errors.As(err, &apiErr):
		return explainAPI(step, apiErr, apiCause(apiErr))
	case errors.As(err, &valErr), errors.As(err, &decErr):
		return "the answer is not a valid Dfns " + answerOf(step) + " (" + cause + "): is the base URL a Dfns API?"
	case errors.Is(err, dfns.ErrRedirect):
		return "the API answered with a redirect, which is refused (it would re-send the code): put the final URL in --api-url"
	case errors.As(err, &dnsErr):
		return "cannot reach the API (" + dnsErr.Error() + "): check the URL and the network"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return fmt.Sprintf("cannot reach the API at %v (%v): check the URL and the network (is the sandbox running?)", opErr.Addr, opErr.Err)
	case errors.As(err, &tlsErr):
		return "the API's certificate is not trusted (" + cause + "): check the URL"
	case errors.Is(err, credential.ErrUnsupportedKey), errors.Is(err, credential.ErrMalformed):
		return "the challenge cannot be answered (" + cause + "): mint a new code, or report the challenge (--json of dfns init)"
	}
	return cause
}

// explainAPI is explain for an answer with an error status.
func explainAPI(step string, e *dfns.APIError, cause string) string {
	switch {
	case errors.Is(e, dfns.ErrRateLimited):
		if e.RetryAfter > 0 {
			return fmt.Sprintf("rate limited (%s): retry in %v", cause, e.RetryAfter.Round(time.Second))
		}
		return "rate limited (" + cause + "): retry in a minute"
	case errors.Is(e, dfns.ErrServer):
		return "the API failed (" + cause + "): retry later"
	case errors.Is(e, dfns.ErrNotFound):
		return "the API has no such endpoint (" + cause + "): check --api-url, --region or DFNS_API_URL"
	case step == stepInit && errors.Is(e, dfns.ErrUnauthorized):
		return "the one-time code was refused (" + cause + "): mint a new code"
	case step == stepVerify && errors.Is(e, dfns.ErrUnauthorized):
		return "the challenge was refused (" + cause + "): it is used or expired; mint a new code and run again"
	case step == stepVerify:
		return "the API did not register the credential (" + cause + "): mint a new code and run again"
	case step == stepMint && errors.Is(e, dfns.ErrUnauthorized):
		return "the token was refused (" + cause + "): check DFNS_TOKEN"
	}
	return "the API refused the request (" + cause + ")"
}

// lostCause says in a few words why an answer never came (or came
// unreadable): no advice, the caller's message says what to do.
func lostCause(err error, timeout time.Duration) string {
	var apiErr *dfns.APIError
	switch {
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within --timeout %v", timeout)
	case errors.As(err, &apiErr):
		return apiCause(apiErr)
	}
	return strings.TrimPrefix(err.Error(), "dfns: ")
}

// apiCause is an APIError in a few words: status, message, request id.
func apiCause(e *dfns.APIError) string {
	s := fmt.Sprintf("%d %s", e.StatusCode, strings.TrimSuffix(e.Message, "."))
	if e.RequestID != "" {
		s += ", request id " + e.RequestID
	}
	return s
}

// answerOf names what a step answers.
func answerOf(step string) string {
	switch step {
	case stepVerify:
		return "credential"
	case stepMint:
		return "code"
	}
	return "challenge"
}
