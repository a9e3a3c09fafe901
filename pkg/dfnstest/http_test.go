package dfnstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

type wantDetail struct{ pointer, rule string }

// TestInitBadRequests checks every 400 of init: the envelope, the details,
// and that no submitted value comes back.
func TestInitBadRequests(t *testing.T) {
	srv := newServer(t)
	cases := []struct {
		name    string
		body    string
		want    []wantDetail
		secrets []string // submitted values that must not come back
	}{
		{"empty body", "", []wantDetail{{"", "required"}}, nil},
		{"blank body", " \n\t", []wantDetail{{"", "required"}}, nil},
		{"null", "null", []wantDetail{{"", "type"}}, nil},
		{"array", `["SECRET-ARRAY"]`, []wantDetail{{"", "type"}}, []string{"SECRET-ARRAY"}},
		{"string", `"SECRET-STRING"`, []wantDetail{{"", "type"}}, []string{"SECRET-STRING"}},
		{"malformed", `{"credentialKind":"Key","code":"SEC-RET-XYZ"`, []wantDetail{{"", "json"}}, []string{"SEC-RET-XYZ"}},
		{"trailing data", `{"credentialKind":"Key","code":"SEC-RET-XYZ"} {"x":"TRAILER"}`, []wantDetail{{"", "json"}}, []string{"SEC-RET-XYZ", "TRAILER"}},
		{"unknown kind", `{"credentialKind":"Passkey9","code":"SEC-RET-XYZ"}`, []wantDetail{{"/credentialKind", "enum"}}, []string{"Passkey9", "SEC-RET-XYZ"}},
		{"kind of wrong type", `{"credentialKind":12345,"code":"SEC-RET-XYZ"}`, []wantDetail{{"/credentialKind", "enum"}}, []string{"12345", "SEC-RET-XYZ"}},
		{"code of wrong type", `{"credentialKind":"Key","code":987654}`, []wantDetail{{"/code", "type"}}, []string{"987654"}},
		{"code as object", `{"credentialKind":"Key","code":{"v":"SEC-RET-XYZ"}}`, []wantDetail{{"/code", "type"}}, []string{"SEC-RET-XYZ"}},
		{"empty code", `{"credentialKind":"Key","code":""}`, []wantDetail{{"/code", "minLength"}}, nil},
		{"missing code", `{"credentialKind":"Key"}`, []wantDetail{{"/code", "required"}}, nil},
		{"missing kind", `{"code":"SEC-RET-XYZ"}`, []wantDetail{{"/credentialKind", "required"}}, []string{"SEC-RET-XYZ"}},
		{"empty object", `{}`, []wantDetail{{"/credentialKind", "required"}, {"/code", "required"}}, nil},
		{"extra property", `{"credentialKind":"Key","code":"SEC-RET-XYZ","smuggledKey":"SMUGGLED-VALUE"}`,
			[]wantDetail{{"", "additionalProperties"}}, []string{"smuggledKey", "SMUGGLED-VALUE", "SEC-RET-XYZ"}},
		{"code in another case", `{"credentialKind":"Key","Code":"SEC-RET-XYZ"}`,
			[]wantDetail{{"", "additionalProperties"}, {"/code", "required"}}, []string{"SEC-RET-XYZ"}},
		{"null kind", `{"credentialKind":null,"code":"SEC-RET-XYZ"}`, []wantDetail{{"/credentialKind", "enum"}}, []string{"SEC-RET-XYZ"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, srv, http.MethodPost, initPath, "application/json", tc.body)
			e := checkEnvelope(t, a, http.StatusBadRequest, "request_invalid")
			var got []wantDetail
			for _, d := range e.Error.Details {
				got = append(got, wantDetail{d.Pointer, d.Rule})
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("details %v, want %v", got, tc.want)
			}
			for _, s := range tc.secrets {
				if strings.Contains(string(a.body), s) {
					t.Errorf("the answer echoes %q: %s", s, a.body)
				}
			}
			r := lastRequest(t, srv.Sandbox)
			if r.Status != http.StatusBadRequest || !strings.HasPrefix(r.Reason, "invalid request") {
				t.Errorf("record %+v", r)
			}
			for _, s := range tc.secrets {
				if strings.Contains(r.Reason, s) {
					t.Errorf("the reason echoes %q: %s", s, r.Reason)
				}
			}
		})
	}
}

// TestInitContentType checks 415 for anything but application/json.
func TestInitContentType(t *testing.T) {
	srv := newServer(t)
	code := srv.MintCode()
	body := initBody(dfns.CredentialKindKey, code)
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx", "application/json; charset"} {
		checkEnvelope(t, do(t, srv, http.MethodPost, initPath, ct, body), http.StatusUnsupportedMediaType, "unsupported_media_type")
	}
	// The code was not consumed by the refused requests.
	if a := do(t, srv, http.MethodPost, initPath, "application/json; charset=utf-8", body); a.status != http.StatusOK {
		t.Errorf("with charset: %d %s", a.status, a.body)
	}
}

// TestMethodsAndPaths checks 405 with Allow, and 404.
func TestMethodsAndPaths(t *testing.T) {
	srv := newServer(t)
	for _, p := range []string{initPath, mintPath} {
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
			a := do(t, srv, m, p, "", "")
			checkEnvelope(t, a, http.StatusMethodNotAllowed, "method_not_allowed")
			if a.header.Get("Allow") != http.MethodPost {
				t.Errorf("%s %s: Allow %q", m, p, a.header.Get("Allow"))
			}
		}
	}
	for _, p := range []string{"/", "/nope", initPath + "/", initPath + "/x", "/auth/credentials", "/auth//credentials/code/init", "/auth/credentials/code/../code/init"} {
		checkEnvelope(t, do(t, srv, http.MethodPost, p, "application/json", `{}`), http.StatusNotFound, "not_found")
	}
}

// TestBodyTooLarge checks 413, announced or streamed.
func TestBodyTooLarge(t *testing.T) {
	srv := newServer(t)
	big := `{"credentialKind":"Key","code":"` + strings.Repeat("A", 70<<10) + `"}`
	checkEnvelope(t, do(t, srv, http.MethodPost, initPath, "application/json", big), http.StatusRequestEntityTooLarge, "body_too_large")
	checkEnvelope(t, do(t, srv, http.MethodPost, mintPath, "application/json", big, "Authorization", "Bearer t"), http.StatusRequestEntityTooLarge, "body_too_large")

	// Without Content-Length (chunked): the limit is found while reading.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+initPath, io.MultiReader(strings.NewReader(big)))
	req.Header.Set("Content-Type", "application/json")
	req.ContentLength = -1
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	checkEnvelope(t, answer{resp.StatusCode, resp.Header, b}, http.StatusRequestEntityTooLarge, "body_too_large")

	// 64 KiB exactly is fine (and a 401 for this unknown code).
	exact := `{"credentialKind":"Key","code":"`
	exact += strings.Repeat("A", 64<<10-len(exact)-2) + `"}`
	checkEnvelope(t, do(t, srv, http.MethodPost, initPath, "application/json", exact), http.StatusUnauthorized, "code_invalid")
}

// TestMint checks POST /auth/credentials/code.
func TestMint(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock))
	auth := []string{"Authorization", "Bearer some-token"}

	// Authentication: any non-empty bearer token.
	for _, h := range []string{"", "Bearer", "Bearer  ", "Basic dXNlcjpwYXNz", "bearertoken"} {
		a := do(t, srv, http.MethodPost, mintPath, "", "", "Authorization", h)
		checkEnvelope(t, a, http.StatusUnauthorized, "unauthorized")
	}

	mint := func(body string) (code, expiration string) {
		t.Helper()
		ct := ""
		if body != "" {
			ct = "application/json"
		}
		a := do(t, srv, http.MethodPost, mintPath, ct, body, auth...)
		if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/json" || a.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("%s: %d %v %s", body, a.status, a.header, a.body)
		}
		var m map[string]string
		dec := json.NewDecoder(strings.NewReader(string(a.body)))
		if err := dec.Decode(&m); err != nil || len(m) != 2 {
			t.Fatalf("answer %s: %v", a.body, err)
		}
		if !codePattern.MatchString(m["code"]) {
			t.Errorf("code %q", m["code"])
		}
		return m["code"], m["expiration"]
	}
	if _, exp := mint(""); exp != "2026-11-24T12:01:00.000Z" {
		t.Errorf("default expiration %q", exp)
	}
	if _, exp := mint(`{}`); exp != "2026-11-24T12:01:00.000Z" {
		t.Errorf("{} expiration %q", exp)
	}
	if _, exp := mint(`{"expiration":"2026-11-24T13:30:00+01:00"}`); exp != "2026-11-24T12:30:00.000Z" {
		t.Errorf("ISO expiration %q", exp)
	}
	unix := strconv.FormatInt(fixedTime.Add(90*time.Second).Unix(), 10)
	if _, exp := mint(`{"expiration":` + unix + `}`); exp != "2026-11-24T12:01:30.000Z" {
		t.Errorf("Unix expiration %q", exp)
	}

	for body, want := range map[string]wantDetail{
		`{"expiration":"2026-11-24T11:59:59Z"}`:            {"/expiration", "minimum"},
		`{"expiration":"2026-11-25T12:00:01Z"}`:            {"/expiration", "maximum"},
		`{"expiration":1}`:                                 {"/expiration", "minimum"},
		`{"expiration":1795000000000}`:                     {"/expiration", "maximum"},
		`{"expiration":"tomorrow SECRET"}`:                 {"/expiration", "format"},
		`{"expiration":true}`:                              {"/expiration", "type"},
		`{"expiration":null}`:                              {"/expiration", "type"},
		`{"expiration":"2026-11-24T12:30:00Z","x":"LEAK"}`: {"", "additionalProperties"},
		`["LEAK"]`:       {"", "type"},
		`{"expiration":`: {"", "json"},
	} {
		e := checkEnvelope(t, do(t, srv, http.MethodPost, mintPath, "application/json", body, auth...), http.StatusBadRequest, "request_invalid")
		if len(e.Error.Details) != 1 || e.Error.Details[0].Pointer != want.pointer || e.Error.Details[0].Rule != want.rule {
			t.Errorf("%s: details %+v, want %v", body, e.Error.Details, want)
		}
		if strings.Contains(fmt.Sprint(e), "LEAK") || strings.Contains(fmt.Sprint(e), "SECRET") {
			t.Errorf("%s: echoed: %+v", body, e)
		}
	}
	checkEnvelope(t, do(t, srv, http.MethodPost, mintPath, "text/plain", `{}`, auth...), http.StatusUnsupportedMediaType, "unsupported_media_type")

	// A minted code works, and codes of one token are for one user.
	c := newClient(t, srv)
	user := func(token string) string {
		t.Helper()
		a := do(t, srv, http.MethodPost, mintPath, "", "", "Authorization", "Bearer "+token)
		var m map[string]string
		_ = json.Unmarshal(a.body, &m)
		ch, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, dfns.OneTimeCode(m["code"]))
		if err != nil {
			t.Fatal(err)
		}
		return ch.User().ID
	}
	if a, b, other := user("alpha"), user("alpha"), user("beta"); a != b || a == other {
		t.Errorf("users %s %s %s", a, b, other)
	}
	for _, r := range srv.Requests() {
		if r.Path == mintPath && r.Header.Get("Authorization") != "" && r.Header.Get("Authorization") != dfnstest.Redacted {
			t.Errorf("recorded Authorization %q", r.Header.Get("Authorization"))
		}
		if r.Path == mintPath && r.Status == http.StatusOK && r.Header.Get("Authorization") != dfnstest.Redacted {
			t.Errorf("Authorization not recorded: %+v", r)
		}
	}
}
