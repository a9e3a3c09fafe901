package dfnstest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// Start a sandbox, mint a code, and redeem it with the client.
func Example() {
	srv := dfnstest.NewServer(dfnstest.WithSeed(1))
	defer srv.Close()

	code := srv.MintCode()
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
	if err != nil {
		fmt.Println(err)
		return
	}
	ch, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%T\n", ch)

	// The code is single-use.
	_, err = c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
	fmt.Println(errors.Is(err, dfns.ErrUnauthorized))
	// Output:
	// *dfns.KeyChallenge
	// true
}

// Make a sandbox misbehave, to test a client's error handling.
func ExampleWithFault() {
	srv := dfnstest.NewServer(dfnstest.WithFault("rate-limit=3"))
	defer srv.Close()

	// Without retries: the default policy would wait the 3 s and try again.
	c, _ := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithRetryPolicy(dfns.NoRetries()))
	_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindFido2, srv.MintCode())
	var ae *dfns.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.StatusCode, ae.RetryAfter)
	}
	// Output: 429 3s
}
