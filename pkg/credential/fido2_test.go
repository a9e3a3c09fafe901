package credential

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"

	"github.com/dfnskit/dfns-go/internal/webauthntest"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

const (
	testRPID   = "app.example.com"
	testOrigin = "https://app.example.com"
	// A Fido2 challenge in the shape Dfns sends (the corpus's fido2.json).
	fido2ChallengeJSON = `{"kind":"Fido2","user":{"id":"us-3p3hu-hm2ts-8mkv5gm7g0tavb1h","displayName":"Jane Doe","name":"jane@example.com"},
		"challengeIdentifier":"eyJhbGciOiJub25lIn0.e30.","challenge":"Y2gtMWE2N2ItNGY5aWYtOHJwN2dwNjVpMmxuNGp2dg",
		"rp":{"id":"app.example.com","name":"Example"},
		"authenticatorSelection":{"authenticatorAttachment":"platform","residentKey":"required","requireResidentKey":true,"userVerification":"required"},
		"attestation":"direct","pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],
		"excludeCredentials":[{"type":"public-key","id":"AAECAwQFBgcICQoLDA0ODw"},{"type":"public-key","id":"cr-6uunn-9k5fu-8nl4mcnbd9b2pk"},{"type":"public-key","id":"cr-6uunn-9k5fu-8nl4mcnbd9b2pkqd"}],
		"temporaryAuthenticationToken":"eyJhbGciOiJub25lIn0.e30."}`
)

// TestCreationOptionsJSON pins the JSON a browser gets: challenge and user.id
// base64url of the UTF-8 bytes of the Dfns strings, excludeCredentials ids
// base64url-decoded as the SDK's fromBase64Url does (a 29-character cr- id
// loses its dangling last character, a 31-character one the unused low bits
// of its last), alg as integers, timeout 60000.
func TestCreationOptionsJSON(t *testing.T) {
	ch := parseChallenge[*dfns.Fido2Challenge](t, []byte(fido2ChallengeJSON))
	opts, err := CreationOptions(ch)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(opts)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"rp":{"name":"Example","id":"app.example.com"},` +
		`"user":{"name":"jane@example.com","displayName":"Jane Doe","id":"dXMtM3AzaHUtaG0ydHMtOG1rdjVnbTdnMHRhdmIxaA"},` +
		`"challenge":"WTJndE1XRTJOMkl0TkdZNWFXWXRPSEp3TjJkd05qVnBNbXh1TkdwMmRn",` +
		`"pubKeyCredParams":[{"type":"public-key","alg":-7},{"type":"public-key","alg":-257}],"timeout":60000,` +
		`"excludeCredentials":[{"type":"public-key","id":"AAECAwQFBgcICQoLDA0ODw"},{"type":"public-key","id":"cr-6uunn-9k5fu-8nl4mcnbd9b2p"},{"type":"public-key","id":"cr-6uunn-9k5fu-8nl4mcnbd9b2pkqc"}],` +
		`"authenticatorSelection":{"authenticatorAttachment":"platform","requireResidentKey":true,"residentKey":"required","userVerification":"required"},` +
		`"attestation":"direct"}`
	if string(got) != want {
		t.Errorf("creation options\n got %s\nwant %s", got, want)
	}
	if string(opts.Challenge) != ch.Challenge || opts.User.ID.(protocol.URLEncodedBase64).String() != b64u(ch.User().ID) {
		t.Error("challenge or user.id are not the UTF-8 bytes of the strings")
	}
	if ex := opts.CredentialExcludeList[1].CredentialID; len(ex) != 21 {
		t.Errorf("29-character cr- id decoded to %d bytes, want 21", len(ex))
	}
	if ex := opts.CredentialExcludeList[2].CredentialID; len(ex) != 23 {
		t.Errorf("31-character cr- id decoded to %d bytes, want 23", len(ex))
	}
}

func TestCreationOptionsErrors(t *testing.T) {
	for name, body := range map[string]string{
		"no rp":          strings.Replace(fido2ChallengeJSON, `"rp":{"id":"app.example.com","name":"Example"},`, "", 1),
		"fractional alg": strings.Replace(fido2ChallengeJSON, `"alg":-7}`, `"alg":-7.5}`, 1),
		"bad exclude id": strings.Replace(fido2ChallengeJSON, `"cr-6uunn`, `"cr+6uunn`, 1),
		"empty user id":  strings.Replace(fido2ChallengeJSON, `"id":"us-3p3hu-hm2ts-8mkv5gm7g0tavb1h"`, `"id":""`, 1),
		"long user id":   strings.Replace(fido2ChallengeJSON, `"id":"us-3p3hu-hm2ts-8mkv5gm7g0tavb1h"`, `"id":"`+strings.Repeat("u", 65)+`"`, 1),
	} {
		ch := parseChallenge[*dfns.Fido2Challenge](t, []byte(body))
		if _, err := CreationOptions(ch); !errorsIs(err, ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", name, err)
		}
	}
	empty := parseChallenge[*dfns.Fido2Challenge](t, []byte(strings.Replace(fido2ChallengeJSON, `"challenge":"Y2gt`, `"challenge":"","x":"`, 1)))
	_, err := CreationOptions(empty)
	wantErr(t, err, ErrInvalidChallenge)
	_, err = CreationOptions(nil)
	wantErr(t, err, ErrMalformed)
	// No authenticatorAttachment: none in the output.
	ch := parseChallenge[*dfns.Fido2Challenge](t, []byte(strings.Replace(fido2ChallengeJSON, `"authenticatorAttachment":"platform",`, "", 1)))
	opts, err := CreationOptions(ch)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(opts); strings.Contains(string(b), "authenticatorAttachment") {
		t.Errorf("authenticatorAttachment in %s", b)
	}
}

func TestDecodeBase64URLLenient(t *testing.T) {
	for in, want := range map[string]string{
		"":      "",
		"QQ":    "A",
		"QQ==":  "A",
		"QR":    "A", // unused low bits ignored, as Buffer does
		"QUJD":  "ABC",
		"QUJDR": "ABC", // a dangling character is dropped
		"_-8":   "\xff\xef",
	} {
		got, err := decodeBase64URLLenient(in)
		if err != nil || string(got) != want {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"a+b/", "a b", "é"} {
		if _, err := decodeBase64URLLenient(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// register runs the browser half: options → authenticator → toJSON →
// Fido2Info.
func register(t testing.TB, a *webauthntest.Authenticator, format, clientChallenge, origin string) *CredentialInfo {
	t.Helper()
	cdj := webauthntest.ClientDataJSON("webauthn.create", clientChallenge, origin)
	info, err := Fido2Info(webauthntest.BrowserJSON(a.CredID, cdj, a.Attest(t, format, cdj)))
	if err != nil {
		t.Fatal(err)
	}
	return info
}

func TestFido2RoundTrip(t *testing.T) {
	ch := parseChallenge[*dfns.Fido2Challenge](t, []byte(fido2ChallengeJSON))
	opts, err := CreationOptions(ch)
	if err != nil {
		t.Fatal(err)
	}
	// What the browser puts in clientDataJSON: base64url of options.challenge.
	browserChallenge := opts.Challenge.String()
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tc := range []struct {
		name, format, clientChallenge string
		key                           crypto.Signer
		wantType                      string
	}{
		{"none ES256", "none", browserChallenge, p256, "none"},
		{"packed ES256", "packed", browserChallenge, p256, "basic_surrogate"},
		{"packed EdDSA", "packed", browserChallenge, ed25519Key(t), "basic_surrogate"},
		// The mobile SDKs decode the challenge: clientDataJSON carries it as is.
		{"packed ES256, mobile challenge", "packed", ch.Challenge, p256, "basic_surrogate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := webauthntest.New(tc.key, testRPID)
			info := register(t, a, tc.format, tc.clientChallenge, testOrigin)
			if info.CredID != base64.RawURLEncoding.EncodeToString(a.CredID) {
				t.Errorf("credId %s", info.CredID)
			}
			cred, err := VerifyFido2Attestation(*info, ch.Challenge, testRPID, testOrigin)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(cred.ID, a.CredID) || cred.Format != tc.format || cred.AttestationType != tc.wantType ||
				!cred.UserVerified || len(cred.AAGUID) != 16 {
				t.Errorf("credential %+v", cred)
			}
			if !tc.key.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(cred.PublicKey) {
				t.Error("verified key differs")
			}
		})
	}
}

// TestVerifyFido2Origins: any of several origins passes, and the credential
// names the one the client data carried; none passes with no origin given.
func TestVerifyFido2Origins(t *testing.T) {
	ch := parseChallenge[*dfns.Fido2Challenge](t, []byte(fido2ChallengeJSON))
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	const local = "http://localhost:8080"
	info := register(t, webauthntest.New(key, testRPID), "packed", b64u(ch.Challenge), local)
	cred, err := VerifyFido2Attestation(*info, ch.Challenge, testRPID, testOrigin, local)
	if err != nil {
		t.Fatal(err)
	}
	if cred.Origin != local {
		t.Errorf("Origin = %q, want %q", cred.Origin, local)
	}
	for _, origins := range [][]string{nil, {testOrigin}, {"http://localhost:8081"}} {
		if _, err := VerifyFido2Attestation(*info, ch.Challenge, testRPID, origins...); !errors.Is(err, ErrWrongOrigin) {
			t.Errorf("origins %q: %v, want ErrWrongOrigin", origins, err)
		}
	}
}

func TestVerifyFido2Negative(t *testing.T) {
	ch := parseChallenge[*dfns.Fido2Challenge](t, []byte(fido2ChallengeJSON))
	good := b64u(ch.Challenge)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := webauthntest.New(key, testRPID)
	build := func(format string, cdj []byte, edit func(*webauthntest.Authenticator)) CredentialInfo {
		b := *a
		if edit != nil {
			edit(&b)
		}
		ao := b.Attest(t, format, cdj)
		e := base64.RawURLEncoding.EncodeToString
		return CredentialInfo{CredID: e(b.CredID), ClientData: e(cdj), AttestationData: e(ao)}
	}
	okCD := webauthntest.ClientDataJSON("webauthn.create", good, testOrigin)
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	// Signed by another key: the self-attestation signature does not verify.
	forged := build("packed", okCD, nil)
	{
		ad := a.AuthData(t)
		cdh := sha256.Sum256(okCD)
		sig, _ := sign(rand.Reader, otherKey, AlgorithmES256, append(append([]byte{}, ad...), cdh[:]...))
		forged.AttestationData = base64.RawURLEncoding.EncodeToString(webauthntest.CBOR(t, map[string]any{
			"fmt": "packed", "attStmt": map[string]any{"alg": -7, "sig": sig}, "authData": ad,
		}))
	}
	p384Key, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	noneWithStmt := build("none", okCD, nil)
	{
		ad := a.AuthData(t)
		noneWithStmt.AttestationData = base64.RawURLEncoding.EncodeToString(webauthntest.CBOR(t, map[string]any{
			"fmt": "none", "attStmt": map[string]any{"x": 1}, "authData": ad,
		}))
	}
	crossOrigin, _ := json.Marshal(map[string]any{"type": "webauthn.create", "challenge": good, "origin": testOrigin, "crossOrigin": true})

	for _, tc := range []struct {
		name      string
		info      CredentialInfo
		challenge string
		want      error
	}{
		{"wrong origin", build("none", webauthntest.ClientDataJSON("webauthn.create", good, "https://evil.example.com"), nil), ch.Challenge, ErrWrongOrigin},
		{"http origin", build("none", webauthntest.ClientDataJSON("webauthn.create", good, "http://app.example.com"), nil), ch.Challenge, ErrWrongOrigin},
		{"cross origin", build("none", crossOrigin, nil), ch.Challenge, ErrWrongOrigin},
		{"wrong challenge", build("packed", webauthntest.ClientDataJSON("webauthn.create", b64u("other"), testOrigin), nil), ch.Challenge, ErrWrongChallenge},
		{"expected challenge differs", build("packed", okCD, nil), ch.Challenge + "x", ErrWrongChallenge},
		{"double-encoded challenge", build("packed", webauthntest.ClientDataJSON("webauthn.create", b64u(good), testOrigin), nil), ch.Challenge, ErrWrongChallenge},
		{"wrong type", build("packed", webauthntest.ClientDataJSON("webauthn.get", good, testOrigin), nil), ch.Challenge, ErrWrongType},
		{"wrong rpIdHash", build("packed", okCD, func(s *webauthntest.Authenticator) { s.RPID = "evil.example.com" }), ch.Challenge, ErrWrongRPID},
		{"forged self attestation", forged, ch.Challenge, ErrBadSignature},
		{"none with a statement", noneWithStmt, ch.Challenge, ErrBadSignature},
		{"user not present", build("none", okCD, func(s *webauthntest.Authenticator) { s.Flags = 0x40 }), ch.Challenge, ErrUserNotPresent},
		{"P-384 key", build("none", okCD, func(s *webauthntest.Authenticator) { s.Key = p384Key }), ch.Challenge, ErrUnsupportedKey},
		{"credId of another credential", func() CredentialInfo {
			c := build("none", okCD, nil)
			c.CredID = b64u("another id")
			return c
		}(), ch.Challenge, ErrMalformed},
		{"credId garbage", func() CredentialInfo { c := build("none", okCD, nil); c.CredID = "***"; return c }(), ch.Challenge, ErrMalformed},
		{"clientData garbage", func() CredentialInfo { c := build("none", okCD, nil); c.ClientData = "***"; return c }(), ch.Challenge, ErrMalformed},
		{"clientData not JSON", func() CredentialInfo { c := build("none", okCD, nil); c.ClientData = b64u("{"); return c }(), ch.Challenge, ErrMalformed},
		{"attestationData garbage", func() CredentialInfo { c := build("none", okCD, nil); c.AttestationData = "***"; return c }(), ch.Challenge, ErrMalformed},
		{"attestationData truncated", func() CredentialInfo {
			c := build("none", okCD, nil)
			c.AttestationData = c.AttestationData[:len(c.AttestationData)-20]
			return c
		}(), ch.Challenge, ErrMalformed},
		{"attestationData not CBOR", func() CredentialInfo { c := build("none", okCD, nil); c.AttestationData = b64u("{}"); return c }(), ch.Challenge, ErrMalformed},
		{"empty expected challenge", build("none", okCD, nil), "", ErrInvalidChallenge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := VerifyFido2Attestation(tc.info, tc.challenge, testRPID, testOrigin)
			t.Log(err)
			if cred != nil {
				t.Errorf("a credential came back with %v", err)
			}
			wantErr(t, err, tc.want)
		})
	}
}

func TestFido2InfoErrors(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	a := webauthntest.New(key, testRPID)
	cdj := webauthntest.ClientDataJSON("webauthn.create", "abc", testOrigin)
	ao := a.Attest(t, "none", cdj)
	good := webauthntest.BrowserJSON(a.CredID, cdj, ao)
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		_ = json.Unmarshal(good, &m)
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	resp := func(m map[string]any) map[string]any { return m["response"].(map[string]any) }
	for name, tc := range map[string]struct {
		in   []byte
		want error
	}{
		"not JSON":                   {[]byte("{"), ErrMalformed},
		"JSON array":                 {[]byte("[]"), ErrMalformed},
		"no id":                      {edit(func(m map[string]any) { delete(m, "id") }), ErrMalformed},
		"id not base64url":           {edit(func(m map[string]any) { m["id"] = "a+b" }), ErrMalformed},
		"rawId differs":              {edit(func(m map[string]any) { m["rawId"] = "AAAA" }), ErrMalformed},
		"type missing":               {edit(func(m map[string]any) { delete(m, "type") }), ErrMalformed},
		"type wrong":                 {edit(func(m map[string]any) { m["type"] = "password" }), ErrMalformed},
		"no response":                {edit(func(m map[string]any) { delete(m, "response") }), ErrMalformed},
		"an assertion":               {edit(func(m map[string]any) { delete(resp(m), "attestationObject") }), ErrMalformed},
		"clientDataJSON garbage":     {edit(func(m map[string]any) { resp(m)["clientDataJSON"] = "%%" }), ErrMalformed},
		"clientDataJSON not JSON":    {edit(func(m map[string]any) { resp(m)["clientDataJSON"] = b64u("nope") }), ErrMalformed},
		"clientDataJSON of a get":    {edit(func(m map[string]any) { resp(m)["clientDataJSON"] = b64u(`{"type":"webauthn.get"}`) }), ErrWrongType},
		"attestationObject garbage":  {edit(func(m map[string]any) { resp(m)["attestationObject"] = "%%" }), ErrMalformed},
		"attestationObject not CBOR": {edit(func(m map[string]any) { resp(m)["attestationObject"] = b64u("\xff\xff") }), ErrMalformed},
		"attestationObject empty":    {edit(func(m map[string]any) { resp(m)["attestationObject"] = b64u("\xa0") }), ErrMalformed},
	} {
		_, err := Fido2Info(tc.in)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !errorsIs(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	// Padded base64url (not what toJSON writes) is accepted and re-encoded.
	info, err := Fido2Info(edit(func(m map[string]any) {
		resp(m)["clientDataJSON"] = base64.URLEncoding.EncodeToString(cdj)
	}))
	if err != nil || strings.HasSuffix(info.ClientData, "=") {
		t.Errorf("%+v, %v", info, err)
	}
}
