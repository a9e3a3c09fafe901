package dfns_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// How the client reads a response body: the size limit, truncation, and
// bodies that are not JSON.

func TestResponseSizeLimit(t *testing.T) {
	body := responseFixture(t, "key")
	size := int64(len(body))
	announced := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}
	chunked := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body[:10])
		w.(http.Flusher).Flush() // headers go out without a Content-Length
		_, _ = w.Write(body[10:])
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		limit   int64
		tooBig  bool
	}{
		{"announced, at the limit", announced, size, false},
		{"announced, one byte over", announced, size - 1, true},
		{"announced, far over", announced, 16, true},
		{"chunked, at the limit", chunked, size, false},
		{"chunked, one byte over", chunked, size - 1, true},
		{"chunked, far over", chunked, 16, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeDfns(t, tt.handler)
			ch, err := redeem(newTestClient(t, srv.URL, dfns.WithMaxResponseBytes(tt.limit)), dfns.CredentialKindKey)
			if !tt.tooBig {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				if _, ok := ch.(*dfns.KeyChallenge); !ok {
					t.Fatalf("got %T, want *KeyChallenge", ch)
				}
				return
			}
			if !errors.Is(err, dfns.ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
			if ch != nil {
				t.Errorf("challenge = %v, want nil", ch)
			}
		})
	}
}

// The limit stops the read: an endless body, or a huge announced one that
// never comes, fails at once instead of at the timeout.
func TestResponseSizeLimitStopsReading(t *testing.T) {
	endless := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := bytes.Repeat([]byte(" "), 512)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"endless chunked body", endless},
		{"1 GiB announced, never sent", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *fakeDfns
			if tt.handler != nil {
				srv = newFakeDfns(t, tt.handler)
			} else {
				srv = newHeadersThenBlockDfns(t, http.Header{"Content-Length": {"1073741824"}})
			}
			c := newTestClient(t, srv.URL, dfns.WithMaxResponseBytes(4096), dfns.WithTimeout(10*time.Second))
			start := time.Now()
			_, err := redeem(c, dfns.CredentialKindKey)
			if !errors.Is(err, dfns.ErrResponseTooLarge) {
				t.Fatalf("err = %v, want ErrResponseTooLarge", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v: the client kept reading", d)
			}
		})
	}
}

// newHeadersThenBlockDfns sends 200 with header and then blocks until the
// client goes away or the test ends.
func newHeadersThenBlockDfns(t *testing.T, header http.Header) *fakeDfns {
	t.Helper()
	release := make(chan struct{})
	f := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		for k, v := range header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("{"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) })
	return f
}

// rawServer serves one canned HTTP/1.1 response per connection on a raw
// listener, then closes the connection: a way to send a body shorter than
// its Content-Length.
func rawServer(t *testing.T, response string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err == nil {
				_, _ = io.Copy(io.Discard, req.Body)
				_, _ = io.WriteString(conn, response)
			}
			conn.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestTruncatedBody(t *testing.T) {
	body := responseFixture(t, "key")
	half := string(body[:len(body)/2])
	t.Run("raw listener", func(t *testing.T) {
		base := rawServer(t, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "+
			strconv.Itoa(len(body))+"\r\n\r\n"+half)
		_, err := redeem(newTestClient(t, base), dfns.CredentialKindKey)
		assertTruncated(t, err)
	})
	t.Run("hijacked connection", func(t *testing.T) {
		srv := newFakeDfns(t, func(w http.ResponseWriter, _ *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
				strconv.Itoa(len(body)) + "\r\n\r\n" + half)
			_ = buf.Flush()
		})
		_, err := redeem(newTestClient(t, srv.URL), dfns.CredentialKindKey)
		assertTruncated(t, err)
	})
}

func assertTruncated(t *testing.T, err error) {
	t.Helper()
	var de *dfns.DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v (%T), want *DecodeError", err, err)
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want it to wrap io.ErrUnexpectedEOF", err)
	}
	if de.StatusCode != http.StatusOK {
		t.Errorf("StatusCode = %d, want 200", de.StatusCode)
	}
}

func TestUndecodableBodies(t *testing.T) {
	key := responseFixture(t, "key")
	long := bytes.Repeat([]byte("<p>not json at all</p>"), 20)
	echo := []byte("<html>we got your code " + string(testCode) + " thanks</html>")
	tests := []struct {
		name        string
		contentType string
		body        []byte
	}{
		{"HTML body", "text/html", long},
		{"JSON body as text/html", "text/html; charset=utf-8", key},
		{"no content type", "", key},
		{"truncated JSON", "application/json", key[:len(key)-3]},
		{"empty body", "application/json", nil},
		{"echo of the code", "text/plain", echo},
		{"echo of the code as bad JSON", "application/json", echo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType == "" {
					w.Header()["Content-Type"] = nil // stop net/http sniffing one
				}
				replyWith(http.StatusOK, tt.contentType, tt.body)(w, r)
			})
			_, err := redeem(newTestClient(t, srv.URL), dfns.CredentialKindKey)
			var de *dfns.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v (%T), want *DecodeError", err, err)
			}
			if de.StatusCode != http.StatusOK || de.ContentType != tt.contentType {
				t.Errorf("StatusCode=%d ContentType=%q, want 200 and %q", de.StatusCode, de.ContentType, tt.contentType)
			}
			if n := len(strings.TrimSuffix(de.Snippet, "…")); n > 64 {
				t.Errorf("Snippet is %d bytes, want at most 64: %q", n, de.Snippet)
			}
			if len(tt.body) > 64 && !strings.HasSuffix(de.Snippet, "…") {
				t.Errorf("Snippet of a long body lacks the ellipsis: %q", de.Snippet)
			}
			if !bytes.Contains(tt.body, []byte(testCode)) && !bytes.HasPrefix(tt.body, []byte(strings.TrimSuffix(de.Snippet, "…"))) {
				t.Errorf("Snippet %q is not the start of the body", de.Snippet)
			}
			assertNoCode(t, err)
			if strings.Contains(de.Snippet, string(testCode)) {
				t.Errorf("Snippet holds the code: %q", de.Snippet)
			}
		})
	}
}

// An error page over the limit still says what went wrong: its status class
// survives, and nothing of its body is read into the error.
func TestOversizedErrorKeepsItsClass(t *testing.T) {
	page := []byte(strings.Repeat("<p>Bad Gateway</p>", 1000))
	srv := newFakeDfns(t, replyWith(http.StatusBadGateway, "text/html", page))
	_, err := redeem(newTestClient(t, srv.URL, dfns.WithMaxResponseBytes(1024)), dfns.CredentialKindKey)
	var apiErr *dfns.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, dfns.ErrServer) {
		t.Fatalf("err = %v, want an *APIError of class ErrServer", err)
	}
	if apiErr.StatusCode != http.StatusBadGateway || apiErr.Message != http.StatusText(http.StatusBadGateway) {
		t.Errorf("APIError = %+v", apiErr)
	}
}

// APIError.Error() stays a short sentence however long the server's message;
// the Message field keeps all of it.
func TestAPIErrorMessageBounded(t *testing.T) {
	long := strings.Repeat("é", 500)
	e := &dfns.APIError{StatusCode: http.StatusBadRequest, Message: long}
	if got := e.Error(); len(got) > 300 || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("Error() = %d bytes, valid UTF-8 %v: %q", len(got), utf8.ValidString(got), got)
	}
	if e.Message != long {
		t.Error("Message was modified")
	}
}
