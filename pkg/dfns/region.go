package dfns

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/dfnskit/dfns-go/gen"
)

// Region is a Dfns API region: its value is the region's base URL, from the
// spec's servers. An organisation lives in exactly one region.
type Region string

// The regions of the vendored spec.
const (
	// RegionEU is Europe, the default (https://api.dfns.io).
	RegionEU Region = gen.ServerURLDefaultEurope
	// RegionUAE is the United Arab Emirates (https://api.uae.dfns.io).
	RegionUAE Region = gen.ServerURLUAE
	// RegionStaging is Dfns's staging environment (https://api.dfns.ninja).
	//
	// Deprecated: the spec marks it deprecated.
	RegionStaging Region = gen.ServerURLDeprecatedStaging
)

// regionNames are the short names ParseRegion accepts.
var regionNames = map[string]Region{"eu": RegionEU, "uae": RegionUAE, "staging": RegionStaging}

// ParseRegion returns the region for a short name: "eu", "uae" or the
// deprecated "staging" (case-insensitive).
func ParseRegion(name string) (Region, error) {
	if r, ok := regionNames[strings.ToLower(strings.TrimSpace(name))]; ok {
		return r, nil
	}
	return "", fmt.Errorf("dfns: unknown region %q (want eu or uae)", name)
}

// String returns the region's base URL.
func (r Region) String() string { return string(r) }

// valid reports whether r is one of the spec's regions.
func (r Region) valid() bool {
	for _, known := range regionNames {
		if r == known {
			return true
		}
	}
	return false
}

// BaseURLError is a base URL WithBaseURL refuses, and why.
type BaseURLError struct {
	// URL is the rejected URL with any user-info removed.
	URL string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns "dfns: invalid base URL <url>: <reason>".
func (e *BaseURLError) Error() string {
	return fmt.Sprintf("dfns: invalid base URL %q: %s", e.URL, e.Reason)
}

// parseBaseURL checks a base URL: https, or http on a loopback host only; a
// host; no query, fragment or user-info. A path prefix is kept, without its
// trailing slash.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &BaseURLError{URL: redactURL(raw), Reason: "not a URL"}
	}
	bad := func(reason string) error {
		shown := *u
		shown.User = nil // neither a password nor a user name (often a token)
		return &BaseURLError{URL: shown.String(), Reason: reason}
	}
	switch {
	case u.Opaque != "":
		return nil, bad("not a hierarchical URL")
	case u.User != nil:
		return nil, bad("user-info is not allowed")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, bad("a query is not allowed")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, bad("a fragment is not allowed")
	case u.Host == "" || u.Hostname() == "":
		return nil, bad("a host is required")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, bad("plain http is only allowed for loopback hosts")
		}
	default:
		return nil, bad("the scheme must be https")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/") // keeps escapes such as %2F
	// What the client will call must parse back to the same URL: some hosts
	// (an IPv6 zone with non-ASCII bytes) do not survive String and Parse.
	if back, err := url.Parse(u.String()); err != nil || back.String() != u.String() {
		return nil, bad("the URL does not survive a round trip through net/url")
	}
	return u, nil
}

// isLoopback reports whether host is localhost or a loopback IP. Names under
// .localhost are not trusted: Go's resolver may send them to DNS, which could
// point them anywhere, and the code would travel in clear text.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redactURL strips anything that looks like user-info from an unparseable URL.
func redactURL(raw string) string {
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		if scheme := strings.Index(raw, "://"); scheme >= 0 && scheme < at {
			return raw[:scheme+3] + "xxxxx@" + raw[at+1:]
		}
		return "xxxxx@" + raw[at+1:]
	}
	return raw
}
