package specdrift

import (
	"bytes"
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// readFixture reads a file the test needs.
func readFixture(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestFetchURL runs specdrift on upstreams served over loopback http and
// https by httptest servers.
func TestFetchURL(t *testing.T) {
	doc := readFixture(t, "testdata/full-document.yaml")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/openapi.yaml" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(doc)
	})

	t.Run("http on loopback", func(t *testing.T) {
		srv := httptest.NewServer(handler)
		defer srv.Close()
		r := runJSON(t, ExitNoDrift, "-upstream", srv.URL+"/openapi.yaml", "-vendored", vendoredPath)
		if r.Drift || r.UpstreamVersion != "1.807.0" {
			t.Errorf("drift %v, upstream %q", r.Drift, r.UpstreamVersion)
		}
	})

	t.Run("https", func(t *testing.T) {
		srv := httptest.NewTLSServer(handler)
		defer srv.Close()
		var stdout, stderr bytes.Buffer
		code := RunWith(context.Background(), &Fetcher{Client: srv.Client()},
			[]string{"-upstream", srv.URL + "/openapi.yaml", "-vendored", vendoredPath}, &stdout, &stderr)
		if code != ExitNoDrift || !strings.HasPrefix(stdout.String(), "no drift") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
		}
	})

	t.Run("https with an untrusted certificate", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(handler)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake error is expected
		srv.StartTLS()
		defer srv.Close()
		res := run(t, "-upstream", srv.URL+"/openapi.yaml", "-vendored", vendoredPath)
		if res.code != ExitUndecided || !strings.Contains(res.stderr, "certificate") {
			t.Errorf("exit %d, stderr %q", res.code, res.stderr)
		}
	})
}

// TestFetchErrors checks that every way a fetch can fail is exit 2 with a
// message that says what happened, and that nothing leaves the loopback.
func TestFetchErrors(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write(bytes.Repeat([]byte("#"), 2048))
		case "/big-declared":
			w.Header().Set("Content-Length", "4096")
			w.WriteHeader(http.StatusOK)
		case "/redirect-to-plain-http":
			http.Redirect(w, r, "http://api.dfns.example/openapi.yaml", http.StatusFound)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		case "/unavailable":
			http.Error(w, "down", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	cases := []struct {
		name string
		f    Fetcher
		src  string
		err  string
	}{
		{"connection refused", Fetcher{}, closedURL + "/openapi.yaml", "offline?"},
		{"404", Fetcher{}, srv.URL + "/missing", "HTTP 404"},
		{"503", Fetcher{}, srv.URL + "/unavailable", "HTTP 503"},
		{"too large", Fetcher{MaxSize: 1024}, srv.URL + "/big", "larger than 1024 bytes"},
		{"too large, declared", Fetcher{MaxSize: 1024}, srv.URL + "/big-declared", "Content-Length 4096"},
		{"timeout", Fetcher{Timeout: 100 * time.Millisecond}, srv.URL + "/slow", "timed out"},
		{"redirect to plain http", Fetcher{}, srv.URL + "/redirect-to-plain-http", "refusing plain http to api.dfns.example"},
		{"plain http off loopback", Fetcher{}, "http://docs.dfns.example/openapi.yaml", "refusing plain http"},
		{"other scheme", Fetcher{}, "ftp://docs.dfns.example/openapi.yaml", `unsupported URL scheme "ftp"`},
		{"file too large", Fetcher{MaxSize: 10}, vendoredPath, "larger than 10 bytes"},
		{"no source", Fetcher{}, "", "no document given"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.f.Fetch(context.Background(), tc.src)
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			}
			if data != nil {
				t.Errorf("got %d bytes with the error", len(data))
			}
		})
	}

	t.Run("exit code", func(t *testing.T) {
		res := run(t, "-upstream", closedURL+"/openapi.yaml", "-vendored", vendoredPath)
		if res.code != ExitUndecided || !strings.Contains(res.stderr, "specdrift: upstream: fetching") {
			t.Errorf("exit %d, stderr %q", res.code, res.stderr)
		}
	})
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"docs.dfns.co": false, "10.0.0.1": false, "localhost.example": false, "": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
