package credential

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dfnskit/dfns-go/internal/webauthntest"
)

// Fuzz targets for every decoder of the package, seeded from the test
// vectors. Run one at a time, e.g.
//
//	go test -run '^$' -fuzz=FuzzFido2Info -fuzztime=30s ./pkg/credential/
//
// Crashers land in testdata/fuzz/<target>/ and then run with the unit tests.

var sentinels = []error{
	ErrMalformed, ErrInvalidChallenge, ErrUnsupportedKey, ErrWrongType, ErrWrongChallenge, ErrWrongOrigin,
	ErrWrongRPID, ErrBadSignature, ErrWrongPassword, ErrEmptyPassword, ErrInvalidRecoveryCode,
}

// checkSentinel fails unless err wraps exactly one of the package's errors.
func checkSentinel(t *testing.T, err error) {
	t.Helper()
	n := 0
	for _, s := range sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("error %q wraps %d of the package's errors, want 1", err, n)
	}
}

func FuzzParseRecoveryCode(f *testing.F) {
	for _, s := range []string{
		"D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789", "d1-abcdef-ghjkl-mnpqr-stuvw-xyz23-456789",
		" D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789\n", "D1-IBCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789", "", "D1-",
		"D1-\u017fBCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseRecoveryCode(s)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		if got != strings.Map(asciiUpper, strings.TrimSpace(s)) {
			t.Fatalf("%q canonicalized to %q", s, got)
		}
		if len(got) != recoveryLen || !strings.HasPrefix(got, "D1-") {
			t.Fatalf("accepted %q", got)
		}
		for _, r := range got[3:] {
			if r != '-' && !strings.ContainsRune(recoveryAlphabet, r) {
				t.Fatalf("accepted %q with %q", got, r)
			}
		}
		if again, err := ParseRecoveryCode(got); err != nil || again != got {
			t.Fatalf("not idempotent on %q: %q, %v", got, again, err)
		}
	})
}

func FuzzClientData(f *testing.F) {
	for _, s := range []string{dfnsChallenge, "a<b>&c", "\u2028\u2029", "\x00\x1f\x7f", `"\`, "é😀", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, challenge string) {
		cd, err := ClientData(challenge)
		if err != nil {
			checkSentinel(t, err)
			if challenge != "" && utf8.ValidString(challenge) {
				t.Fatalf("refused %q: %v", challenge, err)
			}
			return
		}
		var c clientData
		dec := json.NewDecoder(bytes.NewReader(cd))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil || c.Type != "key.create" || c.Challenge != challenge {
			t.Fatalf("%q: clientData %s does not decode back: %v", challenge, cd, err)
		}
		if !bytes.HasPrefix(cd, []byte(`{"type":"key.create","challenge":"`)) || bytes.ContainsAny(cd, " \n") && !strings.ContainsAny(challenge, " \n") {
			t.Fatalf("clientData %s", cd)
		}
	})
}

func FuzzDecodeBase64URLLenient(f *testing.F) {
	for _, s := range []string{"AAECAwQFBgcICQoLDA0ODw", "cr-6uunn-9k5fu-8nl4mcnbd9b2pk", "cr-6uunn-9k5fu-8nl4mcnbd9b2pkqd", "QQ==", "Q", "a+b/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := decodeBase64URLLenient(s)
		if err != nil {
			return
		}
		again, err := decodeBase64URLLenient(base64.RawURLEncoding.EncodeToString(b))
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("%q: %x does not round trip: %x, %v", s, b, again, err)
		}
		if want := len(strings.TrimRight(s, "=")) * 6 / 8; len(b) != want {
			t.Fatalf("%q decoded to %d bytes, want %d", s, len(b), want)
		}
	})
}

// FuzzUnwrapKey fuzzes the encryptedPrivateKey decoding and what lies under
// the encryption. PBKDF2's 100,000 iterations would make each run slow, so
// the AES key is fixed: blobs sealed under it are the seeds.
func FuzzUnwrapKey(f *testing.F) {
	aesKey := bytes.Repeat([]byte{1}, 32)
	for _, v := range loadVectors(f).Wraps {
		f.Add(v.EncryptedPrivateKey)
	}
	for _, c := range loadEncryptedKeys(f).Cases {
		f.Add(c.EncryptedPrivateKey)
	}
	sealed, err := sealKey(mustPKCS8(f), bytes.Repeat([]byte{2}, 16), aesKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add(strings.TrimRight(sealed, "="))
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"key":"AAAAAAAAAAAAAAAAAAAAAA==","iv":"AAAAAAAAAAAAAAAAAAAAAA=="}`)))
	f.Fuzz(func(t *testing.T, blob string) {
		ct, iv, err := parseEncryptedKey(blob)
		if err != nil {
			checkSentinel(t, err)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("parse error %v is not ErrMalformed", err)
			}
			return
		}
		if len(iv) < minIVSize || len(iv) > maxIVSize || len(ct) < minSealedSize || strings.ContainsAny(blob, "\r\n \t") {
			t.Fatalf("accepted iv of %d, ciphertext of %d bytes", len(iv), len(ct))
		}
		key, err := openKey(ct, iv, aesKey)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		if k, ok := key.(*ecdsa.PrivateKey); !ok || k.Curve != elliptic.P256() {
			t.Fatalf("opened a %T", key)
		}
	})
}

func FuzzVerifyKeyAttestation(f *testing.F) {
	for _, v := range loadVectors(f).Attestations {
		c := v.CredentialInfo
		f.Add(c.CredID, c.ClientData, c.AttestationData, v.Challenge)
		f.Add(c.CredID, c.ClientData, c.AttestationData, v.Challenge+"x")
		f.Add(c.CredID, c.ClientData[:len(c.ClientData)/2], c.AttestationData, v.Challenge)
	}
	f.Add("AA", b64u(`{"type":"key.create","challenge":"c"}`), b64u(`{"publicKey":"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----","signature":"00","algorithm":"SHA512"}`), "c")
	f.Fuzz(func(t *testing.T, credID, clientDataB64, attestationDataB64, challenge string) {
		info := CredentialInfo{CredID: credID, ClientData: clientDataB64, AttestationData: attestationDataB64}
		pub, err := VerifyKeyAttestation(info, challenge)
		if err != nil {
			checkSentinel(t, err)
			if pub != nil {
				t.Fatal("a key with an error")
			}
			return
		}
		if _, err := AlgorithmOf(pub); err != nil {
			t.Fatalf("verified an unsupported key: %v", err)
		}
		cd, _ := base64.RawURLEncoding.DecodeString(clientDataB64)
		var c clientData
		if err := json.Unmarshal(cd, &c); err != nil || c.Challenge != challenge || c.Type != "key.create" {
			t.Fatalf("verified clientData %s for %q", cd, challenge)
		}
	})
}

func FuzzFido2Info(f *testing.F) {
	key := p256Key(f)
	a := &webauthntest.Authenticator{Key: key, CredID: []byte("0123456789abcdef"), RPID: testRPID, Flags: webauthntest.FlagsUPUVAT}
	cdj := webauthntest.ClientDataJSON("webauthn.create", b64u(dfnsChallenge), testOrigin)
	good := webauthntest.BrowserJSON(a.CredID, cdj, a.Attest(f, "none", cdj))
	f.Add(good)
	f.Add(webauthntest.BrowserJSON(a.CredID, cdj, a.Attest(f, "packed", cdj)))
	f.Add(bytes.Replace(good, []byte(`"rawId"`), []byte(`"x"`), 1))
	f.Add([]byte(`{"id":"AA","type":"public-key","response":{"clientDataJSON":"e30","attestationObject":"oA"}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, in []byte) {
		info, err := Fido2Info(in)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		for _, s := range []string{info.CredID, info.ClientData, info.AttestationData} {
			b, err := base64.RawURLEncoding.DecodeString(s)
			if err != nil || len(b) == 0 || base64.RawURLEncoding.EncodeToString(b) != s {
				t.Fatalf("non-canonical field %q", s)
			}
		}
		// Fido2Info of its own output, re-wrapped, is the same.
		id, _ := base64.RawURLEncoding.DecodeString(info.CredID)
		c, _ := base64.RawURLEncoding.DecodeString(info.ClientData)
		o, _ := base64.RawURLEncoding.DecodeString(info.AttestationData)
		again, err := Fido2Info(webauthntest.BrowserJSON(id, c, o))
		if err != nil || *again != *info {
			t.Fatalf("not stable: %+v, %v", again, err)
		}
	})
}

func FuzzVerifyFido2Attestation(f *testing.F) {
	key := p256Key(f)
	a := &webauthntest.Authenticator{Key: key, CredID: []byte("0123456789abcdef"), RPID: testRPID, Flags: webauthntest.FlagsUPUVAT}
	for _, challenge := range []string{b64u(dfnsChallenge), dfnsChallenge} {
		cdj := webauthntest.ClientDataJSON("webauthn.create", challenge, testOrigin)
		for _, format := range []string{"none", "packed"} {
			info, err := Fido2Info(webauthntest.BrowserJSON(a.CredID, cdj, a.Attest(f, format, cdj)))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(info.CredID, info.ClientData, info.AttestationData, dfnsChallenge)
		}
	}
	f.Fuzz(func(t *testing.T, credID, clientDataB64, attestationDataB64, challenge string) {
		info := CredentialInfo{CredID: credID, ClientData: clientDataB64, AttestationData: attestationDataB64}
		cred, err := VerifyFido2Attestation(info, challenge, testRPID, testOrigin)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		if cred.PublicKey == nil || len(cred.ID) == 0 {
			t.Fatalf("credential %+v", cred)
		}
	})
}

func mustPKCS8(t testing.TB) []byte {
	t.Helper()
	der, err := x509MarshalPKCS8(p256Key(t))
	if err != nil {
		t.Fatal(err)
	}
	return der
}
