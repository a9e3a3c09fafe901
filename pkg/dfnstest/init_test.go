//lint:file-ignore SA1019 the tests cover the deprecated kinds and token too.

package dfnstest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

var (
	userIDPattern       = regexp.MustCompile(`^us-[0-9a-z]{20}$`)
	credentialIDPattern = regexp.MustCompile(`^cr-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{14,16}$`)
	challengeIDPattern  = regexp.MustCompile(`^ch-[0-9a-v]{26}$`)
)

// TestInitEveryKind redeems a code for each kind through the client and
// checks the Go type, the content, and the raw body with ParseChallengeStrict.
func TestInitEveryKind(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, dfns.WithStrictValidation())
	for _, kind := range dfns.CredentialKinds() {
		t.Run(string(kind), func(t *testing.T) {
			code := srv.MintCode()
			ch, err := c.CreateCredentialChallengeWithCode(context.Background(), kind, code)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Kind() != kind {
				t.Errorf("kind %q", ch.Kind())
			}
			checkCommon(t, ch, code)
			switch ch := ch.(type) {
			case *dfns.Fido2Challenge:
				if kind != dfns.CredentialKindFido2 {
					t.Fatalf("%T for %s", ch, kind)
				}
				checkChallenge(t, ch.Challenge)
				checkParams(t, ch.PubKeyCredParams)
				if ch.Attestation != gen.AttestationConveyanceDirect {
					t.Errorf("attestation %q", ch.Attestation)
				}
				sel := ch.AuthenticatorSelection
				if sel.ResidentKey != gen.ResidentKeyRequirementRequired || !sel.RequireResidentKey ||
					sel.UserVerification != gen.UserVerificationRequirementRequired || sel.AuthenticatorAttachment != nil {
					t.Errorf("authenticatorSelection %+v", sel)
				}
				if ch.ExcludeCredentials == nil || len(ch.ExcludeCredentials) > 2 {
					t.Errorf("excludeCredentials %v", ch.ExcludeCredentials)
				}
				for _, d := range ch.ExcludeCredentials {
					if !credentialIDPattern.MatchString(d.ID) || d.Type != gen.PublicKeyCredentialTypePublicKey {
						t.Errorf("excludeCredentials entry %+v", d)
					}
				}
			case *dfns.KeyChallenge:
				wantKind(t, kind, dfns.CredentialKindKey)
				checkChallenge(t, ch.Challenge)
				checkParams(t, ch.PubKeyCredParams, -7, -8, -257) // Key may be Ed25519 too
				checkAttestationNone(t, ch.Attestation)
			case *dfns.PasswordProtectedKeyChallenge:
				wantKind(t, kind, dfns.CredentialKindPasswordProtectedKey)
				checkChallenge(t, ch.Challenge)
				checkParams(t, ch.PubKeyCredParams, -7) // the SDKs wrap P-256 keys only
				checkAttestationNone(t, ch.Attestation)
			case *dfns.RecoveryKeyChallenge:
				wantKind(t, kind, dfns.CredentialKindRecoveryKey)
				checkChallenge(t, ch.Challenge)
				checkParams(t, ch.PubKeyCredParams, -7) // the SDKs wrap P-256 keys only
				checkAttestationNone(t, ch.Attestation)
			case *dfns.PasswordChallenge:
				wantKind(t, kind, dfns.CredentialKindPassword)
			case *dfns.TotpChallenge:
				wantKind(t, kind, dfns.CredentialKindTotp)
				u, err := url.Parse(ch.OtpURL)
				if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") == "" ||
					u.Query().Get("issuer") != dfnstest.DefaultRPName {
					t.Errorf("otpUrl %q", ch.OtpURL)
				}
			default:
				t.Fatalf("unexpected %T", ch)
			}

			// The raw answer passes the client's strict rules too.
			a := do(t, srv, http.MethodPost, initPath, "application/json", initBody(kind, srv.MintCode()))
			if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/json" {
				t.Fatalf("status %d %q: %s", a.status, a.header.Get("Content-Type"), a.body)
			}
			raw, err := dfns.ParseChallengeStrict(a.body)
			if err != nil {
				t.Fatalf("ParseChallengeStrict: %v", err)
			}
			if raw.Kind() != kind {
				t.Errorf("raw kind %q", raw.Kind())
			}
			if a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", a.header.Get("Cache-Control"))
			}
		})
	}
}

func wantKind(t *testing.T, got, want dfns.CredentialKind) {
	t.Helper()
	if got != want {
		t.Fatalf("a %s challenge for %s", want, got)
	}
}

func checkAttestationNone(t *testing.T, a gen.AttestationConveyance) {
	t.Helper()
	if a != gen.AttestationConveyanceNone {
		t.Errorf("attestation %q, want none", a)
	}
}

// checkCommon checks what every kind has.
func checkCommon(t *testing.T, ch dfns.Challenge, code dfns.OneTimeCode) {
	t.Helper()
	u := ch.User()
	if !userIDPattern.MatchString(u.ID) || !strings.HasSuffix(u.Name, "@example.com") || u.DisplayName == "" {
		t.Errorf("user %+v", u)
	}
	rp, ok := ch.RelyingParty()
	if !ok || rp.ID != dfnstest.DefaultRPID || rp.Name != dfnstest.DefaultRPName {
		t.Errorf("rp %+v %v", rp, ok)
	}
	id := ch.ChallengeIdentifier()
	if id == "" || ch.TemporaryAuthenticationToken() != id {
		t.Errorf("challengeIdentifier %q, temporaryAuthenticationToken %q", id, ch.TemporaryAuthenticationToken())
	}
	if !challengeIDPattern.MatchString(id) {
		t.Errorf("challengeIdentifier %q, want an opaque ch- id", id)
	}
	if strings.Contains(id, string(code)) || strings.Contains(id, u.ID) {
		t.Error("the challengeIdentifier names the code or the user")
	}
}

// checkChallenge checks 32 random bytes, base64url without padding.
func checkChallenge(t *testing.T, c string) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) != 32 {
		t.Errorf("challenge %q: %d bytes, %v", c, len(b), err)
	}
}

// checkParams checks pubKeyCredParams: ES256 and RS256 unless want says
// otherwise.
func checkParams(t *testing.T, p []dfns.PubKeyCredParam, want ...float64) {
	t.Helper()
	if len(want) == 0 {
		want = []float64{-7, -257}
	}
	ok := len(p) == len(want)
	for i := 0; ok && i < len(p); i++ {
		ok = p[i].Alg == want[i] && p[i].Type == gen.PublicKeyCredentialTypePublicKey
	}
	if !ok {
		t.Errorf("pubKeyCredParams %+v, want algorithms %v", p, want)
	}
}

// TestForUserAndRelyingParty checks ForUser and WithRelyingParty.
func TestForUserAndRelyingParty(t *testing.T) {
	rp := dfns.RelyingParty{ID: "wallet.example.com", Name: "Example Wallet"}
	srv := newServer(t, dfnstest.WithRelyingParty(rp))
	c := newClient(t, srv)
	u := dfns.User{ID: "us-00000000000000000001", Name: "jane@example.com", DisplayName: "Jane"}
	ch, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode(dfnstest.ForUser(u)))
	if err != nil {
		t.Fatal(err)
	}
	if ch.User() != u {
		t.Errorf("user %+v", ch.User())
	}
	if got, _ := ch.RelyingParty(); got != rp {
		t.Errorf("rp %+v", got)
	}
}

// TestDeterministic checks that two sandboxes with the same seed and clock
// give byte-identical answers, and another seed different ones.
func TestDeterministic(t *testing.T) {
	run := func(seed uint64) []string {
		sb := dfnstest.New(dfnstest.WithSeed(seed), dfnstest.WithClock(fixedClock))
		var out []string
		for _, kind := range dfns.CredentialKinds() {
			code := sb.MintCode()
			out = append(out, string(code))
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, initPath, strings.NewReader(initBody(kind, code)))
			req.Header.Set("Content-Type", "application/json")
			sb.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", kind, rec.Code, rec.Body)
			}
			out = append(out, rec.Body.String())
		}
		return out
	}
	a, b, c := run(42), run(42), run(43)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("same seed, different answers:\n%s\n%s", a[i], b[i])
		}
		if a[i] == c[i] {
			t.Errorf("different seeds, same answer: %s", a[i])
		}
	}
	if !codePattern.MatchString(a[0]) {
		t.Errorf("code %q", a[0])
	}
}

// TestMintCodeFormat checks codes from crypto/rand.
func TestMintCodeFormat(t *testing.T) {
	sb := dfnstest.New()
	seen := map[string]bool{}
	for range 100 {
		code := string(sb.MintCode())
		if !codePattern.MatchString(code) || seen[code] {
			t.Fatalf("code %q (seen %v)", code, seen[code])
		}
		seen[code] = true
	}
}

// TestCodeSingleUse checks that a code is consumed by its first init.
func TestCodeSingleUse(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	code := srv.MintCode()
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindFido2, code)
	if !errors.Is(err, dfns.ErrUnauthorized) {
		t.Fatalf("second init: %v, want ErrUnauthorized", err)
	}
	var ae *dfns.APIError
	if !errors.As(err, &ae) || ae.ID != "code_invalid" || ae.RequestID == "" {
		t.Errorf("APIError %+v", ae)
	}
	if r := lastRequest(t, srv.Sandbox); r.Status != http.StatusUnauthorized || r.Reason != "code already used" || r.ID != ae.RequestID {
		t.Errorf("record %+v", r)
	}
}

// TestCodeRefusals checks that unknown, used and expired codes get the same
// 401, and that only the records say which it was.
func TestCodeRefusals(t *testing.T) {
	clk := newClock()
	srv := newServer(t, dfnstest.WithClock(clk.now))
	used := srv.MintCode()
	if a := do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, used)); a.status != http.StatusOK {
		t.Fatalf("first use: %d %s", a.status, a.body)
	}
	expiring := srv.MintCode()
	expired := srv.MintCode(dfnstest.ExpiresIn(0))
	clk.advance(dfnstest.DefaultCodeTTL)

	cases := []struct {
		code   dfns.OneTimeCode
		reason string
	}{
		{"AAA-BBB-CCC", "code unknown"},
		{used, "code already used"},
		{expiring, "code expired"},
		{expired, "code expired"},
	}
	var first []byte
	for _, tc := range cases {
		a := do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, tc.code))
		checkEnvelope(t, a, http.StatusUnauthorized, "code_invalid")
		if first == nil {
			first = a.body
		} else if !bytes.Equal(a.body, first) {
			t.Errorf("401 answers differ:\n%s\n%s", a.body, first)
		}
		if r := lastRequest(t, srv.Sandbox); r.Reason != tc.reason {
			t.Errorf("reason %q, want %q", r.Reason, tc.reason)
		}
	}

	// Through the client: ErrUnauthorized.
	_, err := newClient(t, srv).CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, expiring)
	if !errors.Is(err, dfns.ErrUnauthorized) {
		t.Errorf("expired code: %v", err)
	}
}

// TestCodeTTLAndExpiresIn checks WithCodeTTL and ExpiresIn.
func TestCodeTTLAndExpiresIn(t *testing.T) {
	clk := newClock()
	srv := newServer(t, dfnstest.WithClock(clk.now), dfnstest.WithCodeTTL(10*time.Minute))
	short := srv.MintCode(dfnstest.ExpiresIn(time.Minute))
	long := srv.MintCode()
	clk.advance(2 * time.Minute)
	if a := do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, short)); a.status != http.StatusUnauthorized {
		t.Errorf("short code: %d", a.status)
	}
	if a := do(t, srv, http.MethodPost, initPath, "application/json", initBody(dfns.CredentialKindKey, long)); a.status != http.StatusOK {
		t.Errorf("long code: %d %s", a.status, a.body)
	}
}

// TestReinit checks that WithReinit makes codes reusable until they expire.
func TestReinit(t *testing.T) {
	clk := newClock()
	srv := newServer(t, dfnstest.WithReinit(), dfnstest.WithClock(clk.now))
	c := newClient(t, srv)
	code := srv.MintCode()
	var ids []string
	for _, kind := range []dfns.CredentialKind{dfns.CredentialKindKey, dfns.CredentialKindKey, dfns.CredentialKindFido2} {
		ch, err := c.CreateCredentialChallengeWithCode(context.Background(), kind, code)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ch.ChallengeIdentifier())
	}
	if ids[0] == ids[1] {
		t.Error("a reused code gave the same challenge twice")
	}
	clk.advance(time.Minute)
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code); !errors.Is(err, dfns.ErrUnauthorized) {
		t.Errorf("after expiry: %v", err)
	}
}

// TestWithoutValidation checks what WithoutValidation still refuses.
func TestWithoutValidation(t *testing.T) {
	srv := newServer(t, dfnstest.WithoutValidation())
	code := srv.MintCode()
	// Extra properties are no longer refused...
	a := do(t, srv, http.MethodPost, initPath, "application/json",
		`{"credentialKind":"Key","code":"`+string(code)+`","extra":1}`)
	if a.status != http.StatusOK {
		t.Errorf("extra property: %d %s", a.status, a.body)
	}
	// ...but what the handler cannot serve is.
	for body, want := range map[string]string{
		`{"credentialKind":"Nope","code":"X"}`: "/credentialKind",
		`{"credentialKind":"Key","code":""}`:   "/code",
		`{"credentialKind":"Key","code":7}`:    "/code",
		`{"credentialKind":`:                   "",
	} {
		e := checkEnvelope(t, do(t, srv, http.MethodPost, initPath, "application/json", body), http.StatusBadRequest, "request_invalid")
		if len(e.Error.Details) != 1 || e.Error.Details[0].Pointer != want {
			t.Errorf("%s: details %+v", body, e.Error.Details)
		}
	}
}

// TestHandlerMounted serves the sandbox under a prefix of one's own server.
func TestHandlerMounted(t *testing.T) {
	sb := dfnstest.New()
	mux := http.NewServeMux()
	mux.Handle("/dfns/", http.StripPrefix("/dfns", sb.Handler()))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	c, err := dfns.New(dfns.WithBaseURL(ts.URL+"/dfns"), dfns.WithHTTPClient(ts.Client()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindFido2, sb.MintCode()); err != nil {
		t.Fatal(err)
	}
	assertNoInvalidResponse(t, sb)
}

// TestTLSServer checks that NewTLSServer's Client trusts its certificate
// and that an ordinary client does not.
func TestTLSServer(t *testing.T) {
	srv := dfnstest.NewTLSServer()
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %q", srv.URL)
	}
	c := newClient(t, srv)
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode()); err != nil {
		t.Fatal(err)
	}
	plain, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, srv.MintCode()); err == nil {
		t.Error("a client without the test certificate got through")
	}
	assertNoInvalidResponse(t, srv.Sandbox)
}

// TestNewPanicsOnBadOptions checks the options that make New panic.
func TestNewPanicsOnBadOptions(t *testing.T) {
	for name, opt := range map[string]dfnstest.Option{
		`WithFault("nope")`:               dfnstest.WithFault("nope"),
		`WithFault("status=200")`:         dfnstest.WithFault("status=200"),
		"WithCodeTTL(0)":                  dfnstest.WithCodeTTL(0),
		"WithClock(nil)":                  dfnstest.WithClock(nil),
		"WithRelyingParty":                dfnstest.WithRelyingParty(dfns.RelyingParty{}),
		`WithFault("latency=1h")`:         dfnstest.WithFault("latency=1h"),
		`WithFault("truncate,malformed")`: dfnstest.WithFault("truncate,malformed"),
		"WithMaxCodes(0)":                 dfnstest.WithMaxCodes(0),
		"WithMaxChallenges(-1)":           dfnstest.WithMaxChallenges(-1),
		"WithMaxCredentials(0)":           dfnstest.WithMaxCredentials(0),
	} {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "dfnstest: ") || !strings.Contains(msg, strings.SplitN(name, "(", 2)[0]) {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			dfnstest.New(opt)
		}()
	}
}
