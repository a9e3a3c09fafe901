package credential

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// TestNewRecoveryCodeStream pins the mapping from random bytes to letters:
// the bytes 0..31 spell the alphabet in order.
func TestNewRecoveryCodeStream(t *testing.T) {
	got, err := newRecoveryCode(&stream{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// Byte 32+i maps to the same letter as i: 256 is a multiple of 32, so no
	// byte is rejected and none is favoured.
	got, err = newRecoveryCode(&stream{next: 32})
	if err != nil || got != "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789" {
		t.Errorf("got %s, %v", got, err)
	}
	if _, err := newRecoveryCode(failingReader{}); err == nil {
		t.Error("no error from a failing reader")
	}
}

// TestNewRecoveryCodeSamples checks the format and uniqueness of codes from
// crypto/rand (a repeat among 4,000 codes of 160 bits has a probability under
// 1e-40).
func TestNewRecoveryCodeSamples(t *testing.T) {
	const samples = 4000
	seen := map[string]bool{}
	for range samples {
		c, err := NewRecoveryCode()
		if err != nil {
			t.Fatal(err)
		}
		if p, err := ParseRecoveryCode(c); err != nil || p != c {
			t.Fatalf("%s: %v", c, err)
		}
		if seen[c] {
			t.Fatalf("duplicate code %s", c)
		}
		seen[c] = true
	}
}

// TestNewRecoveryCodeUniform checks that the mapping from random bytes to
// letters favours none: every letter comes from exactly 256/32 = 8 byte
// values. With a uniform source the letters are then uniform, which the
// chi-square of TestNewRecoveryCodeFrequencies illustrates.
func TestNewRecoveryCodeUniform(t *testing.T) {
	from := map[byte]int{}
	for b := range 256 {
		c, err := newRecoveryCode(bytes.NewReader(bytes.Repeat([]byte{byte(b)}, recoveryLetters)))
		if err != nil {
			t.Fatal(err)
		}
		from[c[len(recoveryPrefix)]]++
	}
	if len(from) != len(recoveryAlphabet) {
		t.Fatalf("%d distinct letters, want %d", len(from), len(recoveryAlphabet))
	}
	for l, n := range from {
		if n != 256/len(recoveryAlphabet) {
			t.Errorf("letter %c comes from %d byte values, want %d", l, n, 256/len(recoveryAlphabet))
		}
	}
}

// TestNewRecoveryCodeFrequencies is a chi-square of the letters over 4,000
// codes drawn from a fixed-seed ChaCha8 stream: deterministic, so it cannot
// fail by chance, yet it would catch a mapping that skews the letters.
func TestNewRecoveryCodeFrequencies(t *testing.T) {
	const samples = 4000
	src := rand.NewChaCha8([32]byte{'d', 'f', 'n', 's'})
	counts := map[rune]int{}
	for range samples {
		c, err := newRecoveryCode(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range strings.ReplaceAll(c[len(recoveryPrefix):], "-", "") {
			counts[r]++
		}
	}
	expected := float64(samples*recoveryLetters) / float64(len(recoveryAlphabet))
	chi := 0.0
	for _, r := range recoveryAlphabet {
		d := float64(counts[r]) - expected
		chi += d * d / expected
	}
	// 31 degrees of freedom: above 70 has p < 1e-4 for a uniform source.
	if chi > 70 {
		t.Errorf("letter frequencies look biased: chi-square %.1f", chi)
	}
}

func TestParseRecoveryCode(t *testing.T) {
	const good = "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789"
	for in, want := range map[string]string{
		good:                  good,
		strings.ToLower(good): good,
		"  " + good + "\n":    good,
		"d1-abcdef-ghjkl-mnpqr-stuvw-xyz23-456789": good,
	} {
		got, err := ParseRecoveryCode(in)
		if err != nil || got != want {
			t.Errorf("ParseRecoveryCode(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{
		"", "D1-", "D2-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789", "D1ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-4567899",
		"D1-ABCDE-FGHJKL-MNPQR-STUVW-XYZ23-456789", "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678",
		"D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-4567899", "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23_456789",
		"D1-IBCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789", "D1-OBCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789",
		"D1-0BCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789", "D1-1BCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789",
		"D1-ABCDEF GHJKL-MNPQR-STUVW-XYZ23-456789", "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678\u017f",
		"D1-\u017fBCDEF-GHJKL-MNPQR-STUVW-XYZ23-45678", "D1-ABCDEF-GHJKL-MNPQR-STUVW-XYZ23-456789-",
	} {
		if got, err := ParseRecoveryCode(bad); err == nil {
			t.Errorf("ParseRecoveryCode(%q) = %q, want an error", bad, got)
		} else {
			wantErr(t, err, ErrInvalidRecoveryCode)
		}
	}
}

// TestAttestRecoveryKey pins the RecoveryKey choices: the challenge goes in
// verbatim (not base64url-encoded again), algorithm SHA256, credId =
// base64url(SHA-256(encryptedPrivateKey string)), the key unwraps with the
// recovery code and the user name.
func TestAttestRecoveryKey(t *testing.T) {
	ch := parseChallenge[*dfns.RecoveryKeyChallenge](t, challengeJSON("RecoveryKey", dfnsChallenge, "Jane.Doe@Example.com", -7))
	att, err := AttestRecoveryKey(ch)
	if err != nil {
		t.Fatal(err)
	}
	if att.Kind != dfns.CredentialKindRecoveryKey || att.EncryptedPrivateKey == "" || att.Signer == nil {
		t.Errorf("attestation %+v", att)
	}
	if _, err := ParseRecoveryCode(att.RecoveryCode); err != nil {
		t.Fatal(err)
	}
	var cd map[string]string
	if err := json.Unmarshal([]byte(decodeB64u(t, att.CredentialInfo.ClientData)), &cd); err != nil || cd["challenge"] != dfnsChallenge {
		t.Errorf("clientData %v (%v): the challenge must be verbatim", cd, err)
	}
	if att.CredentialInfo.CredID != recoveryCredID(att.EncryptedPrivateKey) {
		t.Error("credId is not SHA-256 of encryptedPrivateKey")
	}
	if !strings.HasPrefix(decodeB64u(t, att.CredentialInfo.AttestationData), `{"algorithm":"SHA256",`) {
		t.Error("attestationData lacks the leading algorithm")
	}
	if _, err := VerifyKeyAttestation(att.CredentialInfo, dfnsChallenge); err != nil {
		t.Fatal(err)
	}
	priv, err := UnwrapKey(att.EncryptedPrivateKey, att.RecoveryCode, "jane.doe@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !att.Signer.Public().(*ecdsa.PublicKey).Equal(&priv.(*ecdsa.PrivateKey).PublicKey) {
		t.Error("the wrapped key is not the attested one")
	}

	_, err = AttestRecoveryKey(nil)
	wantErr(t, err, ErrMalformed)
	rsaOnly := parseChallenge[*dfns.RecoveryKeyChallenge](t, challengeJSON("RecoveryKey", dfnsChallenge, "jane", -257))
	_, err = AttestRecoveryKey(rsaOnly)
	wantErr(t, err, ErrUnsupportedKey)
	empty := parseChallenge[*dfns.RecoveryKeyChallenge](t, challengeJSON("RecoveryKey", "", "jane", -7))
	_, err = AttestRecoveryKey(empty)
	wantErr(t, err, ErrInvalidChallenge)
}
