package dfns

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Option configures a Client; New reports the first option that fails.
type Option func(*config) error

// config is what the options set.
type config struct {
	baseURL          *url.URL
	httpClient       *http.Client
	timeout          time.Duration
	maxResponseBytes int64
	strict           bool
	userAgent        string
	retry            RetryPolicy
}

// Defaults.
const (
	// DefaultTimeout bounds a whole call, retries included.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxResponseBytes bounds how much of a response body is read.
	DefaultMaxResponseBytes = 1 << 20
)

// WithRegion sends requests to a Dfns region (default RegionEU).
func WithRegion(r Region) Option {
	return func(c *config) error {
		if !r.valid() {
			return fmt.Errorf("dfns: unknown region %q", string(r))
		}
		u, err := parseBaseURL(string(r))
		c.baseURL = u
		return err
	}
}

// WithBaseURL sends requests to any Dfns-compatible base URL: a white-label
// host, a path-prefixed gateway, or a local sandbox. It must be https, or
// http on a loopback host; a query, fragment or user-info is refused (a
// *BaseURLError). A path prefix is kept: "https://h/p" calls
// "https://h/p/auth/credentials/code/init".
func WithBaseURL(raw string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(raw)
		if err != nil {
			return err
		}
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient uses the caller's http.Client (its transport, proxies,
// TLS settings and timeout). The client is copied, and the copy refuses
// redirects whatever the original's CheckRedirect says: a redirected POST
// would re-send the one-time code.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("dfns: WithHTTPClient(nil)")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each call, its retries and their waits included
// (default DefaultTimeout). A deadline on the call's context, if earlier,
// wins. With WithHTTPClient, the caller's client's Timeout also bounds each
// attempt.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("dfns: WithTimeout(%v): must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithMaxResponseBytes bounds how much of a response body the client reads
// (default DefaultMaxResponseBytes); a larger body is ErrResponseTooLarge.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("dfns: WithMaxResponseBytes(%d): must be positive", n)
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithStrictValidation makes the client enforce every constraint of the spec
// on responses (required fields including the deprecated
// temporaryAuthenticationToken, types, enums, the cr- id pattern and
// lengths), and every field of openapi.flow.yaml's Credential on verify's
// answers; unknown kinds become errors. By default the client checks only
// what the flow needs, so that Dfns can evolve without breaking callers.
func WithStrictValidation() Option {
	return func(c *config) error {
		c.strict = true
		return nil
	}
}

// WithUserAgent puts product (e.g. "myapp/1.2") in front of the library's
// own User-Agent.
func WithUserAgent(product string) Option {
	return func(c *config) error {
		if product == "" {
			return errors.New("dfns: WithUserAgent: empty product")
		}
		c.userAgent = product + " " + userAgent
		return nil
	}
}
