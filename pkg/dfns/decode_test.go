package dfns_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// challengeType is the exhaustive type switch the package documents: the
// seven variants of the sealed Challenge, and nothing else.
func challengeType(ch dfns.Challenge) string {
	switch ch.(type) {
	case *dfns.Fido2Challenge:
		return "Fido2"
	case *dfns.KeyChallenge:
		return "Key"
	case *dfns.PasswordProtectedKeyChallenge:
		return "PasswordProtectedKey"
	case *dfns.RecoveryKeyChallenge:
		return "RecoveryKey"
	case *dfns.PasswordChallenge:
		return "Password"
	case *dfns.TotpChallenge:
		return "Totp"
	case *dfns.UnknownChallenge:
		return "Unknown"
	case nil:
		return "nil"
	default:
		return "unexpected " + reflect.TypeOf(ch).String()
	}
}

// fixtureHeader is what every kind's fixture has, decoded generically so the
// parser's results can be compared with an independent decode.
type fixtureHeader struct {
	Kind                         dfns.CredentialKind `json:"kind"`
	ChallengeIdentifier          string              `json:"challengeIdentifier"`
	TemporaryAuthenticationToken string              `json:"temporaryAuthenticationToken"`
	User                         dfns.User           `json:"user"`
	RP                           *dfns.RelyingParty  `json:"rp"`
}

var es256RS256 = []dfns.PubKeyCredParam{
	{Type: gen.PublicKeyCredentialTypePublicKey, Alg: -7},
	{Type: gen.PublicKeyCredentialTypePublicKey, Alg: -257},
}

// kindCases are the seven fixtures, their type and their kind-specific fields.
var kindCases = []struct {
	fixture  string
	wantType string
	check    func(t *testing.T, ch dfns.Challenge)
}{
	{"fido2", "Fido2", func(t *testing.T, ch dfns.Challenge) {
		c := ch.(*dfns.Fido2Challenge)
		platform := gen.AuthenticatorAttachmentPlatform
		wantSel := gen.AuthenticatorSelection{
			AuthenticatorAttachment: &platform,
			ResidentKey:             gen.ResidentKeyRequirementRequired,
			RequireResidentKey:      true,
			UserVerification:        gen.UserVerificationRequirementRequired,
		}
		wantExclude := []gen.CredentialDescriptor{
			{Type: gen.PublicKeyCredentialTypePublicKey, ID: "cr-6selm-v2pdq-8u6ch6rm9hftda1i"},
			{Type: gen.PublicKeyCredentialTypePublicKey, ID: "cr-a1b2c-d3e4f-g5h6i7j8k9l0m1"},
		}
		wantEqual(t, "Challenge", c.Challenge, "Y2hhbGxlbmdlLWZpZG8yLTAwMQ")
		wantEqual(t, "AuthenticatorSelection", c.AuthenticatorSelection, wantSel)
		wantEqual(t, "Attestation", c.Attestation, gen.AttestationConveyanceDirect)
		wantEqual(t, "PubKeyCredParams", c.PubKeyCredParams, es256RS256)
		wantEqual(t, "ExcludeCredentials", c.ExcludeCredentials, wantExclude)
	}},
	{"key", "Key", func(t *testing.T, ch dfns.Challenge) {
		c := ch.(*dfns.KeyChallenge)
		wantEqual(t, "Challenge", c.Challenge, "Y2hhbGxlbmdlLWtleS0wMDI")
		wantEqual(t, "Attestation", c.Attestation, gen.AttestationConveyanceNone)
		wantEqual(t, "PubKeyCredParams", c.PubKeyCredParams, es256RS256)
	}},
	{"passwordprotectedkey", "PasswordProtectedKey", func(t *testing.T, ch dfns.Challenge) {
		c := ch.(*dfns.PasswordProtectedKeyChallenge)
		wantEqual(t, "Challenge", c.Challenge, "Y2hhbGxlbmdlLXBway0wMDM")
		wantEqual(t, "Attestation", c.Attestation, gen.AttestationConveyanceIndirect)
		wantEqual(t, "PubKeyCredParams", c.PubKeyCredParams, es256RS256)
	}},
	{"recoverykey", "RecoveryKey", func(t *testing.T, ch dfns.Challenge) {
		c := ch.(*dfns.RecoveryKeyChallenge)
		wantEqual(t, "Challenge", c.Challenge, "Y2hhbGxlbmdlLXJrLTAwNA")
		wantEqual(t, "Attestation", c.Attestation, gen.AttestationConveyanceNone)
		wantEqual(t, "PubKeyCredParams", c.PubKeyCredParams, es256RS256)
	}},
	{"password", "Password", func(*testing.T, dfns.Challenge) {}},
	{"totp", "Totp", func(t *testing.T, ch dfns.Challenge) {
		c := ch.(*dfns.TotpChallenge)
		wantEqual(t, "OtpURL", c.OtpURL, "otpauth://totp/Example:jane%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example")
	}},
	{"unknown", "Unknown", func(t *testing.T, ch dfns.Challenge) {
		c := ch.(*dfns.UnknownChallenge)
		wantEqual(t, "Kind", c.Kind(), dfns.CredentialKind("Passkey2"))
		if c.Kind().Valid() {
			t.Errorf("Kind().Valid() = true for an unknown kind")
		}
	}},
}

func wantEqual[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// checkChallenge runs the common and the kind-specific checks on ch, the
// result of parsing body.
func checkChallenge(t *testing.T, body []byte, wantType string, ch dfns.Challenge, check func(*testing.T, dfns.Challenge)) {
	t.Helper()
	var want fixtureHeader
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	if got := challengeType(ch); got != wantType {
		t.Fatalf("type = %s, want %s", got, wantType)
	}
	wantEqual(t, "Kind()", ch.Kind(), want.Kind)
	wantEqual(t, "ChallengeIdentifier()", ch.ChallengeIdentifier(), want.ChallengeIdentifier)
	if ch.ChallengeIdentifier() == "" {
		t.Errorf("ChallengeIdentifier() is empty")
	}
	wantEqual(t, "TemporaryAuthenticationToken()", ch.TemporaryAuthenticationToken(), want.TemporaryAuthenticationToken)
	wantEqual(t, "User()", ch.User(), want.User)
	if ch.User().ID == "" || ch.User().Name == "" || ch.User().DisplayName == "" {
		t.Errorf("User() = %+v, want every field set", ch.User())
	}
	rp, ok := ch.RelyingParty()
	if ok != (want.RP != nil) {
		t.Fatalf("RelyingParty() present = %v, want %v", ok, want.RP != nil)
	}
	if ok {
		wantEqual(t, "RelyingParty()", rp, *want.RP)
	} else {
		wantEqual(t, "RelyingParty() when absent", rp, dfns.RelyingParty{})
	}
	check(t, ch)
}

func TestParseChallengeKinds(t *testing.T) {
	for _, tc := range kindCases {
		t.Run(tc.fixture, func(t *testing.T) {
			body := responseFixture(t, tc.fixture)
			ch, err := dfns.ParseChallenge(body)
			if err != nil {
				t.Fatal(err)
			}
			checkChallenge(t, body, tc.wantType, ch, tc.check)
		})
	}
}

func TestClientDecodesKinds(t *testing.T) {
	for _, tc := range kindCases {
		t.Run(tc.fixture, func(t *testing.T) {
			body := responseFixture(t, tc.fixture)
			srv := newFakeDfns(t, replyJSON(body))
			ask := dfns.CredentialKind(tc.wantType)
			if !ask.Valid() {
				ask = dfns.CredentialKindFido2 // the server answers with a kind we do not know
			}
			ch, err := redeem(newTestClient(t, srv.URL), ask)
			if err != nil {
				t.Fatal(err)
			}
			checkChallenge(t, body, tc.wantType, ch, tc.check)
			if u, ok := ch.(*dfns.UnknownChallenge); ok && !bytes.Equal(u.Raw, body) {
				t.Errorf("Raw = %s, want the body as served", u.Raw)
			}
		})
	}
}

// The fixtures are valid bodies: strict mode accepts every known kind.
func TestFixturesPassStrictValidation(t *testing.T) {
	for _, tc := range kindCases {
		if tc.wantType == "Unknown" {
			continue
		}
		t.Run(tc.fixture, func(t *testing.T) {
			body := responseFixture(t, tc.fixture)
			ch, err := dfns.ParseChallengeStrict(body)
			if err != nil {
				t.Fatal(err)
			}
			checkChallenge(t, body, tc.wantType, ch, tc.check)

			srv := newFakeDfns(t, replyJSON(body))
			ch, err = redeem(newTestClient(t, srv.URL, dfns.WithStrictValidation()), ch.Kind())
			if err != nil {
				t.Fatal(err)
			}
			checkChallenge(t, body, tc.wantType, ch, tc.check)
		})
	}
}

func TestUnknownChallengeRawIsACopy(t *testing.T) {
	original := responseFixture(t, "unknown")
	tests := []struct {
		name string
		body []byte
	}{
		{"fixture", original},
		// A type error elsewhere in the body sends it down the slow path.
		{"slow path", withFields(t, original, map[string]any{"challenge": 5, "user": absent})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := bytes.Clone(tt.body)
			input := bytes.Clone(tt.body)
			ch, err := dfns.ParseChallenge(input)
			if err != nil {
				t.Fatal(err)
			}
			u, ok := ch.(*dfns.UnknownChallenge)
			if !ok {
				t.Fatalf("got %T, want *UnknownChallenge", ch)
			}
			if !bytes.Equal(u.Raw, want) {
				t.Fatalf("Raw = %s, want the body", u.Raw)
			}
			for i := range input {
				input[i] = 'X'
			}
			if !bytes.Equal(u.Raw, want) {
				t.Errorf("Raw changed with the input buffer: it aliases it")
			}
			if !json.Valid(u.Raw) {
				t.Errorf("Raw is not valid JSON")
			}
		})
	}
}

// absent, as a value in withFields, deletes the field.
var absent = &struct{ absent bool }{true}

// withFields returns body (a JSON object) with fields replaced: a value of
// absent deletes the field, nil sets it to null, a json.RawMessage is used as
// is, anything else is marshalled.
func withFields(t testing.TB, body []byte, fields map[string]any) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if v == absent {
			delete(m, k)
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		m[k] = raw
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseChallengeBadJSON(t *testing.T) {
	for _, body := range []string{``, `{`, `{"kind":"Key",}`, `not json`, `{"kind":"Key"} trailing`} {
		for name, parse := range map[string]func([]byte) (dfns.Challenge, error){
			"ParseChallenge": dfns.ParseChallenge, "ParseChallengeStrict": dfns.ParseChallengeStrict,
		} {
			_, err := parse([]byte(body))
			var de *dfns.DecodeError
			if !errors.As(err, &de) {
				t.Errorf("%s(%q) = %v (%T), want *DecodeError", name, body, err, err)
				continue
			}
			if de.StatusCode != 0 || de.ContentType != "" {
				t.Errorf("%s(%q): StatusCode=%d ContentType=%q, want zero values", name, body, de.StatusCode, de.ContentType)
			}
		}
	}
}
