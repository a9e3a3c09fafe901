package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// TestExplain: each class of error gets its next step.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		step string
		err  error
		want string
	}{
		{stepInit, &dfns.APIError{StatusCode: 401, Message: "The one-time code is invalid.", RequestID: "rq-1"},
			"the one-time code was refused (401 The one-time code is invalid, request id rq-1): mint a new code"},
		{stepVerify, &dfns.APIError{StatusCode: 401, Message: "Unauthorized"}, "the challenge was refused (401 Unauthorized): it is used or expired; mint a new code and run again"},
		{stepVerify, &dfns.APIError{StatusCode: 400, Message: "attestation_invalid"}, "the API did not register the credential (400 attestation_invalid): mint a new code"},
		{stepInit, &dfns.APIError{StatusCode: 429, Message: "Too Many Requests", RetryAfter: 7 * time.Second}, "rate limited (429 Too Many Requests): retry in 7s"},
		{stepInit, &dfns.APIError{StatusCode: 502, Message: "Bad Gateway"}, "the API failed (502 Bad Gateway): retry later"},
		{stepInit, &dfns.APIError{StatusCode: 404, Message: "Not Found"}, "check --api-url, --region or DFNS_API_URL"},
		{stepMint, &dfns.APIError{StatusCode: 401, Message: "Unauthorized"}, "the token was refused (401 Unauthorized): check DFNS_TOKEN"},
		{stepInit, fmt.Errorf("x: %w", context.DeadlineExceeded), "no answer within --timeout 30s: check the URL, or retry with a longer --timeout"},
		{stepInit, &dfns.ValidationError{In: "request", Path: "/code", Rule: dfns.RulePattern}, "the one-time code is malformed (pattern): check it, or mint a new code"},
		{stepInit, &dfns.DecodeError{StatusCode: 200, ContentType: "text/html"}, "the answer is not a valid Dfns challenge (cannot decode response (status 200) of type text/html): is the base URL a Dfns API?"},
		{stepVerify, &dfns.ValidationError{In: "response", Path: "/credentialUuid", Rule: dfns.RuleRequired}, "not a valid Dfns credential"},
		{stepInit, fmt.Errorf("x: %w", dfns.ErrRedirect), "put the final URL in --api-url"},
	} {
		got := explain(tc.step, tc.err, 30*time.Second)
		if !strings.Contains(got, tc.want) || strings.Contains(got, "dfns: ") {
			t.Errorf("explain(%s, %v)\n got %q\nwant %q", tc.step, tc.err, got, tc.want)
		}
	}
}
