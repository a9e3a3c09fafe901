package specdrift

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// MaxDocumentSize is the largest document a [Fetcher] reads by default
// (32 MiB; the whole Dfns API is a few MiB).
const MaxDocumentSize = 32 << 20

// DefaultTimeout bounds a whole download by default.
const DefaultTimeout = 60 * time.Second

// Fetcher reads a document from a file or a URL. Only https URLs are fetched,
// and http ones whose host is a loopback address (localhost, 127.0.0.0/8,
// ::1) so that tests can serve fixtures with httptest. The zero value is
// ready to use.
type Fetcher struct {
	// Client makes the requests; nil means a client with Timeout that
	// follows at most five redirects, each to an allowed URL.
	Client *http.Client
	// MaxSize caps the document size in bytes; 0 means MaxDocumentSize.
	MaxSize int64
	// Timeout bounds a download when Client is nil; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Fetch returns the bytes of src: an http(s) URL, or a file path.
func (f *Fetcher) Fetch(ctx context.Context, src string) ([]byte, error) {
	if src == "" {
		return nil, errors.New("no document given")
	}
	if isURL(src) {
		return f.fetchURL(ctx, src)
	}
	return f.readFile(src)
}

// isURL reports whether src names a URL rather than a file.
func isURL(src string) bool {
	return strings.Contains(src, "://")
}

func (f *Fetcher) maxSize() int64 {
	if f.MaxSize > 0 {
		return f.MaxSize
	}
	return MaxDocumentSize
}

func (f *Fetcher) readFile(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return readCapped(file, f.maxSize(), path)
}

// readCapped reads r up to max bytes and fails beyond.
func readCapped(r io.Reader, max int64, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return data, nil
}

// checkURL refuses what the Fetcher does not fetch.
func checkURL(u *url.URL) error {
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("refusing plain http to %s: use https (http is allowed for loopback hosts only)", u.Host)
	default:
		return fmt.Errorf("unsupported URL scheme %q: use https, or a file path", u.Scheme)
	}
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("more than 5 redirects")
			}
			return checkURL(req.URL)
		},
	}
}

func (f *Fetcher) fetchURL(ctx context.Context, src string) ([]byte, error) {
	u, err := url.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("bad URL %q: %w", src, err)
	}
	if err := checkURL(u); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/yaml, application/json;q=0.9, */*;q=0.1")
	resp, err := f.client().Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w%s", u.Redacted(), err, offlineHint(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching %s: HTTP %s", u.Redacted(), resp.Status)
	}
	if resp.ContentLength > f.maxSize() {
		return nil, fmt.Errorf("%s is larger than %d bytes (Content-Length %d)", u.Redacted(), f.maxSize(), resp.ContentLength)
	}
	return readCapped(resp.Body, f.maxSize(), u.Redacted())
}

// offlineHint suggests the likely cause of a transport error.
func offlineHint(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		return " (offline? pass a downloaded copy with -upstream FILE)"
	case errors.Is(err, context.DeadlineExceeded), os.IsTimeout(err):
		return " (timed out; offline? pass a downloaded copy with -upstream FILE)"
	}
	return ""
}
