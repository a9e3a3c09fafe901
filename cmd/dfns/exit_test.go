package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

func TestExitCodeFor(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{&dfns.ValidationError{In: "request", Path: "/code", Rule: dfns.RuleMinLength}, exitInvalid},
		{&dfns.ValidationError{In: "response", Path: "/challenge", Rule: dfns.RuleRequired}, exitBadResponse},
		{&dfns.APIError{StatusCode: 401}, exitRejected},
		{&dfns.APIError{StatusCode: 400}, exitRejected},
		{&dfns.APIError{StatusCode: 429}, exitRateLimited},
		{&dfns.APIError{StatusCode: 503}, exitServer},
		{&dfns.DecodeError{}, exitBadResponse},
		{fmt.Errorf("x: %w", dfns.ErrResponseTooLarge), exitBadResponse},
		{fmt.Errorf("x: %w", dfns.ErrRedirect), exitNetwork},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), exitNetwork},
		{fmt.Errorf("x: %w", context.Canceled), exitInterrupted},
		{errors.New("other"), exitFailure},
	} {
		if got := exitCodeFor(tc.err); got != tc.want {
			t.Errorf("exitCodeFor(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

// TestNotProcessed pins which failed calls certainly changed nothing on the
// server (register removes --out) and which leave the outcome unknown
// (register keeps it).
func TestNotProcessed(t *testing.T) {
	dial := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	read := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{&dfns.ValidationError{In: "request", Path: "/code"}, true},
		{&dfns.APIError{StatusCode: 400}, true},
		{&dfns.APIError{StatusCode: 401}, true},
		{&dfns.APIError{StatusCode: 429}, true},
		{&dfns.APIError{StatusCode: 503}, true},
		{fmt.Errorf("x: %w", dial), false}, // a transport error pkg/dfns did not mark as unsent
		{&dfns.APIError{StatusCode: 500}, false},
		{&dfns.APIError{StatusCode: 502}, false},
		{&dfns.ValidationError{In: "response", Path: "/credentialUuid"}, false},
		{&dfns.DecodeError{StatusCode: 200}, false},
		{fmt.Errorf("x: %w", read), false},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{fmt.Errorf("x: %w", context.Canceled), false},
		{io.ErrUnexpectedEOF, false},
		{fmt.Errorf("x: %w", dfns.ErrRedirect), false},
	} {
		if got := notProcessed(tc.err); got != tc.want {
			t.Errorf("notProcessed(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
