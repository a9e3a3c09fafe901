package dfnstest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRequestsNeverHoldACode sends codes in every place a client might,
// and searches every record and log line for every code.
func TestRequestsNeverHoldACode(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := newServer(t, dfnstest.WithFaults(), dfnstest.WithLogger(logger))
	c := newClient(t, srv)
	var codes []string
	mint := func() dfns.OneTimeCode {
		code := srv.MintCode()
		codes = append(codes, string(code))
		return code
	}
	ctx := context.Background()

	used := mint()
	if _, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindFido2, used); err != nil {
		t.Fatal(err)
	}
	_, _ = c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, used) // 401
	for _, body := range []string{
		`{"credentialKind":"Key","code":"` + string(mint()) + `"`,                     // malformed
		`{"credentialKind":"Key","code":"` + string(mint()) + `","x":1}`,              // extra property
		`{"credentialKind":"` + string(mint()) + `","code":"` + string(mint()) + `"}`, // code as kind
		`{"credentialKind":"Key","Code":"` + string(mint()) + `"}`,                    // case
		`{"credentialKind":"Key","code":"` + strings.ToLower(string(mint())) + `"}`,   // lower case
		`{"credentialKind":"Key","nested":{"code":"` + string(mint()) + `"}}`,         // nested
		`{"credentialKind":"Key","code":["` + string(mint()) + `"]}`,                  // array
		`{"credentialKind":"Key","c\u006fde":"` + string(mint()) + `"}`,               // escaped key
		`{"credentialKind":"Key","code":"` + string(mint()) + `"} trailing`,           // trailing data
		"credentialKind=Key&code=" + string(mint()),                                   // a form
		string(mint()), // bare
	} {
		do(t, srv, http.MethodPost, initPath, "application/json", body)
	}
	do(t, srv, http.MethodPost, initPath, "text/plain", initBody(dfns.CredentialKindKey, mint()))
	do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, mint()), dfnstest.FaultHeader, "status=500")
	do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, mint()), dfnstest.FaultHeader, string(mint()))
	do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, mint()), "User-Agent", "agent "+string(mint()))
	do(t, srv, http.MethodGet, "/auth/"+string(mint()), "", "")
	_, _ = redeem(faultClient(t, srv, "reset-after-body"), mint())

	// Codes minted over HTTP are in answers, never in records.
	for range 2 {
		a := do(t, srv, http.MethodPost, mintPath, "", "", "Authorization", "Bearer secret-token")
		var m map[string]string
		_ = json.Unmarshal(a.body, &m)
		codes = append(codes, m["code"])
		_, _ = c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, dfns.OneTimeCode(m["code"]))
	}

	reqs := srv.Requests()
	if len(reqs) < 20 {
		t.Fatalf("%d records", len(reqs))
	}
	for _, r := range reqs {
		dump := r.Method + " " + r.Path + " " + r.Body + " " + r.Reason + " " + r.Fault
		for k, vs := range r.Header {
			dump += " " + k + ": " + strings.Join(vs, ",")
		}
		for _, code := range codes {
			for _, v := range []string{code, strings.ToLower(code), strings.ReplaceAll(code, "-", "")} {
				if strings.Contains(dump, v) {
					t.Errorf("a record holds a code: %s", dump)
				}
			}
		}
		if strings.Contains(dump, "secret-token") {
			t.Errorf("a record holds the bearer token: %s", dump)
		}
	}
	log := logs.String()
	if !strings.Contains(log, "dfnstest request") {
		t.Fatal("nothing logged")
	}
	for _, code := range codes {
		if strings.Contains(log, code) || strings.Contains(log, strings.ToLower(code)) {
			t.Errorf("the log holds a code:\n%s", log)
		}
	}
	if strings.Contains(log, "secret-token") {
		t.Error("the log holds the bearer token")
	}

	// What a record keeps.
	first := reqs[0]
	if first.Method != http.MethodPost || first.Path != initPath || first.Status != http.StatusOK ||
		first.Body != `{"code":"[REDACTED]","credentialKind":"Fido2"}` && first.Body != `{"credentialKind":"Fido2","code":"[REDACTED]"}` ||
		first.Header.Get("Content-Type") != "application/json" || !strings.HasPrefix(first.Header.Get("User-Agent"), "dfns-go/") ||
		first.Time.IsZero() {
		t.Errorf("first record %+v", first)
	}
}

// TestResetRequests checks ResetRequests and that Requests returns copies.
func TestResetRequests(t *testing.T) {
	srv := newServer(t)
	do(t, srv, http.MethodGet, "/nope", "", "")
	reqs := srv.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d records", len(reqs))
	}
	reqs[0].Header.Set("User-Agent", "changed")
	if srv.Requests()[0].Header.Get("User-Agent") == "changed" {
		t.Error("Requests shares its headers")
	}
	srv.ResetRequests()
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d records after ResetRequests", n)
	}
}
