package dfns_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

func TestNewRejectsBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  dfns.Option
	}{
		{"WithHTTPClient(nil)", dfns.WithHTTPClient(nil)},
		{"WithTimeout(0)", dfns.WithTimeout(0)},
		{"WithTimeout(-1s)", dfns.WithTimeout(-time.Second)},
		{"WithMaxResponseBytes(0)", dfns.WithMaxResponseBytes(0)},
		{"WithMaxResponseBytes(-1)", dfns.WithMaxResponseBytes(-1)},
		{"WithUserAgent(\"\")", dfns.WithUserAgent("")},
		{"WithRegion(unknown)", dfns.WithRegion("https://evil.example.com")},
		{"WithRegion(\"\")", dfns.WithRegion("")},
		{"WithBaseURL(http non-loopback)", dfns.WithBaseURL("http://example.com")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dfns.New(tt.opt)
			if err == nil {
				t.Fatalf("New succeeded, want an error")
			}
			if c != nil {
				t.Errorf("New returned a client with its error")
			}
			if !strings.HasPrefix(err.Error(), "dfns: ") {
				t.Errorf("error %q lacks the dfns: prefix", err)
			}
		})
	}
	// A nil option is skipped; the first failing option wins.
	if _, err := dfns.New(nil, dfns.WithTimeout(time.Second)); err != nil {
		t.Errorf("New(nil option) = %v", err)
	}
	_, err := dfns.New(dfns.WithTimeout(0), dfns.WithHTTPClient(nil))
	if err == nil || !strings.Contains(err.Error(), "WithTimeout") {
		t.Errorf("New(two bad options) = %v, want the first one's error", err)
	}
}

func TestBaseURLs(t *testing.T) {
	accepted := []struct {
		in, want string
	}{
		{"https://api.dfns.io", "https://api.dfns.io"},
		{"https://api.dfns.io/", "https://api.dfns.io"},
		{"https://gateway.example.com/dfns/", "https://gateway.example.com/dfns"},
		{"https://gateway.example.com:8443/a/b", "https://gateway.example.com:8443/a/b"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://127.0.0.2", "http://127.0.0.2"},
		{"http://[::1]:8080/", "http://[::1]:8080"},
		{"http://localhost:3000", "http://localhost:3000"},
		{"http://LocalHost", "http://LocalHost"},
		{"https://h.example/a%2Fb/", "https://h.example/a%2Fb"},
	}
	for _, tt := range accepted {
		t.Run("accepts "+tt.in, func(t *testing.T) {
			c, err := dfns.New(dfns.WithBaseURL(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tt.want {
				t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), tt.want)
			}
		})
	}
	const password = "hunter2-pw"
	rejected := []struct {
		name, in string
	}{
		{"http, public host", "http://example.com"},
		{"http, public IP", "http://93.184.216.34"},
		{"http, private IP", "http://10.0.0.1:8080"},
		{"http, non-loopback IPv6", "http://[2001:db8::1]"},
		{"http, loopback look-alike", "http://127.0.0.1.example.com"},
		{"http, a .localhost name DNS could send anywhere", "http://dfns.localhost"},
		{"IPv6 zone that does not survive net/url", "https://[::%25\xe9]"},
		{"query", "https://api.dfns.io/?region=eu"},
		{"empty query", "https://api.dfns.io/?"},
		{"fragment", "https://api.dfns.io/#top"},
		{"empty fragment", "https://api.dfns.io/#"},
		{"user-info with a password", "https://user:" + password + "@api.dfns.io"},
		{"user-info, loopback", "http://user:" + password + "@127.0.0.1:8080"},
		{"user-info, unparseable URL", "https://user:" + password + "@api.dfns.io/%zz"},
		{"user name only", "https://" + password + "@api.dfns.io"},
		{"opaque", "https:api.dfns.io"},
		{"mailto", "mailto:ops@example.com"},
		{"ftp scheme", "ftp://api.dfns.io"},
		{"ws scheme", "wss://api.dfns.io"},
		{"no scheme", "api.dfns.io"},
		{"scheme-relative", "//api.dfns.io/"},
		{"empty", ""},
		{"empty host", "https://"},
		{"empty host with a path", "https:///auth"},
		{"port only", "http://:8080"},
		{"not a URL", "https://api.dfns.io:port"},
	}
	for _, tt := range rejected {
		t.Run("rejects "+tt.name, func(t *testing.T) {
			c, err := dfns.New(dfns.WithBaseURL(tt.in))
			var be *dfns.BaseURLError
			if !errors.As(err, &be) {
				t.Fatalf("New(%q) = %v, %v; want *BaseURLError", tt.in, c, err)
			}
			if be.Reason == "" {
				t.Errorf("Reason is empty")
			}
			if !strings.HasPrefix(be.Error(), "dfns: invalid base URL ") {
				t.Errorf("Error() = %q", be.Error())
			}
			for _, s := range []string{be.Error(), be.URL, be.Reason} {
				if strings.Contains(s, password) {
					t.Errorf("the password shows: %q", s)
				}
			}
		})
	}
}

func TestRegions(t *testing.T) {
	tests := []struct {
		name string
		opts []dfns.Option
		want string
	}{
		{"default", nil, "https://api.dfns.io"},
		{"EU", []dfns.Option{dfns.WithRegion(dfns.RegionEU)}, "https://api.dfns.io"},
		{"UAE", []dfns.Option{dfns.WithRegion(dfns.RegionUAE)}, "https://api.uae.dfns.io"},
		{"staging", []dfns.Option{dfns.WithRegion(dfns.RegionStaging)}, "https://api.dfns.ninja"},
		{"the last option wins", []dfns.Option{dfns.WithBaseURL("https://h.example.com"), dfns.WithRegion(dfns.RegionUAE)}, "https://api.uae.dfns.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := dfns.New(tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tt.want {
				t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), tt.want)
			}
		})
	}
	if dfns.RegionUAE.String() != "https://api.uae.dfns.io" {
		t.Errorf("RegionUAE.String() = %q", dfns.RegionUAE.String())
	}
}

func TestParseRegion(t *testing.T) {
	tests := []struct {
		in      string
		want    dfns.Region
		wantErr bool
	}{
		{"eu", dfns.RegionEU, false},
		{"EU", dfns.RegionEU, false},
		{"UAE", dfns.RegionUAE, false},
		{" uae ", dfns.RegionUAE, false},
		{"staging", dfns.RegionStaging, false},
		{"nope", "", true},
		{"", "", true},
		{"https://api.dfns.io", "", true},
	}
	for _, tt := range tests {
		got, err := dfns.ParseRegion(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseRegion(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "unknown region") {
			t.Errorf("ParseRegion(%q) error = %q", tt.in, err)
		}
	}
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The default client owns its transport: sabotaging http.DefaultClient and
// http.DefaultTransport does not touch it. (Not parallel: it swaps globals.)
func TestDefaultHTTPClientIsNotShared(t *testing.T) {
	srv := newFakeDfns(t, replyJSON(responseFixture(t, "key")))
	var used atomic.Int64
	sabotage := roundTripFunc(func(*http.Request) (*http.Response, error) {
		used.Add(1)
		return nil, errors.New("the shared default transport was used")
	})
	oldClient, oldTransport := *http.DefaultClient, http.DefaultTransport
	t.Cleanup(func() { *http.DefaultClient, http.DefaultTransport = oldClient, oldTransport })
	http.DefaultClient.Transport = sabotage
	http.DefaultTransport = sabotage

	if _, err := redeem(newTestClient(t, srv.URL), dfns.CredentialKindKey); err != nil {
		t.Fatalf("err = %v", err)
	}
	if n := used.Load(); n != 0 {
		t.Errorf("the shared transport was used %d times", n)
	}
}

func TestWithTimeout(t *testing.T) {
	const timeout = 75 * time.Millisecond
	srv := newBlockingDfns(t, nil)
	c := newTestClient(t, srv.URL, dfns.WithTimeout(timeout))
	start := time.Now()
	_, err := redeem(c, dfns.CredentialKindKey)
	elapsed := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if elapsed < timeout {
		t.Errorf("failed after %v, before the %v timeout", elapsed, timeout)
	}
	if elapsed > 2*time.Second {
		t.Errorf("failed after %v, not promptly after the %v timeout", elapsed, timeout)
	}

	// A fast server is unaffected by the same timeout.
	fast := newFakeDfns(t, replyJSON(responseFixture(t, "key")))
	if _, err := redeem(newTestClient(t, fast.URL, dfns.WithTimeout(timeout)), dfns.CredentialKindKey); err != nil {
		t.Errorf("fast server: %v", err)
	}
}

func TestWithHTTPClientIsUsed(t *testing.T) {
	srv := newFakeDfns(t, replyJSON(responseFixture(t, "key")))
	var seen atomic.Int64
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	user := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		seen.Add(1)
		return transport.RoundTrip(r)
	})}
	if _, err := redeem(newTestClient(t, srv.URL, dfns.WithHTTPClient(user)), dfns.CredentialKindKey); err != nil {
		t.Fatal(err)
	}
	if n := seen.Load(); n != 1 {
		t.Errorf("the user's transport saw %d requests, want 1", n)
	}

	// The user's client's own Timeout applies.
	slow := newBlockingDfns(t, nil)
	timed := &http.Client{Transport: transport, Timeout: 50 * time.Millisecond}
	_, err := redeem(newTestClient(t, slow.URL, dfns.WithHTTPClient(timed)), dfns.CredentialKindKey)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded from the user's Timeout", err)
	}
}
