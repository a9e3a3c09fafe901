package dfnsproxy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/internal/specschema"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnsproxy"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// hopByHop are the headers a proxy does not pass on.
var hopByHop = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Te", "Trailer", "Upgrade"}

// sameAnswer checks that the client saw what the upstream sent: status,
// body bytes, the body's end, and every header, plus only the proxy's own.
func sameAnswer(t *testing.T, upstream, client answer) {
	t.Helper()
	if client.status != upstream.status {
		t.Errorf("status %d, upstream sent %d", client.status, upstream.status)
	}
	if !bytes.Equal(client.body, upstream.body) {
		t.Errorf("body of %d bytes, upstream sent %d bytes", len(client.body), len(upstream.body))
	}
	if (client.readErr == nil) != (upstream.readErr == nil) {
		t.Errorf("body read error %v, upstream's %v", client.readErr, upstream.readErr)
	}
	for k, v := range upstream.header {
		if !slices.Contains(hopByHop, k) && !slices.Equal(client.header[k], v) {
			t.Errorf("header %s: %q, upstream sent %q", k, client.header[k], v)
		}
	}
	for k := range client.header {
		if _, ok := upstream.header[k]; !ok && k != dfnsproxy.ViolationsHeader {
			t.Errorf("header %s added", k)
		}
	}
}

// TestFaults runs the proxy in front of the sandbox's faults: the client
// sees the sandbox's answer byte for byte, and the proxy reports, in its log
// and its header, what each one breaks, by mode.
func TestFaults(t *testing.T) {
	sb := newSandbox(t)
	for _, tc := range []struct {
		fault         string
		strict, loose []string // the reports with and without WithStrict
	}{
		{"malformed", []string{"response body json"}, []string{"response body json"}},
		{"truncate", []string{"response body truncated"}, []string{"response body truncated"}},
		{"unknown-kind", []string{"response /kind enum"}, nil},
		{"no-temporary-token", []string{"response /temporaryAuthenticationToken required"}, nil},
		{"oversized", []string{"response body size"}, []string{"response body size"}},
		// A 500 in the Dfns envelope breaks no rule: the client gets an
		// *APIError it can classify. TestErrorEnvelope has one that does.
		{"status=500", nil, nil},
		{"status=503", nil, nil},
	} {
		for _, strict := range []bool{false, true} {
			t.Run(tc.fault+" strict="+strconv.FormatBool(strict), func(t *testing.T) {
				want := tc.loose
				var opts []dfnsproxy.Option
				if strict {
					want = tc.strict
					opts = append(opts, dfnsproxy.WithStrict())
				}
				r := newRig(t, sb.URL, opts...)
				got := r.post(t, specschema.InitPath, initBody("Key", sb.MintCode()), map[string]string{"X-Dfns-Sandbox-Fault": tc.fault})
				sameAnswer(t, r.tap.last(t), got)
				if h := got.header.Get(dfnsproxy.ViolationsHeader); h != joinReports(want) {
					t.Errorf("header %q, want %q", h, joinReports(want))
				}
				r.front.Close() // the log is complete
				if logged := r.violations(t); !slices.Equal(logged, want) {
					t.Errorf("logged %q, want %q", logged, want)
				}
				st := r.proxy.Stats()
				if st.Exchanges != 1 || st.Checked != 1 || st.Violations != len(want) || (st.Flagged == 1) != (len(want) > 0) {
					t.Errorf("stats %+v", st)
				}
			})
		}
	}
}

func joinReports(rs []string) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += ", "
		}
		out += r
	}
	return out
}

// drifted is an upstream that serves the sandbox's answers rewritten by f
// (2xx JSON answers only), as a Dfns that changed would.
func drifted(t *testing.T, f func(path string, m map[string]any)) *httptest.Server {
	t.Helper()
	sb := newSandbox(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		sb.Handler().ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if rec.Code == http.StatusOK && json.Unmarshal(body, &m) == nil {
			f(r.URL.Path, m)
			body, _ = json.Marshal(m)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	// The codes are the sandbox's: mint them through the drifted server.
	mintCode = func(t *testing.T) dfns.OneTimeCode { return sb.MintCode() }
	return srv
}

// mintCode mints a code of the sandbox behind the latest drifted server.
var mintCode func(t *testing.T) dfns.OneTimeCode

// TestDrift serves answers that a newer Dfns might send: they pass quietly
// by default (the client reads them) and are reported with WithStrict.
func TestDrift(t *testing.T) {
	for _, tc := range []struct {
		name   string
		kind   string
		path   string
		body   func(t *testing.T) string
		header map[string]string
		f      func(m map[string]any)
		strict []string
	}{
		{name: "extra property", kind: "Key", path: specschema.InitPath,
			f:      func(m map[string]any) { m["riskScore"] = 3 },
			strict: []string{"note response body additionalProperties"}},
		{name: "extra nested property", kind: "Fido2", path: specschema.InitPath,
			f:      func(m map[string]any) { m["user"].(map[string]any)["avatar"] = "a.png" },
			strict: []string{"note response /user additionalProperties"}},
		{name: "new kind", kind: "Key", path: specschema.InitPath,
			f:      func(m map[string]any) { m["kind"] = "Passkey2" },
			strict: []string{"response /kind enum"}},
		{name: "deprecated token dropped", kind: "Totp", path: specschema.InitPath,
			f:      func(m map[string]any) { delete(m, "temporaryAuthenticationToken") },
			strict: []string{"response /temporaryAuthenticationToken required"}},
		{name: "mint answer with an extra property", path: specschema.MintPath,
			header: map[string]string{"Authorization": "Bearer t"},
			f:      func(m map[string]any) { m["uses"] = 1 },
			strict: []string{"note response body additionalProperties"}},
	} {
		for _, strict := range []bool{false, true} {
			t.Run(tc.name+" strict="+strconv.FormatBool(strict), func(t *testing.T) {
				up := drifted(t, func(path string, m map[string]any) {
					if path == tc.path {
						tc.f(m)
					}
				})
				var opts []dfnsproxy.Option
				var want []string
				if strict {
					opts, want = []dfnsproxy.Option{dfnsproxy.WithStrict()}, tc.strict
				}
				r := newRig(t, up.URL, opts...)
				body := `{"expiration":"` + time.Now().Add(time.Minute).UTC().Format(time.RFC3339) + `"}`
				if tc.kind != "" {
					body = initBody(tc.kind, mintCode(t))
				}
				got := r.post(t, tc.path, body, tc.header)
				if got.status != http.StatusOK {
					t.Fatalf("status %d: %s", got.status, got.body)
				}
				sameAnswer(t, r.tap.last(t), got)
				if h := got.header.Get(dfnsproxy.ViolationsHeader); h != joinReports(want) {
					t.Errorf("header %q, want %q", h, joinReports(want))
				}
				r.front.Close()
				if logged := r.violations(t); !slices.Equal(logged, want) {
					t.Errorf("logged %q, want %q", logged, want)
				}
			})
		}
	}
}

// TestRequests checks the requests against their schemas, in both modes;
// Dfns's answer (here the sandbox's 400) passes as it came.
func TestRequests(t *testing.T) {
	sb := newSandbox(t)
	r := newRig(t, sb.URL)
	code := string(sb.MintCode())
	for _, tc := range []struct {
		path, body string
		want       []string
	}{
		{specschema.InitPath, `{"credentialKind":"Key","code":"` + code + `","extra":1}`, []string{"request body additionalProperties"}},
		{specschema.InitPath, `{"credentialKind":"Passkey","code":"` + code + `"}`, []string{"request /credentialKind enum"}},
		{specschema.InitPath, `{"credentialKind":"Key"`, []string{"request body json"}},
		{specschema.VerifyPath, `{"credentialKind":"Key","credentialName":"n","challengeIdentifier":"c"}`, []string{"request /credentialInfo required"}},
		{specschema.MintPath, `{}`, []string{"request /expiration required"}},
	} {
		got := r.post(t, tc.path, tc.body, nil)
		sameAnswer(t, r.tap.last(t), got)
		if got.status < 400 {
			t.Errorf("%s: status %d", tc.body, got.status)
		}
		if h := got.header.Get(dfnsproxy.ViolationsHeader); h != joinReports(tc.want) {
			t.Errorf("%s: header %q, want %q", tc.body, h, joinReports(tc.want))
		}
	}
}

// TestErrorEnvelope checks error answers against the Dfns envelope, in both
// modes.
func TestErrorEnvelope(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		want                    []string
	}{
		{"plain text 500", "text/plain; charset=utf-8", "Internal Server Error", []string{"response body contentType", "response body json"}},
		{"message at the top", "application/json", `{"message":"boom"}`, []string{"response /error required"}},
		{"error without message", "application/json", `{"error":{"id":"x"}}`, []string{"response /error/message required"}},
		{"in the envelope", "application/json", `{"error":{"message":"boom"}}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(up.Close)
			r := newRig(t, up.URL)
			got := r.post(t, specschema.InitPath, `{"credentialKind":"Key","code":"A"}`, nil)
			sameAnswer(t, r.tap.last(t), got)
			if h := got.header.Get(dfnsproxy.ViolationsHeader); h != joinReports(tc.want) {
				t.Errorf("header %q, want %q", h, joinReports(tc.want))
			}
		})
	}
}

// TestOtherPaths passes every other request unchecked.
func TestOtherPaths(t *testing.T) {
	sb := newSandbox(t)
	r := newRig(t, sb.URL, dfnsproxy.WithStrict())
	for _, path := range []string{"/auth/login", "/wallets"} {
		got := r.post(t, path, `not json`, nil)
		sameAnswer(t, r.tap.last(t), got)
		if got.status != http.StatusNotFound || got.header.Get(dfnsproxy.ViolationsHeader) != "" {
			t.Errorf("%s: %d %q", path, got.status, got.header.Get(dfnsproxy.ViolationsHeader))
		}
	}
	req, _ := http.NewRequest(http.MethodGet, r.front.URL+specschema.InitPath, nil)
	resp, err := r.front.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got := readAnswer(resp)
	sameAnswer(t, r.tap.last(t), got)
	if got.status != http.StatusMethodNotAllowed || got.header.Get(dfnsproxy.ViolationsHeader) != "" {
		t.Errorf("GET init: %d %q", got.status, got.header.Get(dfnsproxy.ViolationsHeader))
	}
	if st := r.proxy.Stats(); st.Exchanges != 3 || st.Checked != 0 {
		t.Errorf("stats %+v", st)
	}
}

// TestUpstreamUnreachable answers 502 in the Dfns envelope, which the client
// reads as an APIError.
func TestUpstreamUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := newRig(t, "http://"+addr)
	got := r.post(t, specschema.InitPath, `{"credentialKind":"Key","extra":1}`, nil)
	checkBadGateway(t, got)
	if h := got.header.Get(dfnsproxy.ViolationsHeader); h != "request body additionalProperties, request /code required" {
		t.Errorf("header %q", h)
	}
	if st := r.proxy.Stats(); st.UpstreamErrors != 1 || st.Exchanges != 1 {
		t.Errorf("stats %+v", st)
	}
}

func checkBadGateway(t *testing.T, got answer) {
	t.Helper()
	if got.status != http.StatusBadGateway {
		t.Fatalf("status %d", got.status)
	}
	env, err := specschema.ErrorEnvelope()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := specschema.Decode(got.body)
	if err != nil {
		t.Fatal(err)
	}
	if vs := env.Validate(doc); vs != nil {
		t.Errorf("the 502 is outside the envelope: %+v", vs)
	}
	apiErr := dfns.ParseAPIError(got.status, got.header, got.body, "")
	if !errors.Is(apiErr, dfns.ErrServer) || apiErr.ID != "proxy_upstream_unreachable" {
		t.Errorf("as the client reads it: %+v", apiErr)
	}
}

// TestTimeout answers 502 when the upstream does not answer within
// WithTimeout.
func TestTimeout(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server notices the connection close
		<-r.Context().Done()               // the proxy gives up and closes the connection
	}))
	t.Cleanup(up.Close)
	r := newRig(t, up.URL, dfnsproxy.WithTimeout(20_000_000)) // 20 ms
	got := r.post(t, specschema.InitPath, `{"credentialKind":"Key","code":"A"}`, nil)
	checkBadGateway(t, got)
	if !bytes.Contains(got.body, []byte("timeout")) {
		t.Errorf("body %s", got.body)
	}
}

// TestNew refuses upstreams the client would refuse, and bad options.
func TestNew(t *testing.T) {
	for _, u := range []string{"http://api.dfns.io", "ftp://127.0.0.1", "https://api.dfns.io?x=1", "https://u:p@api.dfns.io", "api.dfns.io"} {
		_, err := dfnsproxy.New(u)
		var be *dfns.BaseURLError
		if !errors.As(err, &be) {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"https://api.dfns.io", "http://127.0.0.1:1", "http://[::1]:8080/prefix"} {
		if _, err := dfnsproxy.New(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, o := range []dfnsproxy.Option{dfnsproxy.WithLogger(nil), dfnsproxy.WithTransport(nil), dfnsproxy.WithMaxBodyBytes(0),
		dfnsproxy.WithTimeout(-1), dfnsproxy.WithRecordDir("")} {
		if _, err := dfnsproxy.New("https://api.dfns.io", o); err == nil {
			t.Error("a bad option passed")
		}
	}
}

// TestGzip checks a gzip answer (the client asked for it) without changing
// it.
func TestGzip(t *testing.T) {
	up := drifted(t, func(_ string, m map[string]any) { delete(m, "challenge") })
	gz := httptest.NewServer(gzipped(up.Config.Handler))
	t.Cleanup(gz.Close)
	r := newRig(t, gz.URL)
	got := r.post(t, specschema.InitPath, initBody("Key", mintCode(t)), map[string]string{"Accept-Encoding": "gzip"})
	sameAnswer(t, r.tap.last(t), got)
	if got.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("not gzip: %v", got.header)
	}
	if h := got.header.Get(dfnsproxy.ViolationsHeader); h != "response /challenge required" {
		t.Errorf("header %q", h)
	}
}

// TestUpstreamTLS answers 502 "TLS failure" when the upstream's certificate
// is not trusted, and proxies when it is.
func TestUpstreamTLS(t *testing.T) {
	sb := dfnstest.NewTLSServer()
	t.Cleanup(sb.Close)
	p, err := dfnsproxy.New(sb.URL)
	if err != nil {
		t.Fatal(err)
	}
	front := newFront(t, p)
	resp, err := http.Post(front+specschema.InitPath, "application/json", strings.NewReader(initBody("Key", sb.MintCode())))
	if err != nil {
		t.Fatal(err)
	}
	got := readAnswer(resp)
	checkBadGateway(t, got)
	if !bytes.Contains(got.body, []byte("TLS failure")) {
		t.Errorf("body %s", got.body)
	}
	trusted, err := dfnsproxy.New(sb.URL, dfnsproxy.WithTransport(sb.Client().Transport))
	if err != nil {
		t.Fatal(err)
	}
	resp, err = http.Post(newFront(t, trusted)+specschema.InitPath, "application/json", strings.NewReader(initBody("Key", sb.MintCode())))
	if err != nil {
		t.Fatal(err)
	}
	if got := readAnswer(resp); got.status != http.StatusOK || got.header.Get(dfnsproxy.ViolationsHeader) != "" {
		t.Errorf("%d %s", got.status, got.body)
	}
}

// TestBodyBound passes bodies longer than WithMaxBodyBytes on whole,
// unchecked, and says so.
func TestBodyBound(t *testing.T) {
	sb := newSandbox(t)
	r := newRig(t, sb.URL, dfnsproxy.WithMaxBodyBytes(16))
	got := r.post(t, specschema.InitPath, initBody("Key", sb.MintCode()), nil)
	if got.status != http.StatusOK {
		t.Fatalf("the sandbox did not get the whole request: %d %s", got.status, got.body)
	}
	sameAnswer(t, r.tap.last(t), got)
	if h := got.header.Get(dfnsproxy.ViolationsHeader); h != "request body size, response body size" {
		t.Errorf("header %q", h)
	}
	r.front.Close()
	if !strings.Contains(r.logs.String(), `"want":"at most 16 bytes"`) {
		t.Errorf("log %s", r.logs.String())
	}
}
