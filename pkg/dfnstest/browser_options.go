package dfnstest

import (
	"net/url"
	"slices"
	"strings"
)

// The options a browser client needs: the WebAuthn origins verify accepts
// and the origins whose pages may call the sandbox (CORS).

// browserConfig is what WithOrigins and WithCORS set.
type browserConfig struct {
	origins []string // nil: https://<rp id>
	cors    []string // nil: no CORS headers; "*": any origin
}

// WithOrigins sets the WebAuthn origins verify accepts in a Fido2
// credential's client data (default: https://<rp id> alone, e.g.
// https://app.sandbox.dfns.test). Each is a serialized origin,
// scheme://host[:port] with no path, http or https: a page on
// http://localhost:8080 is a secure context for WebAuthn, so
// WithRelyingParty with ID "localhost" and WithOrigins("http://localhost:8080")
// let a page on a developer's machine register passkeys. The origin a
// credential was created on is the origin verify answers. Dfns does the
// same: an organisation lists its allowed passkey origins (web apps on the
// rp id's subdomains, its mobile apps) in its passkey settings.
func WithOrigins(origins ...string) Option {
	return func(c *config) {
		if checkOrigins(c, "WithOrigins", origins, false) {
			c.browser.origins = slices.Clone(origins)
		}
	}
}

// WithCORS lets pages on these origins call the sandbox from a browser, as
// the official browser SDK calls Dfns ("*": any origin; off by default). A
// preflight (OPTIONS) from one of them is answered 204, neither recorded
// nor logged, allowing POST and the headers Authorization, Content-Type,
// X-DFNS-USERACTION, X-DFNS-SDK-VERSION and X-Dfns-Sandbox-Fault for 600
// s; every other answer to one of them, errors included, carries
// Access-Control-Allow-Origin and exposes X-Request-Id and Retry-After.
// Other origins get no CORS header.
func WithCORS(origins ...string) Option {
	return func(c *config) {
		if checkOrigins(c, "WithCORS", origins, true) {
			c.browser.cors = slices.Clone(origins)
		}
	}
}

// checkOrigins reports whether origins is a non-empty list of origins (or
// "*", if star), noting the first problem in c otherwise.
func checkOrigins(c *config, option string, origins []string, star bool) bool {
	if len(origins) == 0 {
		c.fail("%s: at least one origin is needed", option)
		return false
	}
	for _, o := range origins {
		if !isOrigin(o) && (!star || o != "*") {
			c.fail("%s(%q): not an origin like https://app.example.com or http://localhost:8080", option, o)
			return false
		}
	}
	return true
}

// isOrigin reports whether s is a serialized http(s) origin: lowercase
// scheme and host, an optional port, nothing else.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return false
	}
	return s == u.Scheme+"://"+u.Host && s == strings.ToLower(s)
}

// origins returns the WebAuthn origins verify accepts, the default first.
func (s *Sandbox) origins() []string {
	if s.cfg.browser.origins != nil {
		return s.cfg.browser.origins
	}
	return []string{"https://" + s.cfg.rp.ID}
}
