package dfns

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// The default HTTP client's timeouts, below the overall one.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 20 * time.Second
)

// newDefaultHTTPClient is the client New uses when the caller brings none:
// dial, TLS-handshake and response-header timeouts, TLS 1.2 at least, and
// no redirects. It is never http.DefaultClient. The overall timeout
// (WithTimeout) is the call's context deadline, which bounds every attempt,
// its body read and the waits between attempts; an http.Client.Timeout on
// top would only add a second timer to every request.
func newDefaultHTTPClient() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:   tlsHandshakeTimeout,
			ResponseHeaderTimeout: responseHeaderTimeout,
			ExpectContinueTimeout: time.Second,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       90 * time.Second,
		},
		CheckRedirect: refuseRedirect,
	}
}

// refuseRedirect stops at any redirect: following a 307/308 would re-send
// the request body, and with it the one-time code, to another URL.
func refuseRedirect(*http.Request, []*http.Request) error { return ErrRedirect }

// withoutRedirects returns a copy of hc that refuses redirects.
func withoutRedirects(hc *http.Client) *http.Client {
	cp := *hc
	cp.CheckRedirect = refuseRedirect
	return &cp
}
