package credential

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// TestWrapKnownAnswers pins WrapKey and UnwrapKey against blobs made by
// Node's WebCrypto wrapKey('pkcs8') as the TypeScript SDK makes them: with the
// same IV the output is byte-identical (PKCS #8 DER included), Node's blob
// opens here, and the RecoveryKey credId is SHA-256 of the blob string.
func TestWrapKnownAnswers(t *testing.T) {
	key := p256Key(t)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	for _, v := range loadVectors(t).Wraps {
		if hex.EncodeToString(der) != v.PKCS8 {
			t.Errorf("PKCS #8 DER differs from WebCrypto's")
		}
		got, err := attester{bytes.NewReader(mustHex(t, v.IV))}.wrapKey(key, v.Password, v.UserName)
		if err != nil {
			t.Fatal(err)
		}
		if got != v.EncryptedPrivateKey {
			t.Errorf("encryptedPrivateKey\n got %s\nwant %s", got, v.EncryptedPrivateKey)
		}
		priv, err := UnwrapKey(v.EncryptedPrivateKey, v.Password, v.UserName)
		if err != nil {
			t.Fatal(err)
		}
		if !key.Equal(priv) {
			t.Error("unwrapped key differs")
		}
		if id := recoveryCredID(v.EncryptedPrivateKey); id != v.RecoveryCredID {
			t.Errorf("recovery credId %s, want %s", id, v.RecoveryCredID)
		}
	}
}

func TestWrapRoundTrip(t *testing.T) {
	key := p256Key(t)
	blob, err := WrapKey(key, "pässwörd 🔑", "  Jane.Doe@Example.COM ")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(blob)
	if err != nil || !strings.HasPrefix(string(raw), `{"key":"`) || !strings.Contains(string(raw), `","iv":"`) {
		t.Fatalf("blob %q: %v", raw, err)
	}
	// The salt is of the lower-cased, trimmed name.
	priv, err := UnwrapKey(blob, "pässwörd 🔑", "jane.doe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !key.Equal(priv) {
		t.Error("unwrapped key differs")
	}
	_, err = UnwrapKey(blob, "password", "jane.doe@example.com")
	wantErr(t, err, ErrWrongPassword)
	_, err = UnwrapKey(blob, "pässwörd 🔑", "john@example.com")
	wantErr(t, err, ErrWrongPassword)
	// Without padding, as some encoders write it.
	if _, err := UnwrapKey(strings.TrimRight(blob, "="), "pässwörd 🔑", "jane.doe@example.com"); err != nil {
		t.Errorf("unpadded blob: %v", err)
	}
}

func TestWrapKeyRejects(t *testing.T) {
	_, err := WrapKey(p256Key(t), "", "jane")
	wantErr(t, err, ErrEmptyPassword)
	p384Key, _ := ecdsa.GenerateKey(p384(), nil)
	for _, k := range []any{ed25519Key(t), rsaKey(t), p384Key, nil, *p256Key(t)} {
		_, err := WrapKey(k, "pw", "jane")
		wantErr(t, err, ErrUnsupportedKey)
	}
	_, err = attester{failingReader{}}.wrapKey(p256Key(t), "pw", "jane")
	if err == nil {
		t.Error("no error from a failing reader")
	}
}

// TestUnwrapMalformed: blobs that are not base64 of {"key","iv"} fail as
// ErrMalformed before any key derivation.
func TestUnwrapMalformed(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	tag16 := base64.StdEncoding.EncodeToString(make([]byte, 16))
	iv16 := base64.StdEncoding.EncodeToString(make([]byte, 16))
	for _, blob := range []string{
		"", "!!!!", "e30", b64("null"), b64("[]"), b64(`{"key":"` + tag16 + `"}`), b64(`{"iv":"` + iv16 + `"}`),
		b64(`{"key":1,"iv":"` + iv16 + `"}`), b64(`{"key":"` + tag16 + `","iv":"%%"}`), b64(`{"key":"%%","iv":"` + iv16 + `"}`),
		b64(`{"key":"` + tag16 + `","iv":""}`), b64(`{"key":"AAAA","iv":"` + iv16 + `"}`),
		b64(`{"key":"` + tag16 + `","iv":"` + base64.StdEncoding.EncodeToString(make([]byte, 129)) + `"}`),
		b64(`{"key":"` + tag16 + `","iv":"` + base64.StdEncoding.EncodeToString(make([]byte, 11)) + `"}`),
		b64(`{"key":"` + tag16 + `","iv":"` + iv16 + `"`),
	} {
		_, err := UnwrapKey(blob, "pw", "jane")
		wantErr(t, err, ErrMalformed)
	}
}

// TestEncryptedKeyRules checks CheckEncryptedPrivateKey and UnwrapKey
// against testdata/encrypted-keys.json: what Node's SDK path does with each
// blob, and our decision. An accepted blob unwraps here exactly as in Node
// (ok; DataError, decrypted but not a key, is ErrMalformed; OperationError,
// authentication failed, is ErrWrongPassword); a refused one is ErrMalformed,
// and where Node unwraps it the vectors say why we refuse it.
func TestEncryptedKeyRules(t *testing.T) {
	ek := loadEncryptedKeys(t)
	for _, c := range ek.Cases {
		err := CheckEncryptedPrivateKey(c.EncryptedPrivateKey)
		if c.Accept != (err == nil) {
			t.Errorf("%s: CheckEncryptedPrivateKey = %v, want accepted %v", c.Name, err, c.Accept)
			continue
		}
		if !c.Accept {
			wantErr(t, err, ErrMalformed)
			if c.NodeResult == "ok" && c.Why == "" {
				t.Errorf("%s: Node unwraps it and we refuse it without saying why", c.Name)
			}
			continue
		}
		_, err = UnwrapKey(c.EncryptedPrivateKey, ek.Password, ek.UserName)
		switch c.NodeResult {
		case "ok":
			if err != nil {
				t.Errorf("%s: Node unwraps it, UnwrapKey: %v", c.Name, err)
			}
		case "DataError":
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("%s: Node decrypts it to no key, UnwrapKey: %v", c.Name, err)
			}
		case "OperationError":
			if !errors.Is(err, ErrWrongPassword) {
				t.Errorf("%s: Node fails to authenticate it, UnwrapKey: %v", c.Name, err)
			}
		default:
			t.Errorf("%s: accepted, but Node's %s is not a decryption error", c.Name, c.NodeResult)
		}
	}
}

// TestOpenKey checks what lies under the encryption with a known AES key.
func TestOpenKey(t *testing.T) {
	aesKey := bytes.Repeat([]byte{1}, 32)
	iv := bytes.Repeat([]byte{2}, 16)
	open := func(plain []byte) error {
		blob, err := sealKey(plain, iv, aesKey)
		if err != nil {
			t.Fatal(err)
		}
		ct, iv, err := parseEncryptedKey(blob)
		if err != nil {
			t.Fatal(err)
		}
		_, err = openKey(ct, iv, aesKey)
		return err
	}
	wantErr(t, open([]byte("not PKCS #8")), ErrMalformed)
	edDER, _ := x509.MarshalPKCS8PrivateKey(ed25519Key(t))
	wantErr(t, open(edDER), ErrUnsupportedKey)
	pDER, _ := x509.MarshalPKCS8PrivateKey(p256Key(t))
	if err := open(pDER); err != nil {
		t.Fatal(err)
	}
	// A flipped bit is an authentication failure: ErrWrongPassword.
	blob, _ := sealKey(pDER, iv, aesKey)
	ct, iv2, _ := parseEncryptedKey(blob)
	ct[3] ^= 1
	_, err := openKey(ct, iv2, aesKey)
	wantErr(t, err, ErrWrongPassword)
	// A 12-byte IV (WebCrypto allows any length) is read too.
	iv12 := bytes.Repeat([]byte{3}, 12)
	blob, _ = sealKey(pDER, iv12, aesKey)
	ct, iv3, err := parseEncryptedKey(blob)
	if err != nil || len(iv3) != 12 {
		t.Fatal(err)
	}
	if _, err := openKey(ct, iv3, aesKey); err != nil {
		t.Fatal(err)
	}
}

// TestSalts pins the user-name normalization against JavaScript's
// toLowerCase().trim() (values from Node): final sigma, U+0130, U+FEFF
// trimmed, U+0085 kept.
func TestSalts(t *testing.T) {
	for _, v := range loadVectors(t).Salts {
		if got := jsTrim(jsToLower(v.UserName)); got != v.Normalized {
			t.Errorf("%q: normalized %q, want %q", v.UserName, got, v.Normalized)
		}
		if got := userSalt(v.UserName); hex.EncodeToString(got[:]) != v.Salt {
			t.Errorf("%q: salt differs", v.UserName)
		}
	}
}

func TestAttestPasswordProtectedKey(t *testing.T) {
	ch := parseChallenge[*dfns.PasswordProtectedKeyChallenge](t,
		challengeJSON("PasswordProtectedKey", dfnsChallenge, "Jane.Doe@Example.com", -7, -257))
	att, err := AttestPasswordProtectedKey(ch, "hunter2")
	if err != nil {
		t.Fatal(err)
	}
	if att.Kind != dfns.CredentialKindPasswordProtectedKey || att.EncryptedPrivateKey == "" ||
		att.RecoveryCode != "" || att.ChallengeIdentifier != ch.ChallengeIdentifier() {
		t.Errorf("attestation %+v", att)
	}
	pub, err := VerifyKeyAttestation(att.CredentialInfo, dfnsChallenge)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(decodeB64u(t, att.CredentialInfo.AttestationData), `{"algorithm":"SHA256",`) {
		t.Error("attestationData lacks the leading algorithm")
	}
	priv, err := UnwrapKey(att.EncryptedPrivateKey, "hunter2", "jane.doe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !priv.(*ecdsa.PrivateKey).PublicKey.Equal(pub) || !att.Signer.Public().(*ecdsa.PublicKey).Equal(pub) {
		t.Error("the wrapped, signing and attested keys differ")
	}

	_, err = AttestPasswordProtectedKey(ch, "")
	wantErr(t, err, ErrEmptyPassword)
	_, err = AttestPasswordProtectedKey(nil, "pw")
	wantErr(t, err, ErrMalformed)
	noP256 := parseChallenge[*dfns.PasswordProtectedKeyChallenge](t,
		challengeJSON("PasswordProtectedKey", dfnsChallenge, "jane", -8))
	_, err = AttestPasswordProtectedKey(noP256, "pw")
	wantErr(t, err, ErrUnsupportedKey)
}

func decodeB64u(t testing.TB, s string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
