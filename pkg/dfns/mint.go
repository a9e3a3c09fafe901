package dfns

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/gen/flow"
)

// CredentialCode is a minted one-time code and when it expires.
type CredentialCode struct {
	// Code is the one-time code, to hand to the new device.
	Code OneTimeCode
	// Expiration is when the code stops working.
	Expiration time.Time
}

// credentialCodeSchema is openapi.flow.yaml's CredentialCode, enforced in
// both validation modes: without the code the answer is useless.
var credentialCodeSchema = object(req("code", str(1, -1, nil)), req("expiration", dateTime))

// CreateCredentialCode mints a one-time code for the user token
// authenticates (POST /auth/credentials/code), valid until expiration (Dfns
// documents at most one minute ahead; the time is sent as an ISO-8601 UTC
// string with milliseconds). token is an API bearer token, sent as
// "Authorization: Bearer <token>".
//
// Dfns also requires a user action signature (X-DFNS-USERACTION) on this
// endpoint, which this client does not make: CreateCredentialCode works
// against the sandbox (pkg/dfnstest), which checks neither, and against
// gateways that sign user actions themselves.
//
// Retries follow the RetryPolicy, as for init: a 429, a 503 or a refused
// connection mint nothing. No error holds the token or the new code (a
// DecodeError of a 2xx answer has no snippet).
func (c *Client) CreateCredentialCode(ctx context.Context, token string, expiration time.Time) (*CredentialCode, error) {
	if token == "" {
		return nil, reqErr("Authorization", RuleRequired, "a bearer token")
	}
	if expiration.IsZero() {
		return nil, reqErr("/expiration", RuleRequired, "date-time")
	}
	var exp flow.CodeExpiration
	if err := exp.FromCodeExpirationTime(expiration.UTC().Truncate(time.Millisecond)); err != nil {
		return nil, fmt.Errorf("dfns: encoding the request: %w", err)
	}
	body := flow.CreateCredentialCodeJSONRequestBody{Expiration: exp}
	bearer := func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
	return do(ctx, c, call[*CredentialCode]{
		send: func(ctx context.Context) (*http.Response, error) {
			return c.flow.CreateCredentialCode(ctx, &flow.CreateCredentialCodeParams{}, body, bearer)
		},
		decode: func(data []byte, meta *responseMeta) (*CredentialCode, error) {
			m, err := decodeTree(data, meta, credentialCodeSchema)
			if err != nil {
				return nil, err
			}
			exp, _ := time.Parse(time.RFC3339Nano, treeString(m, "expiration")) // validated
			return &CredentialCode{Code: OneTimeCode(treeString(m, "code")), Expiration: exp}, nil
		},
		secrets:    secrets{token},
		secretBody: true,
	})
}
