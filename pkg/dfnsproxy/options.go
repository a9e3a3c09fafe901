package dfnsproxy

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// Option configures a Proxy; New reports the first option that fails.
type Option func(*config) error

// config is what the options set.
type config struct {
	strict    bool
	logger    *slog.Logger
	recordDir string
	transport http.RoundTripper
	maxBody   int64
	timeout   time.Duration
}

// Defaults.
const (
	// DefaultMaxBodyBytes bounds how much of a body the proxy reads to check
	// it: the client's own bound (dfns.DefaultMaxResponseBytes). A longer
	// body is passed on unchecked and reported (rule "size").
	DefaultMaxBodyBytes = dfns.DefaultMaxResponseBytes
	// DefaultTimeout bounds a whole exchange, from the request's arrival to
	// the answer's last byte.
	DefaultTimeout = dfns.DefaultTimeout
)

func defaultConfig() config {
	return config{logger: slog.New(slog.DiscardHandler), maxBody: DefaultMaxBodyBytes, timeout: DefaultTimeout}
}

// WithStrict reports every violation of the spec, and each object of an
// answer that carries a property the spec does not name (as a note),
// instead of only what breaks the client's default validation.
func WithStrict() Option {
	return func(c *config) error { c.strict = true; return nil }
}

// WithLogger sends the reports, one line per violation, to l (default:
// discarded).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("dfnsproxy: WithLogger(nil)")
		}
		c.logger = l
		return nil
	}
}

// WithRecordDir writes each exchange of the flow, redacted, as a JSON file
// in dir (created if missing), for LoadRecording and Replay.
func WithRecordDir(dir string) Option {
	return func(c *config) error {
		if dir == "" {
			return errors.New("dfnsproxy: WithRecordDir: empty directory name")
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("dfnsproxy: record directory: %w", err)
		}
		c.recordDir = dir
		return nil
	}
}

// WithTransport sends the requests upstream with rt instead of the default
// transport (dial, TLS and response-header timeouts; no transparent
// decompression, so answers pass as they came). An *http.Transport given
// here should set DisableCompression too.
func WithTransport(rt http.RoundTripper) Option {
	return func(c *config) error {
		if rt == nil {
			return errors.New("dfnsproxy: WithTransport(nil)")
		}
		c.transport = rt
		return nil
	}
}

// WithMaxBodyBytes bounds how much of a body is read to check it (default
// DefaultMaxBodyBytes).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("dfnsproxy: WithMaxBodyBytes(%d): must be positive", n)
		}
		c.maxBody = n
		return nil
	}
}

// WithTimeout bounds a whole exchange (default DefaultTimeout); an upstream
// that does not answer in time gets the client a 502.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("dfnsproxy: WithTimeout(%v): must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// defaultTransport is the upstream transport: bounded dial, TLS handshake and
// wait for the answer's headers, and no transparent gzip (the client's own
// Accept-Encoding goes upstream, and the answer comes back as it was sent).
func defaultTransport(timeout time.Duration) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   16,
		DisableCompression:    true,
	}
}
