package dfnstest

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"time"
)

// Server is a Sandbox listening on a loopback address, like
// httptest.Server: URL is its base URL, to give to dfns.WithBaseURL.
type Server struct {
	*Sandbox
	// URL is the base URL, http://127.0.0.1:port or https://… for
	// NewTLSServer, with no trailing slash.
	URL string

	ts *httptest.Server
}

// The timeouts of the Server's http.Server.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = maxFaultLatency + 15*time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 64 << 10
)

// NewServer starts a Sandbox on a loopback HTTP address. Close it when done.
// It panics as New does on a bad option.
func NewServer(opts ...Option) *Server {
	return start(false, opts)
}

// NewTLSServer starts a Sandbox on a loopback HTTPS address with a
// self-signed certificate, which Client trusts. Close it when done.
func NewTLSServer(opts ...Option) *Server {
	return start(true, opts)
}

func start(tls bool, opts []Option) *Server {
	sb := New(opts...)
	ts := httptest.NewUnstartedServer(sb.Handler())
	ts.Config.ReadHeaderTimeout = readHeaderTimeout
	ts.Config.ReadTimeout = readTimeout
	ts.Config.WriteTimeout = writeTimeout
	ts.Config.IdleTimeout = idleTimeout
	ts.Config.MaxHeaderBytes = maxHeaderBytes
	// net/http's own messages (TLS handshake errors…) go to the sandbox's
	// logger; they never hold a request body.
	ts.Config.ErrorLog = slog.NewLogLogger(sb.log.Handler(), slog.LevelDebug)
	if tls {
		ts.StartTLS()
	} else {
		ts.Start()
	}
	return &Server{Sandbox: sb, URL: ts.URL, ts: ts}
}

// Client returns an HTTP client for the server, like httptest.Server's: it
// trusts the TLS server's certificate, and Close closes its idle
// connections.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close shuts the server down, waiting for the requests in flight.
func (s *Server) Close() { s.ts.Close() }
