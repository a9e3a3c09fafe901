//lint:file-ignore SA1019 the tests cover the deprecated kinds too.

package dfnstest_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/internal/webauthntest"
	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

const (
	verifyPath   = "/auth/credentials/code/verify"
	sandboxOrig  = "https://" + dfnstest.DefaultRPID
	challengeTTL = 5 * time.Minute // challenges.go's challengeTTL
)

// initKind redeems a fresh code for a challenge of kind.
func initKind[T dfns.Challenge](t *testing.T, srv *dfnstest.Server, c *dfns.Client, kind dfns.CredentialKind, opts ...dfnstest.CodeOption) T {
	t.Helper()
	ch, err := c.CreateCredentialChallengeWithCode(context.Background(), kind, srv.MintCode(opts...))
	if err != nil {
		t.Fatal(err)
	}
	v, ok := ch.(T)
	if !ok {
		t.Fatalf("init %s gave %T", kind, ch)
	}
	return v
}

// keyAttestation answers a fresh Key challenge with key.
func keyAttestation(t *testing.T, srv *dfnstest.Server, c *dfns.Client, key crypto.Signer) *credential.Attestation {
	t.Helper()
	ch := initKind[*dfns.KeyChallenge](t, srv, c, dfns.CredentialKindKey)
	att, err := credential.AttestKeyChallenge(ch, key)
	if err != nil {
		t.Fatal(err)
	}
	return att
}

func publicPEM(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	s, err := credential.PublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkCredential checks what verify answered and what the sandbox stored.
func checkCredential(t *testing.T, srv *dfnstest.Server, cred *dfns.Credential, kind dfns.CredentialKind, credID, name string, pub crypto.PublicKey, userID string) {
	t.Helper()
	if cred.Kind != kind || cred.Name != name || !cred.IsActive || cred.RelyingPartyID != dfnstest.DefaultRPID || cred.Origin != sandboxOrig {
		t.Errorf("credential %+v", cred)
	}
	if credID != "" && cred.CredentialID != credID {
		t.Errorf("credentialId %q, want the credId sent %q", cred.CredentialID, credID)
	}
	if !credentialIDPattern.MatchString(cred.CredentialUUID) {
		t.Errorf("credentialUuid %q", cred.CredentialUUID)
	}
	if !cred.DateCreated.Equal(fixedTime) {
		t.Errorf("dateCreated %v, want the sandbox's clock %v", cred.DateCreated, fixedTime)
	}
	wantPEM := ""
	if pub != nil {
		wantPEM = publicPEM(t, pub)
	}
	if cred.PublicKey != wantPEM {
		t.Errorf("publicKey %q, want %q", cred.PublicKey, wantPEM)
	}
	stored := srv.Credentials()
	i := slices.IndexFunc(stored, func(r dfnstest.RegisteredCredential) bool { return r.CredentialUUID == cred.CredentialUUID })
	if i < 0 {
		t.Fatalf("credential %s not in Credentials()", cred.CredentialUUID)
	}
	r := stored[i]
	if r.Credential != *cred || r.UserID != userID {
		t.Errorf("stored %+v (user %s), answered %+v (user %s)", r.Credential, r.UserID, *cred, userID)
	}
	if pub != nil {
		if k, ok := r.Key.(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(pub) {
			t.Errorf("stored key %T differs", r.Key)
		}
	} else if r.Key != nil {
		t.Errorf("stored key %T for %s", r.Key, kind)
	}
}

// TestVerifyKeyRoundTrip registers a Key credential of each algorithm
// through the client, strictly validated.
func TestVerifyKeyRoundTrip(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock))
	c := newClient(t, srv, dfns.WithStrictValidation())
	rk, err := rsa2048()
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{{"ES256", p256(t)}, {"EdDSA", edKey}, {"RS256", rk}} {
		t.Run(tc.name, func(t *testing.T) {
			ch := initKind[*dfns.KeyChallenge](t, srv, c, dfns.CredentialKindKey)
			att, err := credential.AttestKeyChallenge(ch, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			cred, err := c.CreateCredentialWithCode(context.Background(), att.VerifyRequest("laptop "+tc.name))
			if err != nil {
				t.Fatal(err)
			}
			checkCredential(t, srv, cred, dfns.CredentialKindKey, att.CredentialInfo.CredID, "laptop "+tc.name, tc.key.Public(), ch.User().ID)
		})
	}
}

// TestVerifyPasswordProtectedKey registers a PasswordProtectedKey and opens
// the stored encryptedPrivateKey with the password and the user name.
func TestVerifyPasswordProtectedKey(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock))
	c := newClient(t, srv, dfns.WithStrictValidation())
	ch := initKind[*dfns.PasswordProtectedKeyChallenge](t, srv, c, dfns.CredentialKindPasswordProtectedKey)
	const password = "correct horse battery staple"
	att, err := credential.AttestPasswordProtectedKey(ch, password)
	if err != nil {
		t.Fatal(err)
	}
	cred, err := c.CreateCredentialWithCode(context.Background(), att.VerifyRequest("ppk"))
	if err != nil {
		t.Fatal(err)
	}
	checkCredential(t, srv, cred, dfns.CredentialKindPasswordProtectedKey, att.CredentialInfo.CredID, "ppk", att.Signer.Public(), ch.User().ID)
	stored := srv.Credentials()[0]
	if stored.EncryptedPrivateKey != att.EncryptedPrivateKey {
		t.Fatal("the stored encryptedPrivateKey is not the one sent")
	}
	priv, err := credential.UnwrapKey(stored.EncryptedPrivateKey, password, ch.User().Name)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.(*ecdsa.PrivateKey).PublicKey.Equal(stored.Key) {
		t.Error("the stored blob does not hold the registered key")
	}
}

// TestVerifyRecoveryKey registers RecoveryKey credentials with and without
// the optional encryptedPrivateKey.
func TestVerifyRecoveryKey(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock))
	c := newClient(t, srv, dfns.WithStrictValidation())
	for _, withKey := range []bool{true, false} {
		ch := initKind[*dfns.RecoveryKeyChallenge](t, srv, c, dfns.CredentialKindRecoveryKey)
		att, err := credential.AttestRecoveryKey(ch)
		if err != nil {
			t.Fatal(err)
		}
		req := att.VerifyRequest("recovery")
		if !withKey {
			req.EncryptedPrivateKey = ""
		}
		cred, err := c.CreateCredentialWithCode(context.Background(), req)
		if err != nil {
			t.Fatalf("with encryptedPrivateKey %v: %v", withKey, err)
		}
		checkCredential(t, srv, cred, dfns.CredentialKindRecoveryKey, att.CredentialInfo.CredID, "recovery", att.Signer.Public(), ch.User().ID)
		stored := srv.Credentials()
		got := stored[len(stored)-1].EncryptedPrivateKey
		if withKey {
			priv, err := credential.UnwrapKey(got, att.RecoveryCode, ch.User().Name)
			if err != nil || !priv.(*ecdsa.PrivateKey).PublicKey.Equal(att.Signer.Public()) {
				t.Errorf("the stored blob does not open with the recovery code: %v", err)
			}
		} else if got != "" {
			t.Errorf("stored encryptedPrivateKey %q, none sent", got)
		}
	}
}

// registerFido2 answers options the way a browser does, with the shared
// software authenticator, and returns the credentialInfo Fido2Info makes of
// PublicKeyCredential.toJSON().
func registerFido2(t *testing.T, a *webauthntest.Authenticator, format, challenge, origin string) dfns.CredentialInfo {
	t.Helper()
	cdj := webauthntest.ClientDataJSON("webauthn.create", challenge, origin)
	info, err := credential.Fido2Info(webauthntest.BrowserJSON(a.CredID, cdj, a.Attest(t, format, cdj)))
	if err != nil {
		t.Fatal(err)
	}
	return *info
}

// TestVerifyFido2 registers Fido2 credentials made by a software
// authenticator, "none" and "packed", and finds them excluded from the
// user's next Fido2 challenge.
func TestVerifyFido2(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock))
	c := newClient(t, srv, dfns.WithStrictValidation())
	user := dfns.User{ID: "us-fido2fido2fido2fido", Name: "fido@example.com", DisplayName: "Fido"}
	for _, tc := range []struct {
		name, format string
		key          crypto.Signer
		mobile       bool // the mobile SDKs' challenge form
	}{
		{"none ES256", "none", p256(t), false},
		{"packed ES256", "packed", p256(t), false},
		{"packed ES256 mobile challenge", "packed", p256(t), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := initKind[*dfns.Fido2Challenge](t, srv, c, dfns.CredentialKindFido2, dfnstest.ForUser(user))
			opts, err := credential.CreationOptions(ch)
			if err != nil {
				t.Fatal(err)
			}
			if opts.RelyingParty.ID != dfnstest.DefaultRPID {
				t.Fatalf("rp %q", opts.RelyingParty.ID)
			}
			clientChallenge := opts.Challenge.String()
			if tc.mobile {
				clientChallenge = ch.Challenge
			}
			a := webauthntest.New(tc.key, dfnstest.DefaultRPID)
			info := registerFido2(t, a, tc.format, clientChallenge, sandboxOrig)
			cred, err := c.CreateCredentialWithCode(context.Background(), dfns.VerifyRequest{
				Kind: dfns.CredentialKindFido2, Name: "passkey", ChallengeIdentifier: ch.ChallengeIdentifier(), CredentialInfo: info,
			})
			if err != nil {
				t.Fatal(err)
			}
			checkCredential(t, srv, cred, dfns.CredentialKindFido2, info.CredID, "passkey", tc.key.Public(), user.ID)

			next := initKind[*dfns.Fido2Challenge](t, srv, c, dfns.CredentialKindFido2, dfnstest.ForUser(user))
			if !slices.ContainsFunc(next.ExcludeCredentials, func(d gen.CredentialDescriptor) bool { return d.ID == cred.CredentialUUID }) {
				t.Errorf("the next challenge does not exclude %s: %+v", cred.CredentialUUID, next.ExcludeCredentials)
			}
		})
	}

	t.Run("wrong origin", func(t *testing.T) {
		ch := initKind[*dfns.Fido2Challenge](t, srv, c, dfns.CredentialKindFido2)
		opts, _ := credential.CreationOptions(ch)
		info := registerFido2(t, webauthntest.New(p256(t), dfnstest.DefaultRPID), "packed", opts.Challenge.String(), "https://evil.example")
		a := verifyRaw(t, srv, fido2Body(ch.ChallengeIdentifier(), info))
		wantFirstDetail(t, checkEnvelope(t, a, http.StatusBadRequest, "attestation_invalid"), "/credentialInfo/clientData", "origin")
	})
	t.Run("wrong relying party", func(t *testing.T) {
		ch := initKind[*dfns.Fido2Challenge](t, srv, c, dfns.CredentialKindFido2)
		opts, _ := credential.CreationOptions(ch)
		a := webauthntest.New(p256(t), dfnstest.DefaultRPID)
		a.RPID = "other.example"
		ans := verifyRaw(t, srv, fido2Body(ch.ChallengeIdentifier(), registerFido2(t, a, "packed", opts.Challenge.String(), sandboxOrig)))
		wantFirstDetail(t, checkEnvelope(t, ans, http.StatusBadRequest, "attestation_invalid"), "/credentialInfo/attestationData", "rpId")
	})
	t.Run("user not verified", func(t *testing.T) {
		ch := initKind[*dfns.Fido2Challenge](t, srv, c, dfns.CredentialKindFido2)
		opts, _ := credential.CreationOptions(ch)
		a := webauthntest.New(p256(t), dfnstest.DefaultRPID)
		a.Flags = 0x41 // UP, AT
		ans := verifyRaw(t, srv, fido2Body(ch.ChallengeIdentifier(), registerFido2(t, a, "packed", opts.Challenge.String(), sandboxOrig)))
		wantFirstDetail(t, checkEnvelope(t, ans, http.StatusBadRequest, "attestation_invalid"), "/credentialInfo/attestationData", "userVerification")
	})
}

func fido2Body(id string, info dfns.CredentialInfo) string {
	b, _ := json.Marshal(map[string]any{"credentialKind": "Fido2", "credentialName": "passkey", "challengeIdentifier": id, "credentialInfo": info})
	return string(b)
}

// TestVerifyDeprecatedKinds: Password and Totp are accepted with any
// non-empty password or OTP code; nothing is checked.
func TestVerifyDeprecatedKinds(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock))
	c := newClient(t, srv, dfns.WithStrictValidation())
	pw := initKind[*dfns.PasswordChallenge](t, srv, c, dfns.CredentialKindPassword)
	cred, err := c.CreateCredentialWithCode(context.Background(), dfns.VerifyRequest{
		Kind: dfns.CredentialKindPassword, Name: "pw", ChallengeIdentifier: pw.ChallengeIdentifier(), Password: "hunter2-hunter2",
	})
	if err != nil {
		t.Fatal(err)
	}
	checkCredential(t, srv, cred, dfns.CredentialKindPassword, "", "pw", nil, pw.User().ID)
	if cred.CredentialID == "" {
		t.Error("no credentialId")
	}
	if body := lastRequest(t, srv.Sandbox).Body; strings.Contains(body, "hunter2") {
		t.Errorf("the password was recorded: %s", body)
	}
	totp := initKind[*dfns.TotpChallenge](t, srv, c, dfns.CredentialKindTotp)
	cred, err = c.CreateCredentialWithCode(context.Background(), dfns.VerifyRequest{
		Kind: dfns.CredentialKindTotp, Name: "otp", ChallengeIdentifier: totp.ChallengeIdentifier(), OtpCode: "123456",
	})
	if err != nil {
		t.Fatal(err)
	}
	checkCredential(t, srv, cred, dfns.CredentialKindTotp, "", "otp", nil, totp.User().ID)
}

// verifyRaw posts body to verify.
func verifyRaw(t *testing.T, srv *dfnstest.Server, body string) answer {
	t.Helper()
	return do(t, srv, http.MethodPost, verifyPath, "application/json", body)
}

// wantFirstDetail checks an envelope's only detail.
func wantFirstDetail(t *testing.T, e envelope, pointer, rule string) {
	t.Helper()
	d := e.Error.Details
	if len(d) == 0 || d[0].Pointer != pointer || d[0].Rule != rule {
		t.Errorf("details %+v, want %s %s first", d, pointer, rule)
	}
}

// verifyJSON is the JSON body of r, as the client would send it.
func verifyJSON(t *testing.T, r dfns.VerifyRequest) map[string]any {
	t.Helper()
	m := map[string]any{
		"credentialKind": string(r.Kind), "credentialName": r.Name, "challengeIdentifier": r.ChallengeIdentifier,
		"credentialInfo": map[string]any{
			"credId": r.CredentialInfo.CredID, "clientData": r.CredentialInfo.ClientData, "attestationData": r.CredentialInfo.AttestationData,
		},
	}
	if r.EncryptedPrivateKey != "" {
		m["encryptedPrivateKey"] = r.EncryptedPrivateKey
	}
	return m
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// b64json re-encodes a base64url JSON document after edit.
func b64json(t *testing.T, s string, edit func(map[string]any)) string {
	t.Helper()
	return webauthntest.EditB64JSON(t, s, edit)
}

// TestVerifyChecks drives each check of the sandbox with raw requests,
// then shows that a refused verify did not consume the challenge.
func TestVerifyChecks(t *testing.T) {
	clk := newClock()
	srv := newServer(t, dfnstest.WithClock(clk.now))
	c := newClient(t, srv)
	key := p256(t)

	type tc struct {
		name   string
		body   func(t *testing.T, good dfns.VerifyRequest) string
		status int
		id     string
		detail [2]string // pointer, rule; empty: not checked
		reason string    // Request.Reason, when set
	}
	edit := func(f func(m map[string]any)) func(t *testing.T, good dfns.VerifyRequest) string {
		return func(t *testing.T, good dfns.VerifyRequest) string {
			m := verifyJSON(t, good)
			f(m)
			return marshal(t, m)
		}
	}
	info := func(m map[string]any) map[string]any { return m["credentialInfo"].(map[string]any) }
	other := p256(t)
	cases := []tc{
		{"tampered clientData (a member added after signing)", func(t *testing.T, good dfns.VerifyRequest) string {
			m := verifyJSON(t, good)
			info(m)["clientData"] = b64json(t, good.CredentialInfo.ClientData, func(cd map[string]any) { cd["origin"] = "https://x.example" })
			return marshal(t, m)
		}, 400, "attestation_invalid", [2]string{"/credentialInfo/attestationData", "signature"}, ""},
		{"clientData of another type", func(t *testing.T, good dfns.VerifyRequest) string {
			m := verifyJSON(t, good)
			info(m)["clientData"] = b64json(t, good.CredentialInfo.ClientData, func(cd map[string]any) { cd["type"] = "key.get" })
			return marshal(t, m)
		}, 400, "attestation_invalid", [2]string{"/credentialInfo/clientData", "type"}, ""},
		{"wrong challenge (another challenge signed)", func(t *testing.T, good dfns.VerifyRequest) string {
			ci, err := credential.AttestKey("c29tZS1vdGhlci1jaGFsbGVuZ2U", key)
			if err != nil {
				t.Fatal(err)
			}
			m := verifyJSON(t, good)
			m["credentialInfo"] = ci
			return marshal(t, m)
		}, 400, "attestation_invalid", [2]string{"/credentialInfo/clientData", "challenge"}, ""},
		{"signature by another key", func(t *testing.T, good dfns.VerifyRequest) string {
			m := verifyJSON(t, good)
			info(m)["attestationData"] = b64json(t, good.CredentialInfo.AttestationData, func(ad map[string]any) {
				ad["publicKey"] = publicPEM(t, other.Public())
			})
			return marshal(t, m)
		}, 400, "attestation_invalid", [2]string{"/credentialInfo/attestationData", "signature"}, ""},
		{"attestationData not JSON", edit(func(m map[string]any) { info(m)["attestationData"] = "bm90LWpzb24" }),
			400, "attestation_invalid", [2]string{"/credentialInfo", "format"}, ""},
		{"kind mismatch", edit(func(m map[string]any) {
			m["credentialKind"] = "PasswordProtectedKey"
			m["encryptedPrivateKey"] = "eyJrZXkiOiJBQUFBQUFBQUFBQUFBQUFBQUFBQUFBPT0iLCJpdiI6IkFBQUEifQ=="
		}), 400, "credential_kind_mismatch", [2]string{"/credentialKind", "const"}, "credential kind mismatch"},
		{"unknown identifier", edit(func(m map[string]any) { m["challengeIdentifier"] = "eyJhbGciOiJIUzI1NiJ9.e30.AAAA" }),
			401, "challenge_invalid", [2]string{}, "challenge unknown"},
		{"identifier of another sandbox", func(t *testing.T, good dfns.VerifyRequest) string {
			other := newServer(t)
			ch := initKind[*dfns.KeyChallenge](t, other, newClient(t, other), dfns.CredentialKindKey)
			m := verifyJSON(t, good)
			m["challengeIdentifier"] = ch.ChallengeIdentifier()
			return marshal(t, m)
		}, 401, "challenge_invalid", [2]string{}, "challenge unknown"},
		{"malformed JSON", func(*testing.T, dfns.VerifyRequest) string { return `{"credentialKind":"Key",` },
			400, "request_invalid", [2]string{"", "json"}, ""},
		{"empty body", func(*testing.T, dfns.VerifyRequest) string { return "" }, 400, "request_invalid", [2]string{"", "required"}, ""},
		{"an array", func(*testing.T, dfns.VerifyRequest) string { return "[]" }, 400, "request_invalid", [2]string{"", "type"}, ""},
		{"no credentialKind", edit(func(m map[string]any) { delete(m, "credentialKind") }),
			400, "request_invalid", [2]string{"/credentialKind", "required"}, ""},
		{"unknown credentialKind", edit(func(m map[string]any) { m["credentialKind"] = "Passkey" }),
			400, "request_invalid", [2]string{"/credentialKind", "enum"}, ""},
		{"credentialKind a number", edit(func(m map[string]any) { m["credentialKind"] = 7 }),
			400, "request_invalid", [2]string{"/credentialKind", "type"}, ""},
		{"empty credentialName", edit(func(m map[string]any) { m["credentialName"] = "" }),
			400, "request_invalid", [2]string{"/credentialName", "minLength"}, ""},
		{"no credId", edit(func(m map[string]any) { delete(info(m), "credId") }),
			400, "request_invalid", [2]string{"/credentialInfo/credId", "required"}, ""},
		{"an extra member", edit(func(m map[string]any) { m["encryptedPrivateKey"] = "eA" }),
			400, "request_invalid", [2]string{"", "additionalProperties"}, ""},
		{"PasswordProtectedKey without encryptedPrivateKey", edit(func(m map[string]any) { m["credentialKind"] = "PasswordProtectedKey" }),
			400, "request_invalid", [2]string{"/encryptedPrivateKey", "required"}, ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			att := keyAttestation(t, srv, c, key)
			good := att.VerifyRequest("checked")
			a := verifyRaw(t, srv, tt.body(t, good))
			e := checkEnvelope(t, a, tt.status, tt.id)
			if tt.detail != [2]string{} {
				wantFirstDetail(t, e, tt.detail[0], tt.detail[1])
			}
			if tt.reason != "" {
				if r := lastRequest(t, srv.Sandbox); r.Reason != tt.reason {
					t.Errorf("reason %q, want %q", r.Reason, tt.reason)
				}
			}
			if strings.Contains(string(a.body), good.ChallengeIdentifier) {
				t.Errorf("the answer repeats the challengeIdentifier: %s", a.body)
			}
			// The refused verify did not consume the challenge.
			if _, err := c.CreateCredentialWithCode(context.Background(), good); err != nil {
				t.Errorf("the good request after the refused one: %v", err)
			}
		})
	}

	t.Run("replay", func(t *testing.T) {
		good := keyAttestation(t, srv, c, key).VerifyRequest("once")
		if _, err := c.CreateCredentialWithCode(context.Background(), good); err != nil {
			t.Fatal(err)
		}
		_, err := c.CreateCredentialWithCode(context.Background(), good)
		var ae *dfns.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusUnauthorized || ae.ID != "challenge_invalid" {
			t.Fatalf("replay: %v", err)
		}
		if r := lastRequest(t, srv.Sandbox); r.Reason != "challenge already used" {
			t.Errorf("reason %q", r.Reason)
		}
		if strings.Contains(err.Error(), good.ChallengeIdentifier) {
			t.Error("the error holds the challengeIdentifier")
		}
	})
	t.Run("expired identifier", func(t *testing.T) {
		good := keyAttestation(t, srv, c, key).VerifyRequest("late")
		clk.advance(challengeTTL)
		defer clk.advance(-challengeTTL)
		e := checkEnvelope(t, verifyRaw(t, srv, marshal(t, verifyJSON(t, good))), http.StatusUnauthorized, "challenge_invalid")
		_ = e
		if r := lastRequest(t, srv.Sandbox); r.Reason != "challenge expired" {
			t.Errorf("reason %q", r.Reason)
		}
	})
	t.Run("duplicate credId", func(t *testing.T) {
		first := keyAttestation(t, srv, c, key).VerifyRequest("first")
		if _, err := c.CreateCredentialWithCode(context.Background(), first); err != nil {
			t.Fatal(err)
		}
		second := keyAttestation(t, srv, c, key).VerifyRequest("second")
		good := second.CredentialInfo.CredID
		second.CredentialInfo.CredID = first.CredentialInfo.CredID // credId is not signed
		_, err := c.CreateCredentialWithCode(context.Background(), second)
		var ae *dfns.APIError
		if !errors.As(err, &ae) || ae.StatusCode != http.StatusConflict || ae.ID != "credential_exists" {
			t.Fatalf("duplicate: %v", err)
		}
		second.CredentialInfo.CredID = good
		if _, err := c.CreateCredentialWithCode(context.Background(), second); err != nil {
			t.Errorf("with a fresh credId: %v", err)
		}
	})
	t.Run("PasswordProtectedKey checks", func(t *testing.T) {
		ch := initKind[*dfns.PasswordProtectedKeyChallenge](t, srv, c, dfns.CredentialKindPasswordProtectedKey)
		att, err := credential.AttestPasswordProtectedKey(ch, "pw")
		if err != nil {
			t.Fatal(err)
		}
		good := att.VerifyRequest("ppk")
		bad := good
		bad.EncryptedPrivateKey = "bm90IGEgYmxvYg" // base64, not of {"key","iv"}
		e := checkEnvelope(t, verifyRaw(t, srv, marshal(t, verifyJSON(t, bad))), 400, "request_invalid")
		wantFirstDetail(t, e, "/encryptedPrivateKey", "format")
		// An Ed25519 key: the SDKs wrap P-256 keys only.
		_, ed, _ := ed25519.GenerateKey(rand.Reader)
		ci, err := credential.AttestKey(ch.Challenge, ed)
		if err != nil {
			t.Fatal(err)
		}
		bad = good
		bad.CredentialInfo = *ci
		e = checkEnvelope(t, verifyRaw(t, srv, marshal(t, verifyJSON(t, bad))), 400, "attestation_invalid")
		wantFirstDetail(t, e, "/credentialInfo/attestationData", "publicKey")
		if _, err := c.CreateCredentialWithCode(context.Background(), good); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("method and media type", func(t *testing.T) {
		checkEnvelope(t, do(t, srv, http.MethodGet, verifyPath, "", ""), http.StatusMethodNotAllowed, "method_not_allowed")
		checkEnvelope(t, do(t, srv, http.MethodPost, verifyPath, "text/plain", "{}"), http.StatusUnsupportedMediaType, "unsupported_media_type")
	})
}

// TestVerifyConcurrent: of concurrent verifies of one challenge, exactly one
// registers the credential.
func TestVerifyConcurrent(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv, dfns.WithRetryPolicy(dfns.NoRetries()))
	good := keyAttestation(t, srv, c, p256(t)).VerifyRequest("race")
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { _, errs[i] = c.CreateCredentialWithCode(context.Background(), good) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, dfns.ErrUnauthorized):
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 || len(srv.Credentials()) != 1 {
		t.Fatalf("%d successes, %d credentials; want 1", ok, len(srv.Credentials()))
	}
}

// TestVerifyReinit: with WithReinit a code is reusable until a verify
// consumes one of its challenges; then init refuses it, and verify refuses
// its other challenges.
func TestVerifyReinit(t *testing.T) {
	srv := newServer(t, dfnstest.WithReinit())
	c := newClient(t, srv)
	code := srv.MintCode()
	var atts []*credential.Attestation
	for range 2 {
		ch, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code)
		if err != nil {
			t.Fatal(err)
		}
		att, err := credential.AttestKeyChallenge(ch.(*dfns.KeyChallenge), p256(t))
		if err != nil {
			t.Fatal(err)
		}
		atts = append(atts, att)
	}
	if _, err := c.CreateCredentialWithCode(context.Background(), atts[0].VerifyRequest("first")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code); !errors.Is(err, dfns.ErrUnauthorized) {
		t.Errorf("init after the verify: %v, want 401", err)
	}
	if _, err := c.CreateCredentialWithCode(context.Background(), atts[1].VerifyRequest("second")); !errors.Is(err, dfns.ErrUnauthorized) {
		t.Errorf("verify of the code's other challenge: %v, want 401", err)
	}
	if r := lastRequest(t, srv.Sandbox); r.Reason != "code already used by another verify" {
		t.Errorf("reason %q", r.Reason)
	}
}

// TestVerifyRecords: Requests keeps verify bodies with credentialInfo as
// sent and the challengeIdentifier redacted, and no log line or record
// holds the identifier, even for an answer a fault made.
func TestVerifyRecords(t *testing.T) {
	var logs bytes.Buffer
	srv := newServer(t, dfnstest.WithFaults(), dfnstest.WithLogger(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	c := newClient(t, srv)
	// RSA attestations are long base64url: likely to hold code-shaped runs.
	rk, err := rsa2048()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range 8 {
		good := keyAttestation(t, srv, c, rk).VerifyRequest("recorded")
		ids = append(ids, good.ChallengeIdentifier)
		if i == 0 {
			// A fault answers before processing: still recorded, still redacted.
			fc := faultClient(t, srv, "status=503", dfns.WithRetryPolicy(dfns.NoRetries()))
			if _, err := fc.CreateCredentialWithCode(context.Background(), good); !errors.Is(err, dfns.ErrServer) {
				t.Fatalf("fault: %v", err)
			}
			checkRecorded(t, lastRequest(t, srv.Sandbox), good)
		}
		if _, err := c.CreateCredentialWithCode(context.Background(), good); err != nil {
			t.Fatal(err)
		}
		checkRecorded(t, lastRequest(t, srv.Sandbox), good)
	}
	all := logs.String()
	for _, r := range srv.Requests() {
		all += r.Body + r.Reason + r.Path
	}
	for _, id := range ids {
		if strings.Contains(all, id) {
			t.Fatal("a challengeIdentifier reached Requests or the log")
		}
	}
}

func checkRecorded(t *testing.T, r dfnstest.Request, sent dfns.VerifyRequest) {
	t.Helper()
	if r.Path != verifyPath {
		t.Fatalf("last request %s", r.Path)
	}
	var got struct {
		ChallengeIdentifier string              `json:"challengeIdentifier"`
		CredentialInfo      dfns.CredentialInfo `json:"credentialInfo"`
		CredentialName      string              `json:"credentialName"`
	}
	if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
		t.Fatalf("recorded body is not JSON: %v: %s", err, r.Body)
	}
	if got.ChallengeIdentifier != dfnstest.Redacted {
		t.Errorf("challengeIdentifier recorded as %q", got.ChallengeIdentifier)
	}
	if got.CredentialInfo != sent.CredentialInfo || got.CredentialName != sent.Name {
		t.Errorf("credentialInfo recorded as %+v, sent %+v", got.CredentialInfo, sent.CredentialInfo)
	}
}

// TestVerifyFaultsAndRetries: a fault that refuses the request before
// processing (503) is retried and does not consume the challenge; a reset
// after processing is not retried, and the challenge is gone.
func TestVerifyFaultsAndRetries(t *testing.T) {
	srv := newServer(t, dfnstest.WithFaults())
	c := newClient(t, srv)
	fast := dfns.DefaultRetryPolicy()
	fast.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }

	good := keyAttestation(t, srv, c, p256(t)).VerifyRequest("retried")
	before := len(srv.Requests())
	_, err := faultClient(t, srv, "status=503", dfns.WithRetryPolicy(fast)).CreateCredentialWithCode(context.Background(), good)
	if !errors.Is(err, dfns.ErrServer) || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Fatalf("503: %v", err)
	}
	if n := len(srv.Requests()) - before; n != 3 {
		t.Errorf("%d attempts for 503, want 3", n)
	}
	if _, err := c.CreateCredentialWithCode(context.Background(), good); err != nil {
		t.Fatalf("the 503s consumed the challenge: %v", err)
	}

	good = keyAttestation(t, srv, c, p256(t)).VerifyRequest("reset")
	before = len(srv.Requests())
	_, err = faultClient(t, srv, "reset-after-body", dfns.WithRetryPolicy(fast)).CreateCredentialWithCode(context.Background(), good)
	if err == nil || !isTransportError(err) {
		t.Fatalf("reset: %v", err)
	}
	if n := len(srv.Requests()) - before; n != 1 {
		t.Errorf("%d attempts after a reset, want 1 (never resent)", n)
	}
	if _, err := c.CreateCredentialWithCode(context.Background(), good); !errors.Is(err, dfns.ErrUnauthorized) {
		t.Errorf("after the reset the challenge should be consumed: %v", err)
	}
}

// TestVerifyWithoutValidation: the handler still refuses what it cannot
// serve, and serves the rest.
func TestVerifyWithoutValidation(t *testing.T) {
	srv := newServer(t, dfnstest.WithoutValidation())
	c := newClient(t, srv)
	good := keyAttestation(t, srv, c, p256(t)).VerifyRequest("plain")
	m := verifyJSON(t, good)
	delete(m["credentialInfo"].(map[string]any), "credId")
	wantFirstDetail(t, checkEnvelope(t, verifyRaw(t, srv, marshal(t, m)), 400, "request_invalid"), "/credentialInfo/credId", "minLength")
	wantFirstDetail(t, checkEnvelope(t, verifyRaw(t, srv, `{"credentialKind":"Nope"}`), 400, "request_invalid"), "/credentialKind", "enum")
	checkEnvelope(t, verifyRaw(t, srv, `{"credentialKind":"Key",`), 400, "request_invalid")
	if _, err := c.CreateCredentialWithCode(context.Background(), good); err != nil {
		t.Fatal(err)
	}
}
