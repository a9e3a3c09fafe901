package credential

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/internal/webauthntest"
)

// reencode rebuilds a credentialInfo with the clientData and attestationData
// JSON edited by the functions (nil keeps a part).
func reencode(t testing.TB, info CredentialInfo, cd func(map[string]any), ad func(map[string]any)) CredentialInfo {
	t.Helper()
	edit := func(field string, f func(map[string]any)) string {
		if f == nil {
			return field
		}
		return webauthntest.EditB64JSON(t, field, f)
	}
	info.ClientData = edit(info.ClientData, cd)
	info.AttestationData = edit(info.AttestationData, ad)
	return info
}

func b64u(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestVerifyKeyAttestationNegative(t *testing.T) {
	good, err := AttestKey(dfnsChallenge, p256Key(t))
	if err != nil {
		t.Fatal(err)
	}
	other, err := AttestKey(dfnsChallenge, ed25519Key(t))
	if err != nil {
		t.Fatal(err)
	}
	otherAD, _ := base64.RawURLEncoding.DecodeString(other.AttestationData)
	var otherA attestationData
	_ = json.Unmarshal(otherAD, &otherA)
	stranger, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	strangerInfo, _ := AttestKey(dfnsChallenge, stranger)
	strangerSig := attestedSignature(t, *strangerInfo)
	p384Key, _ := ecdsa.GenerateKey(p384(), rand.Reader)
	p384DER, _ := x509.MarshalPKIXPublicKey(p384Key.Public())
	p384PEM := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: p384DER}))

	set := func(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }
	del := func(k string) func(map[string]any) { return func(m map[string]any) { delete(m, k) } }
	mod := func(f func(*CredentialInfo)) CredentialInfo { c := *good; f(&c); return c }

	for _, tc := range []struct {
		name      string
		info      CredentialInfo
		challenge string
		want      error
	}{
		{"wrong challenge", *good, dfnsChallenge + "x", ErrWrongChallenge},
		{"empty expected challenge", *good, "", ErrWrongChallenge},
		{"tampered challenge", reencode(t, *good, set("challenge", "other"), nil), dfnsChallenge, ErrWrongChallenge},
		{"wrong type key.get", reencode(t, *good, set("type", "key.get"), nil), dfnsChallenge, ErrWrongType},
		{"wrong type webauthn.create", reencode(t, *good, set("type", "webauthn.create"), nil), dfnsChallenge, ErrWrongType},
		{"type not a string", reencode(t, *good, set("type", 1), nil), dfnsChallenge, ErrMalformed},
		{"no type", reencode(t, *good, del("type"), nil), dfnsChallenge, ErrMalformed},
		{"no challenge", reencode(t, *good, del("challenge"), nil), dfnsChallenge, ErrMalformed},
		// Same members, other bytes: the hash, so the signature, no longer matches.
		{"clientData re-serialized", reencode(t, *good, set("origin", "https://x"), nil), dfnsChallenge, ErrBadSignature},
		{"signature from another key", reencode(t, *good, nil, set("signature", strangerSig)), dfnsChallenge, ErrBadSignature},
		{"public key of another key", reencode(t, *good, nil, set("publicKey", otherA.PublicKey)), dfnsChallenge, ErrBadSignature},
		{"signature of another algorithm", reencode(t, *good, nil, set("signature", otherA.Signature)), dfnsChallenge, ErrBadSignature},
		{"SHA512 announced, SHA256 signed", reencode(t, *good, nil, set("algorithm", "SHA512")), dfnsChallenge, ErrBadSignature},
		{"unknown algorithm", reencode(t, *good, nil, set("algorithm", "MD5")), dfnsChallenge, ErrMalformed},
		{"algorithm with Ed25519", reencode(t, *other, nil, set("algorithm", "SHA256")), dfnsChallenge, ErrMalformed},
		{"signature not hex", reencode(t, *good, nil, set("signature", "zz")), dfnsChallenge, ErrMalformed},
		{"signature empty", reencode(t, *good, nil, set("signature", "")), dfnsChallenge, ErrMalformed},
		{"no signature", reencode(t, *good, nil, del("signature")), dfnsChallenge, ErrMalformed},
		{"no publicKey", reencode(t, *good, nil, del("publicKey")), dfnsChallenge, ErrMalformed},
		{"publicKey not PEM", reencode(t, *good, nil, set("publicKey", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")), dfnsChallenge, ErrMalformed},
		{"publicKey PEM of a private key", reencode(t, *good, nil, set("publicKey", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")), dfnsChallenge, ErrMalformed},
		{"publicKey PEM of garbage", reencode(t, *good, nil, set("publicKey", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")), dfnsChallenge, ErrMalformed},
		{"publicKey PEM then more", reencode(t, *good, nil, set("publicKey", otherA.PublicKey+"\n"+otherA.PublicKey)), dfnsChallenge, ErrMalformed},
		{"publicKey P-384", reencode(t, *good, nil, set("publicKey", p384PEM)), dfnsChallenge, ErrUnsupportedKey},
		{"clientData garbage base64", mod(func(c *CredentialInfo) { c.ClientData = "!!!" }), dfnsChallenge, ErrMalformed},
		{"clientData padded", mod(func(c *CredentialInfo) { c.ClientData += "=" }), dfnsChallenge, ErrMalformed},
		{"clientData truncated", mod(func(c *CredentialInfo) { c.ClientData = c.ClientData[:len(c.ClientData)/2] }), dfnsChallenge, ErrMalformed},
		{"clientData not JSON", mod(func(c *CredentialInfo) { c.ClientData = b64u("key.create") }), dfnsChallenge, ErrMalformed},
		{"clientData JSON array", mod(func(c *CredentialInfo) { c.ClientData = b64u(`["key.create"]`) }), dfnsChallenge, ErrMalformed},
		{"clientData trailing data", mod(func(c *CredentialInfo) {
			c.ClientData = b64u(`{"type":"key.create","challenge":"` + dfnsChallenge + `"} {}`)
		}), dfnsChallenge, ErrMalformed},
		{"attestationData truncated", mod(func(c *CredentialInfo) { c.AttestationData = c.AttestationData[:len(c.AttestationData)-7] }), dfnsChallenge, ErrMalformed},
		{"attestationData garbage", mod(func(c *CredentialInfo) { c.AttestationData = "*" }), dfnsChallenge, ErrMalformed},
		{"attestationData null", mod(func(c *CredentialInfo) { c.AttestationData = b64u("null") }), dfnsChallenge, ErrMalformed},
		{"credId empty", mod(func(c *CredentialInfo) { c.CredID = "" }), dfnsChallenge, ErrMalformed},
		{"credId not base64url", mod(func(c *CredentialInfo) { c.CredID = "a+b/" }), dfnsChallenge, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pub, err := VerifyKeyAttestation(tc.info, tc.challenge)
			t.Log(err)
			if pub != nil {
				t.Errorf("a key came back with %v", err)
			}
			wantErr(t, err, tc.want)
		})
	}
}

// TestVerifyKeyAttestationVariants accepts what the server evidently takes:
// extra clientData members signed as sent (older SDKs' origin and
// crossOrigin), a PEM with a trailing newline (Node's export) or on one
// line, and algorithm spellings Node reads.
func TestVerifyKeyAttestationVariants(t *testing.T) {
	k := p256Key(t)
	build := func(cd []byte, pemText, algorithm string, signer func([]byte) []byte) CredentialInfo {
		ad, _ := marshalJSON(attestationData{Algorithm: algorithm, PublicKey: pemText, Signature: hexOf(signer(Fingerprint(cd, pemText)))})
		return CredentialInfo{CredID: "AA", ClientData: base64.RawURLEncoding.EncodeToString(cd), AttestationData: base64.RawURLEncoding.EncodeToString(ad)}
	}
	p, _ := PublicKeyPEM(k.Public())
	der, _ := x509.MarshalPKIXPublicKey(k.Public())
	oneLine := "-----BEGIN PUBLIC KEY-----\n" + base64.StdEncoding.EncodeToString(der) + "\n-----END PUBLIC KEY-----"
	sign256 := func(m []byte) []byte { s, _ := sign(rand.Reader, k, AlgorithmES256, m); return s }
	sign512 := func(m []byte) []byte { s, _ := k.Sign(rand.Reader, digest(sha512Hash, m), sha512Hash); return s }
	legacy := []byte(`{"type":"key.create","challenge":"` + dfnsChallenge + `","origin":"https://app.example.com","crossOrigin":false}`)
	cd, _ := ClientData(dfnsChallenge)
	for _, tc := range []struct {
		name string
		info CredentialInfo
	}{
		{"legacy clientData", build(legacy, p, "", sign256)},
		{"PEM with trailing newline", build(cd, p+"\n", "", sign256)},
		{"PEM on one line", build(cd, oneLine, "", sign256)},
		{"SHA256", build(cd, p, "SHA256", sign256)},
		{"sha256", build(cd, p, "sha256", sign256)},
		{"RSA-SHA256 with an EC key", build(cd, p, "RSA-SHA256", sign256)},
		{"SHA512", build(cd, p, "SHA512", sign512)},
	} {
		if _, err := VerifyKeyAttestation(tc.info, dfnsChallenge); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if strings.HasSuffix(p, "\n") {
		t.Fatal("PublicKeyPEM ends with a newline")
	}
}

// TestLineBreaksRefused: encoding/base64 skips CR and LF; the verifiers do not.
func TestLineBreaksRefused(t *testing.T) {
	info, err := AttestKey(dfnsChallenge, p256Key(t))
	if err != nil {
		t.Fatal(err)
	}
	broken := *info
	broken.ClientData = info.ClientData[:10] + "\n" + info.ClientData[10:]
	_, err = VerifyKeyAttestation(broken, dfnsChallenge)
	wantErr(t, err, ErrMalformed)
	for _, s := range []string{"QQ\n", "Q\rQ"} {
		if _, err := decodeBase64URLLenient(s); err == nil {
			t.Errorf("%q decoded", s)
		}
		if _, err := decodeStdBase64(s); err == nil {
			t.Errorf("%q decoded", s)
		}
		if _, err := decodeBase64URL(s); err == nil {
			t.Errorf("%q decoded", s)
		}
	}
}
