package dfnstest

import (
	"net/http"
	"slices"
	"strconv"
)

// CORS (WithCORS): what a page on another origin needs to call the sandbox
// with fetch. Only a request with an Origin header that WithCORS allows
// gets CORS headers; everything else is served as without WithCORS.

// The CORS answer headers.
const (
	// corsAllowMethods: every endpoint takes POST.
	corsAllowMethods = "POST"
	// corsAllowHeaders are the request headers the official SDKs send
	// (Authorization, Content-Type, X-DFNS-USERACTION,
	// X-DFNS-SDK-VERSION) and the sandbox's fault header.
	corsAllowHeaders = "Authorization, Content-Type, X-DFNS-USERACTION, X-DFNS-SDK-VERSION, " + FaultHeader
	// corsExposeHeaders are the answer headers a page may read.
	corsExposeHeaders = "X-Request-Id, Retry-After"
	// corsMaxAge is how long, in seconds, a browser may cache a preflight:
	// short, so that a restarted sandbox with other origins is seen soon.
	corsMaxAge = 600
)

// withCORS wraps the sandbox's handler when WithCORS is set.
func (s *Sandbox) withCORS(next http.Handler) http.Handler {
	if s.cfg.browser.cors == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		allow, ok := s.corsAllowOrigin(r.Header.Get("Origin"))
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", allow)
		h.Add("Vary", "Origin")
		if r.Method != http.MethodOptions || r.Header.Get("Access-Control-Request-Method") == "" {
			h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
			next.ServeHTTP(w, r)
			return
		}
		// A preflight: answered here, neither recorded nor logged.
		h.Set("Access-Control-Allow-Methods", corsAllowMethods)
		h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
		h.Set("Access-Control-Max-Age", strconv.Itoa(corsMaxAge))
		if r.Header.Get("Access-Control-Request-Private-Network") == "true" {
			// A public page calling a sandbox on loopback (Chrome's
			// Private Network Access).
			h.Set("Access-Control-Allow-Private-Network", "true")
		}
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
	})
}

// corsAllowOrigin returns the Access-Control-Allow-Origin to answer a
// request from origin, if WithCORS allows it.
func (s *Sandbox) corsAllowOrigin(origin string) (string, bool) {
	switch {
	case origin == "":
		return "", false
	case slices.Contains(s.cfg.browser.cors, "*"):
		return "*", true
	case slices.Contains(s.cfg.browser.cors, origin):
		return origin, true
	}
	return "", false
}
