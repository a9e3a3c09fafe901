package main

import (
	"context"
	"errors"
	"fmt"
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
		{errors.New("other"), exitFailure},
	} {
		if got := exitCodeFor(tc.err); got != tc.want {
			t.Errorf("exitCodeFor(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
