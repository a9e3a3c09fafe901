package app_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/examples/passkey/app"
	"github.com/dfnskit/dfns-go/internal/webauthntest"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

const origin = "http://localhost:8080"

// newApp serves the App against a sandbox for origin; mint says whether
// the App mints codes itself.
func newApp(t *testing.T, mint bool) (*httptest.Server, *dfnstest.Server) {
	t.Helper()
	sb := dfnstest.NewServer(dfnstest.WithRelyingParty(dfns.RelyingParty{ID: "localhost", Name: "Test"}), dfnstest.WithOrigins(origin))
	t.Cleanup(sb.Close)
	c, err := dfns.New(dfns.WithBaseURL(sb.URL), dfns.WithHTTPClient(sb.Client()), dfns.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	cfg := app.Config{Client: c}
	if mint {
		cfg.MintCode = func() dfns.OneTimeCode { return sb.MintCode() }
	}
	srv := httptest.NewServer(app.New(cfg))
	t.Cleanup(srv.Close)
	return srv, sb
}

func post(t *testing.T, srv *httptest.Server, path string, body any) (int, map[string]json.RawMessage) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := srv.Client().Post(srv.URL+path, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: answer not a JSON object: %v", path, err)
	}
	return resp.StatusCode, out
}

// options starts a registration and returns its id and the options'
// challenge (base64url, as the browser puts it in clientDataJSON).
func options(t *testing.T, srv *httptest.Server, body any) (string, string) {
	t.Helper()
	status, out := post(t, srv, "/register/options", body)
	if status != http.StatusOK {
		t.Fatalf("options: %d %s", status, out["error"])
	}
	var id string
	var pk struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
	}
	if json.Unmarshal(out["registrationId"], &id) != nil || json.Unmarshal(out["publicKey"], &pk) != nil || id == "" || pk.Challenge == "" || pk.RP.ID != "localhost" {
		t.Fatalf("options answer %s", out)
	}
	return id, pk.Challenge
}

// browserAnswer is PublicKeyCredential.toJSON() of a software authenticator.
func browserAnswer(t *testing.T, challenge string, flags byte) json.RawMessage {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := webauthntest.New(key, "localhost")
	a.Flags = flags
	cdj := webauthntest.ClientDataJSON("webauthn.create", challenge, origin)
	return webauthntest.BrowserJSON(a.CredID, cdj, a.Attest(t, "packed", cdj))
}

// TestRegister: options then finish register a passkey; a refused finish
// keeps the registration, so that the page may try again.
func TestRegister(t *testing.T) {
	srv, sb := newApp(t, true)
	id, challenge := options(t, srv, map[string]string{})

	status, out := post(t, srv, "/register/finish", map[string]any{"registrationId": id, "name": "laptop", "credential": browserAnswer(t, challenge, 0x41)})
	if status != http.StatusBadRequest || !strings.Contains(string(out["details"]), "userVerification") {
		t.Fatalf("not verified: %d %s", status, out)
	}
	status, out = post(t, srv, "/register/finish", map[string]any{"registrationId": id, "name": "laptop", "credential": browserAnswer(t, challenge, webauthntest.FlagsUPUVAT)})
	if status != http.StatusOK {
		t.Fatalf("finish: %d %s", status, out)
	}
	var cred dfns.Credential
	b, _ := json.Marshal(out)
	if err := json.Unmarshal(b, &cred); err != nil || cred.Name != "laptop" || cred.Origin != origin {
		t.Errorf("credential %s (%v)", b, err)
	}
	if n := len(sb.Credentials()); n != 1 {
		t.Errorf("%d credentials registered", n)
	}
	// Registered: the registration is gone.
	if status, _ := post(t, srv, "/register/finish", map[string]any{"registrationId": id, "credential": browserAnswer(t, challenge, webauthntest.FlagsUPUVAT)}); status != http.StatusNotFound {
		t.Errorf("finish again: %d, want 404", status)
	}
}

// TestErrors: what the page is told when something is wrong, never with
// the code in it.
func TestErrors(t *testing.T) {
	srv, sb := newApp(t, false)
	code := string(sb.MintCode())
	post(t, srv, "/register/options", map[string]string{"code": code}) // consumes it
	for name, tc := range map[string]struct {
		path   string
		body   any
		status int
	}{
		"no code without a sandbox": {"/register/options", map[string]string{}, http.StatusBadRequest},
		"a used code":               {"/register/options", map[string]string{"code": code}, http.StatusUnauthorized},
		"not JSON":                  {"/register/options", "[", http.StatusBadRequest},
		"unknown registration":      {"/register/finish", map[string]any{"registrationId": "nope", "credential": map[string]any{}}, http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			status, out := post(t, srv, tc.path, tc.body)
			if status != tc.status || len(out["error"]) < 3 {
				t.Errorf("%d %s, want %d with an error", status, out, tc.status)
			}
			for _, v := range out {
				if strings.Contains(string(v), code) {
					t.Errorf("the answer repeats the code: %s", out)
				}
			}
		})
	}
	t.Run("a credential that is not one", func(t *testing.T) {
		srv, _ := newApp(t, true)
		id, _ := options(t, srv, map[string]string{})
		status, out := post(t, srv, "/register/finish", map[string]any{"registrationId": id, "credential": map[string]any{"id": "x"}})
		if status != http.StatusBadRequest {
			t.Errorf("%d %s", status, out)
		}
	})
}

// TestPage: the page, its script, and headers that keep it to its origin.
func TestPage(t *testing.T) {
	srv, _ := newApp(t, true)
	for path, want := range map[string]string{"/": `src="passkey.js"`, "/passkey.js": "parseCreationOptionsFromJSON"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		buf := new(strings.Builder)
		_, _ = io.Copy(buf, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") != "default-src 'self'" {
			t.Errorf("%s: %d %v", path, resp.StatusCode, resp.Header)
		}
		if !strings.Contains(buf.String(), want) {
			t.Errorf("%s lacks %s", path, want)
		}
	}
}
