package dfns_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// The default response validation (what the flow needs) and the strict one
// (every constraint of the spec).

func TestDefaultValidationFailures(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	user := map[string]any{"id": 1, "displayName": "Jane Doe", "name": "jane@example.com"}
	tests := []struct {
		name     string
		fixture  string
		fields   map[string]any
		wantPath string
		wantRule string
	}{
		{"missing kind", "key", map[string]any{"kind": absent}, "/kind", dfns.RuleRequired},
		{"null kind", "key", map[string]any{"kind": nil}, "/kind", dfns.RuleRequired},
		{"empty kind", "key", map[string]any{"kind": ""}, "/kind", dfns.RuleRequired},
		{"missing kind, unknown fields", "unknown", map[string]any{"kind": absent}, "/kind", dfns.RuleRequired},
		{"missing challengeIdentifier", "fido2", map[string]any{"challengeIdentifier": absent}, "/challengeIdentifier", dfns.RuleRequired},
		{"null challengeIdentifier", "password", map[string]any{"challengeIdentifier": nil}, "/challengeIdentifier", dfns.RuleRequired},
		{"missing challengeIdentifier, unknown kind", "unknown", map[string]any{"challengeIdentifier": absent}, "/challengeIdentifier", dfns.RuleRequired},
		{"missing user", "key", map[string]any{"user": absent}, "/user", dfns.RuleRequired},
		{"null user", "totp", map[string]any{"user": nil}, "/user", dfns.RuleRequired},
		{"missing challenge, Fido2", "fido2", map[string]any{"challenge": absent}, "/challenge", dfns.RuleRequired},
		{"missing challenge, Key", "key", map[string]any{"challenge": absent}, "/challenge", dfns.RuleRequired},
		{"missing challenge, PasswordProtectedKey", "passwordprotectedkey", map[string]any{"challenge": absent}, "/challenge", dfns.RuleRequired},
		{"missing challenge, RecoveryKey", "recoverykey", map[string]any{"challenge": absent}, "/challenge", dfns.RuleRequired},
		{"null challenge, Fido2", "fido2", map[string]any{"challenge": nil}, "/challenge", dfns.RuleRequired},
		{"null challenge, RecoveryKey", "recoverykey", map[string]any{"challenge": nil}, "/challenge", dfns.RuleRequired},
		{"missing otpUrl", "totp", map[string]any{"otpUrl": absent}, "/otpUrl", dfns.RuleRequired},
		{"null otpUrl", "totp", map[string]any{"otpUrl": nil}, "/otpUrl", dfns.RuleRequired},
		{"challenge is a number", "key", map[string]any{"challenge": 5}, "/challenge", dfns.RuleType},
		{"challenge is an object, Fido2", "fido2", map[string]any{"challenge": map[string]any{}}, "/challenge", dfns.RuleType},
		{"user id is a number", "key", map[string]any{"user": user}, "/user/id", dfns.RuleType},
		{"user id is a number, Password", "password", map[string]any{"user": user}, "/user/id", dfns.RuleType},
		{"user is a string", "fido2", map[string]any{"user": "jane"}, "/user", dfns.RuleType},
		{"kind is a number", "key", map[string]any{"kind": 5}, "/kind", dfns.RuleType},
		{"challengeIdentifier is a number", "key", map[string]any{"challengeIdentifier": 5}, "/challengeIdentifier", dfns.RuleType},
		{"challengeIdentifier is a number, unknown kind", "unknown", map[string]any{"challengeIdentifier": 5}, "/challengeIdentifier", dfns.RuleType},
		{"otpUrl is a boolean", "totp", map[string]any{"otpUrl": true}, "/otpUrl", dfns.RuleType},
		{"rp is an array", "key", map[string]any{"rp": raw(`[]`)}, "/rp", dfns.RuleType},
		{"rp name is a number", "fido2", map[string]any{"rp": raw(`{"id":"a","name":7}`)}, "/rp/name", dfns.RuleType},
		{"pubKeyCredParams is an object", "key", map[string]any{"pubKeyCredParams": map[string]any{}}, "/pubKeyCredParams", dfns.RuleType},
		{"requireResidentKey is a string", "fido2", map[string]any{"authenticatorSelection": raw(`{"requireResidentKey":"yes"}`)}, "/authenticatorSelection/requireResidentKey", dfns.RuleType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := withFields(t, responseFixture(t, tt.fixture), tt.fields)
			assertValidationError(t, body, tt.wantPath, tt.wantRule)
		})
	}
	documents := []struct {
		name string
		body string
	}{
		{"array", `[{"kind":"Key"}]`},
		{"string", `"Key"`},
		{"number", `42`},
		{"boolean", `true`},
		{"null", `null`},
		{"null with white space", " \n null\t"},
	}
	for _, tt := range documents {
		t.Run("body is a JSON "+tt.name, func(t *testing.T) {
			assertValidationError(t, []byte(tt.body), "", dfns.RuleType)
		})
	}
}

// assertValidationError parses body both ways (ParseChallenge and through the
// client) and wants the same *ValidationError from each.
func assertValidationError(t *testing.T, body []byte, wantPath, wantRule string) {
	t.Helper()
	srv := newFakeDfns(t, replyJSON(body))
	c := newTestClient(t, srv.URL)
	for _, via := range []string{"ParseChallenge", "client"} {
		var (
			ch  dfns.Challenge
			err error
		)
		if via == "client" {
			ch, err = redeem(c, dfns.CredentialKindKey)
		} else {
			ch, err = dfns.ParseChallenge(body)
		}
		var ve *dfns.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: err = %v (%T), want *ValidationError; body %s", via, err, err, body)
		}
		if ch != nil {
			t.Errorf("%s: challenge = %v, want nil", via, ch)
		}
		if ve.In != "response" || ve.Path != wantPath || ve.Rule != wantRule {
			t.Errorf("%s: In=%q Path=%q Rule=%q, want response %q %q", via, ve.In, ve.Path, ve.Rule, wantPath, wantRule)
		}
		if !strings.HasPrefix(ve.Error(), "dfns: invalid response: ") {
			t.Errorf("%s: Error() = %q", via, ve.Error())
		}
	}
}

// A ValidationError names the field and the rule, never the value.
func TestValidationErrorOmitsTheValue(t *testing.T) {
	const marker = "s3cr3t-v4lue-7781"
	bodies := map[string]map[string]any{
		"challenge":           {"challenge": map[string]any{"v": marker}},
		"challengeIdentifier": {"challengeIdentifier": []string{marker}},
		"user":                {"user": map[string]any{"id": 1, "name": marker, "displayName": marker}},
		"kind":                {"kind": []string{marker}},
	}
	for name, fields := range bodies {
		t.Run(name, func(t *testing.T) {
			_, err := dfns.ParseChallenge(withFields(t, responseFixture(t, "key"), fields))
			var ve *dfns.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
				if strings.Contains(s, marker) {
					t.Errorf("error holds the value: %s", s)
				}
			}
		})
	}
}

func TestDefaultValidationTolerates(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	tests := []struct {
		name     string
		fixture  string
		fields   map[string]any
		wantType string
		check    func(t *testing.T, ch dfns.Challenge)
	}{
		{"missing temporaryAuthenticationToken, Fido2", "fido2", map[string]any{"temporaryAuthenticationToken": absent}, "Fido2", noTempToken},
		{"missing temporaryAuthenticationToken, Key", "key", map[string]any{"temporaryAuthenticationToken": absent}, "Key", noTempToken},
		{"missing temporaryAuthenticationToken, PasswordProtectedKey", "passwordprotectedkey", map[string]any{"temporaryAuthenticationToken": absent}, "PasswordProtectedKey", noTempToken},
		{"missing temporaryAuthenticationToken, RecoveryKey", "recoverykey", map[string]any{"temporaryAuthenticationToken": absent}, "RecoveryKey", noTempToken},
		{"missing temporaryAuthenticationToken, Password", "password", map[string]any{"temporaryAuthenticationToken": absent}, "Password", noTempToken},
		{"missing temporaryAuthenticationToken, Totp", "totp", map[string]any{"temporaryAuthenticationToken": absent}, "Totp", noTempToken},
		{"null temporaryAuthenticationToken", "key", map[string]any{"temporaryAuthenticationToken": nil}, "Key", noTempToken},
		{"unknown extra fields", "fido2", map[string]any{"newThing": raw(`{"a":[1,{"b":null}]}`), "hint": "x"}, "Fido2", nil},
		{"Password with a numeric challenge", "password", map[string]any{"challenge": 5}, "Password", nil},
		{"Totp with fields of other kinds mistyped", "totp", map[string]any{"challenge": 5, "pubKeyCredParams": "x", "excludeCredentials": 3}, "Totp", nil},
		{"Key with Fido2 fields mistyped", "key", map[string]any{"authenticatorSelection": 5, "excludeCredentials": "none"}, "Key", nil},
		{"RecoveryKey with a mistyped otpUrl", "recoverykey", map[string]any{"otpUrl": 5}, "RecoveryKey", nil},
		{"missing rp", "fido2", map[string]any{"rp": absent}, "Fido2", noRP},
		{"null rp", "key", map[string]any{"rp": nil}, "Key", noRP},
		{"unknown kind with mistyped extras and no user", "unknown", map[string]any{"challenge": 5, "user": absent}, "Unknown", nil},
		{"unknown enum values", "fido2", map[string]any{
			"attestation":            "telepathic",
			"authenticatorSelection": raw(`{"authenticatorAttachment":"hybrid","residentKey":"sometimes","requireResidentKey":false,"userVerification":"whenever"}`),
			"pubKeyCredParams":       raw(`[{"type":"public-key-2","alg":-8}]`),
			"excludeCredentials":     raw(`[{"type":"public-key","id":"not-a-cr-id"}]`),
		}, "Fido2", func(t *testing.T, ch dfns.Challenge) {
			c := ch.(*dfns.Fido2Challenge)
			wantEqual(t, "Attestation", c.Attestation, gen.AttestationConveyance("telepathic"))
			wantEqual(t, "AuthenticatorAttachment", *c.AuthenticatorSelection.AuthenticatorAttachment, gen.AuthenticatorAttachment("hybrid"))
			wantEqual(t, "ResidentKey", c.AuthenticatorSelection.ResidentKey, gen.ResidentKeyRequirement("sometimes"))
			wantEqual(t, "UserVerification", c.AuthenticatorSelection.UserVerification, gen.UserVerificationRequirement("whenever"))
			wantEqual(t, "PubKeyCredParams", c.PubKeyCredParams, []dfns.PubKeyCredParam{{Type: "public-key-2", Alg: -8}})
			wantEqual(t, "ExcludeCredentials[0].ID", c.ExcludeCredentials[0].ID, "not-a-cr-id")
		}},
		{"empty arrays", "fido2", map[string]any{"excludeCredentials": raw(`[]`)}, "Fido2", func(t *testing.T, ch dfns.Challenge) {
			if ec := ch.(*dfns.Fido2Challenge).ExcludeCredentials; ec == nil || len(ec) != 0 {
				t.Errorf("ExcludeCredentials = %#v, want an empty, non-nil slice", ec)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := withFields(t, responseFixture(t, tt.fixture), tt.fields)
			srv := newFakeDfns(t, replyJSON(body))
			c := newTestClient(t, srv.URL)
			for _, via := range []string{"ParseChallenge", "client"} {
				var (
					ch  dfns.Challenge
					err error
				)
				if via == "client" {
					ch, err = redeem(c, dfns.CredentialKindKey)
				} else {
					ch, err = dfns.ParseChallenge(body)
				}
				if err != nil {
					t.Fatalf("%s: %v; body %s", via, err, body)
				}
				if got := challengeType(ch); got != tt.wantType {
					t.Fatalf("%s: type = %s, want %s", via, got, tt.wantType)
				}
				if ch.ChallengeIdentifier() == "" {
					t.Errorf("%s: ChallengeIdentifier() is empty", via)
				}
				if tt.check != nil {
					tt.check(t, ch)
				}
			}
		})
	}
}

func noTempToken(t *testing.T, ch dfns.Challenge) {
	t.Helper()
	if tok := ch.TemporaryAuthenticationToken(); tok != "" {
		t.Errorf("TemporaryAuthenticationToken() = %q, want empty", tok)
	}
}

func noRP(t *testing.T, ch dfns.Challenge) {
	t.Helper()
	if rp, ok := ch.RelyingParty(); ok || rp != (dfns.RelyingParty{}) {
		t.Errorf("RelyingParty() = %+v, %v; want absent", rp, ok)
	}
}

func TestParseChallengeStrict(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		fields   map[string]any
		wantPath string
		wantRule string
	}{
		{"missing temporaryAuthenticationToken, Key", "key", map[string]any{"temporaryAuthenticationToken": absent}, "/temporaryAuthenticationToken", dfns.RuleRequired},
		{"missing temporaryAuthenticationToken, Totp", "totp", map[string]any{"temporaryAuthenticationToken": absent}, "/temporaryAuthenticationToken", dfns.RuleRequired},
		{"unknown kind", "unknown", nil, "/kind", dfns.RuleEnum},
		{"unknown attestation", "key", map[string]any{"attestation": "telepathic"}, "/attestation", dfns.RuleEnum},
		{"bad credential id", "fido2", map[string]any{"excludeCredentials": json.RawMessage(`[{"type":"public-key","id":"cr-x"}]`)}, "/excludeCredentials/0/id", dfns.RulePattern},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := withFields(t, responseFixture(t, tt.fixture), tt.fields)
			if _, err := dfns.ParseChallenge(body); err != nil {
				t.Fatalf("default mode: %v, want the body tolerated", err)
			}
			_, err := dfns.ParseChallengeStrict(body)
			var ve *dfns.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v (%T), want *ValidationError", err, err)
			}
			if ve.In != "response" || ve.Path != tt.wantPath || ve.Rule != tt.wantRule {
				t.Errorf("In=%q Path=%q Rule=%q, want response %q %q", ve.In, ve.Path, ve.Rule, tt.wantPath, tt.wantRule)
			}
		})
	}
}
