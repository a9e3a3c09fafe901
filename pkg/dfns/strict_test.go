package dfns

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// concreteKind is the kind a variant's Go type stands for.
func concreteKind(ch Challenge) CredentialKind {
	switch ch.(type) {
	case *Fido2Challenge:
		return CredentialKindFido2
	case *KeyChallenge:
		return CredentialKindKey
	case *PasswordProtectedKeyChallenge:
		return CredentialKindPasswordProtectedKey
	case *RecoveryKeyChallenge:
		return CredentialKindRecoveryKey
	case *PasswordChallenge:
		return CredentialKindPassword
	case *TotpChallenge:
		return CredentialKindTotp
	}
	return ""
}

// fixture reads testdata/responses/<name>.json, failing when it is gone.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "responses", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edit applies f to a decoded copy of body and re-encodes it.
func edit(t testing.TB, body []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStrictRefuses: strict validation refuses each kind of violation with a
// *ValidationError naming the JSON pointer and the rule, never the value;
// the default validation tolerates the same bodies but where the flow needs
// the field.
func TestStrictRefuses(t *testing.T) {
	const leak = "LEAK-cr-VALUE"
	fido2, key := fixture(t, "fido2"), fixture(t, "key")
	for _, tc := range []struct {
		name, path, rule string
		body             []byte
		defaultOK        bool
	}{
		{"required", "/attestation", RuleRequired, edit(t, key, func(m map[string]any) { delete(m, "attestation") }), true},
		{"required nested", "/user/displayName", RuleRequired, edit(t, key, func(m map[string]any) { delete(m["user"].(map[string]any), "displayName") }), true},
		{"required by the flow", "/challenge", RuleRequired, edit(t, key, func(m map[string]any) { delete(m, "challenge") }), false},
		{"type", "/challenge", RuleType, edit(t, key, func(m map[string]any) { m["challenge"] = 12 }), false},
		{"type in an array", "/pubKeyCredParams/0/alg", RuleType, edit(t, key, func(m map[string]any) {
			m["pubKeyCredParams"] = []any{map[string]any{"type": "public-key", "alg": leak}}
		}), false},
		{"enum", "/attestation", RuleEnum, edit(t, fido2, func(m map[string]any) { m["attestation"] = leak }), true},
		{"enum nested", "/authenticatorSelection/residentKey", RuleEnum, edit(t, fido2, func(m map[string]any) {
			m["authenticatorSelection"].(map[string]any)["residentKey"] = leak
		}), true},
		{"unknown kind", "/kind", RuleEnum, edit(t, key, func(m map[string]any) { m["kind"] = leak }), true},
		{"pattern", "/excludeCredentials/0/id", RulePattern, edit(t, fido2, func(m map[string]any) {
			m["excludeCredentials"] = []any{map[string]any{"type": "public-key", "id": leak}}
		}), true},
		{"length", "/excludeCredentials/0/id", RuleMinLength, edit(t, fido2, func(m map[string]any) {
			m["excludeCredentials"] = []any{map[string]any{"type": "public-key", "id": ""}}
		}), true},
		{"max length", "/excludeCredentials/0/id", RuleMaxLength, edit(t, fido2, func(m map[string]any) {
			m["excludeCredentials"] = []any{map[string]any{"type": "public-key", "id": "cr-" + strings.Repeat("a", 70)}}
		}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseChallengeStrict(tc.body)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("got %T %v, want a *ValidationError", err, err)
			}
			if ve.In != "response" || ve.Path != tc.path || ve.Rule != tc.rule {
				t.Errorf("got %+v, want %s at %s", *ve, tc.rule, tc.path)
			}
			if strings.Contains(err.Error(), "LEAK") || strings.Contains(ve.Want, "LEAK") {
				t.Errorf("the error holds the value: %v", err)
			}
			if _, err := ParseChallenge(tc.body); (err == nil) != tc.defaultOK {
				t.Errorf("default validation: %v, want ok=%v", err, tc.defaultOK)
			}
		})
	}
}

// TestStrictAcceptsFixtures: every fixture but the unknown kind passes both
// modes as the same variant, and marshals back to a strict-valid body (the
// variant is the generated model).
func TestStrictAcceptsFixtures(t *testing.T) {
	for _, name := range []string{"fido2", "key", "passwordprotectedkey", "recoverykey", "password", "totp"} {
		body := fixture(t, name)
		strict, err := ParseChallengeStrict(body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ch, err := ParseChallenge(body)
		if err != nil || concreteKind(ch) != strict.Kind() || concreteKind(strict) != strict.Kind() {
			t.Fatalf("%s: %T %T %v", name, ch, strict, err)
		}
		again, err := json.Marshal(strict)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseChallengeStrict(again); err != nil {
			t.Errorf("%s: marshalled back: %v\n%s", name, err, again)
		}
	}
	if _, err := ParseChallengeStrict(fixture(t, "unknown")); err == nil {
		t.Error("strict accepted an unknown kind")
	}
}

// TestStrictKindCaseVariant: a body the validator reads as a Key challenge
// but encoding/json would decode with another kind ("Kind" after "kind")
// is refused, not decoded as the wrong variant.
func TestStrictKindCaseVariant(t *testing.T) {
	body := bytes.TrimSpace(fixture(t, "key"))
	body = append(body[:len(body)-1], []byte(`,"Kind":"Fido2"}`)...)
	_, err := ParseChallengeStrict(body)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Path != "/kind" {
		t.Fatalf("got %v", err)
	}
}

// TestStrictDecodeError: a body that is not JSON is a *DecodeError, with no
// response metadata.
func TestStrictDecodeError(t *testing.T) {
	for _, body := range []string{"", "{", "<html>", `{"kind":"Key"} x`, "\xef\xbb\xbf{}", `{"alg":1e400}`} {
		_, err := ParseChallengeStrict([]byte(body))
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%q: got %T %v, want a *DecodeError", body, err, err)
			continue
		}
		if de.StatusCode != 0 || de.ContentType != "" || de.Err == nil {
			t.Errorf("%q: %+v", body, de)
		}
	}
}
