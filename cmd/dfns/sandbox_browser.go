package main

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// The flags of `dfns sandbox` for browser clients: --rp-id, --origin and
// --cors (issue 12).

// browserHelp is the part of `dfns sandbox --help` about them.
const browserHelp = "\n\nFor a page in a browser: --rp-id localhost --origin http://localhost:8080 lets a\n" +
	"page on that origin register passkeys. --cors ORIGIN lets pages on ORIGIN call the\n" +
	"sandbox with fetch (\"*\": any page); without --cors, the --origin values get CORS,\n" +
	"since a page allowed to register passkeys is the page that calls the API, and\n" +
	"no --origin means no CORS at all."

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// browserOptions turns --rp-id, --origin and --cors into sandbox options,
// refusing an origin the rp id cannot serve (a browser would refuse it with
// a SecurityError, saying less).
func browserOptions(rpID string, origins, cors []string) ([]dfnstest.Option, error) {
	var opts []dfnstest.Option
	if rpID != "" {
		opts = append(opts, dfnstest.WithRelyingParty(dfns.RelyingParty{ID: rpID, Name: dfnstest.DefaultRPName}))
	} else {
		rpID = dfnstest.DefaultRPID
	}
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || o != u.Scheme+"://"+u.Host {
			return nil, fmt.Errorf("--origin %q: want an origin such as http://localhost:8080 (scheme, host, port; no path)", o)
		}
		if h := u.Hostname(); h != rpID && !strings.HasSuffix(h, "."+rpID) {
			return nil, fmt.Errorf("--origin %q: its host is not the rp id %q nor a subdomain of it; set --rp-id %s", o, rpID, h)
		}
	}
	if len(origins) > 0 {
		opts = append(opts, dfnstest.WithOrigins(origins...))
		if cors == nil {
			cors = origins
		}
	}
	for _, o := range cors {
		if u, err := url.Parse(o); o != "*" && (err != nil || o != u.Scheme+"://"+u.Host || u.Host == "") {
			return nil, fmt.Errorf("--cors %q: want \"*\" or an origin such as http://localhost:8080", o)
		}
	}
	if len(cors) > 0 {
		opts = append(opts, dfnstest.WithCORS(cors...))
	}
	return opts, nil
}
