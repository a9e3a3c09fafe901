package dfns

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/gen/flow"
	"github.com/dfnskit/dfns-go/internal/specschema"
)

// CredentialCode is a minted one-time code and when it expires: the
// generated model of openapi.flow.yaml, but for Code, a OneTimeCode so that
// it prints redacted.
type CredentialCode struct {
	// Code is the one-time code, to hand to the new device.
	Code OneTimeCode
	// Expiration is when the code stops working.
	Expiration time.Time
}

// parseCredentialCode decodes a mint answer into the generated model; the
// code is required. The body is a secret: no error repeats it.
func parseCredentialCode(data []byte, meta *responseMeta) (*CredentialCode, error) {
	var cc flow.CredentialCode
	if err := decodeJSON(data, meta, &cc, specschema.Mint); err != nil {
		return nil, err
	}
	if cc.Code == "" {
		return nil, respErr("/code", RuleRequired, "string")
	}
	return &CredentialCode{Code: OneTimeCode(cc.Code), Expiration: cc.Expiration}, nil
}

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
		decode:     decoder(c.strict, specschema.Mint, parseCredentialCode),
		secrets:    secrets{token},
		secretBody: true,
	})
}
