package dfns

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"unicode/utf8"
)

// ParseChallenge decodes a CreateCredentialChallengeWithCode response body
// into the Challenge for its kind, with the default validation: what the flow
// needs must be there (kind, challengeIdentifier and user for every kind; the
// challenge for Fido2, Key, PasswordProtectedKey and RecoveryKey; otpUrl for
// Totp), and the rest is tolerated (a missing deprecated
// temporaryAuthenticationToken, unknown fields, unknown enum values). A kind
// this version does not know decodes to *UnknownChallenge.
//
// Bad JSON is a *DecodeError; a missing field or a wrong type is a
// *ValidationError naming the field and the rule, never the value.
//
// The default decoding is one encoding/json pass, with encoding/json's rules:
// object keys match case-insensitively when no exact key is present
// ("Kind" is read as "kind"), and of duplicated keys the last wins but an
// earlier one of the wrong type is still an error. Real Dfns answers have
// neither; ParseChallengeStrict follows the JSON Schema semantics exactly.
func ParseChallenge(data []byte) (Challenge, error) {
	return parseChallenge(data, nil)
}

// ParseChallengeStrict is ParseChallenge with every constraint of the spec
// enforced (see WithStrictValidation): required fields, types, enums, the
// cr- id pattern and its lengths. Unknown kinds are an error.
//
// It decodes the body once into a generic tree, validates the tree and builds
// the challenge from it, so keys match exactly and the last of duplicated
// keys wins, as for any JSON Schema validator.
func ParseChallengeStrict(data []byte) (Challenge, error) {
	return parseStrict(data, nil)
}

// optString is a JSON string that remembers whether it was present (and not
// null), without the extra allocation of a *string.
type optString struct {
	s  string
	ok bool
}

// stringType is the Go type an optString error reports.
var stringType = reflect.TypeFor[string]()

// UnmarshalJSON implements json.Unmarshaler.
func (o *optString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*o = optString{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' {
		// An *UnmarshalTypeError gets its field path from encoding/json.
		return &json.UnmarshalTypeError{Value: jsonValueKind(b), Type: stringType}
	}
	// The common case: no escapes and valid UTF-8, so the bytes are the
	// string. Otherwise encoding/json unquotes it (and, as for every other
	// field, replaces invalid UTF-8 with U+FFFD).
	if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		*o = optString{s: string(inner), ok: true}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*o = optString{s: s, ok: true}
	return nil
}

// wireChallenge is the union of every variant's fields (Fido2's are a
// superset of all the others' but otpUrl), decoded in one pass. The nested
// types are the generated models.
type wireChallenge struct {
	Kind                         CredentialKind         `json:"kind"`
	ChallengeIdentifier          optString              `json:"challengeIdentifier"`
	User                         *User                  `json:"user"`
	RP                           *RelyingParty          `json:"rp"`
	TemporaryAuthenticationToken string                 `json:"temporaryAuthenticationToken"`
	Challenge                    optString              `json:"challenge"`
	AuthenticatorSelection       AuthenticatorSelection `json:"authenticatorSelection"`
	Attestation                  AttestationConveyance  `json:"attestation"`
	PubKeyCredParams             []PubKeyCredParam      `json:"pubKeyCredParams"`
	ExcludeCredentials           []CredentialDescriptor `json:"excludeCredentials"`
	OtpURL                       optString              `json:"otpUrl"`
}

// wireHeader is what the slow path decodes first: only what every kind has.
type wireHeader struct {
	Kind                json.RawMessage `json:"kind"`
	ChallengeIdentifier json.RawMessage `json:"challengeIdentifier"`
	User                json.RawMessage `json:"user"`
	RP                  json.RawMessage `json:"rp"`
	TempToken           json.RawMessage `json:"temporaryAuthenticationToken"`
}

// parseChallenge decodes data in one pass in the common case. A type error
// (which encoding/json reports only after reading everything) sends it to the
// slow path, which decodes field by field so that a field the kind does not
// have cannot fail it and a real error names its field.
func parseChallenge(data []byte, hdrs *responseMeta) (Challenge, error) {
	var w wireChallenge
	err := json.Unmarshal(data, &w)
	if err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) || !json.Valid(data) {
			return nil, newDecodeError(hdrs, data, err)
		}
		return parseChallengeSlow(data)
	}
	if bytes.Equal(bytes.Trim(data, " \t\r\n"), []byte("null")) {
		// encoding/json decodes null into a struct as a no-op, which would
		// report a missing kind; a null body is not an object (as strict
		// mode says).
		return nil, respErr("", RuleType, "object")
	}
	return w.challenge(data)
}

// challenge checks the default rules and builds the variant.
func (w *wireChallenge) challenge(data []byte) (Challenge, error) {
	if w.Kind == "" {
		return nil, respErr("/kind", RuleRequired, "a credential kind")
	}
	if !w.ChallengeIdentifier.ok {
		return nil, respErr("/challengeIdentifier", RuleRequired, "string")
	}
	if !w.Kind.Valid() {
		return newUnknown(w.Kind, w.ChallengeIdentifier.s, w.User, w.RP, w.TemporaryAuthenticationToken, data), nil
	}
	if w.User == nil {
		return nil, respErr("/user", RuleRequired, "object")
	}
	h := challengeHeader{
		kind:                w.Kind,
		challengeIdentifier: w.ChallengeIdentifier.s,
		user:                *w.User,
		rp:                  w.RP,
		tempToken:           w.TemporaryAuthenticationToken,
	}
	switch w.Kind {
	case CredentialKindPassword:
		return &PasswordChallenge{challengeHeader: h}, nil
	case CredentialKindTotp:
		if !w.OtpURL.ok {
			return nil, respErr("/otpUrl", RuleRequired, "string")
		}
		return &TotpChallenge{challengeHeader: h, OtpURL: w.OtpURL.s}, nil
	}
	if !w.Challenge.ok {
		return nil, respErr("/challenge", RuleRequired, "string")
	}
	switch w.Kind {
	case CredentialKindFido2:
		return &Fido2Challenge{
			challengeHeader:        h,
			Challenge:              w.Challenge.s,
			AuthenticatorSelection: w.AuthenticatorSelection,
			Attestation:            w.Attestation,
			PubKeyCredParams:       w.PubKeyCredParams,
			ExcludeCredentials:     w.ExcludeCredentials,
		}, nil
	case CredentialKindKey:
		return &KeyChallenge{challengeHeader: h, Challenge: w.Challenge.s, Attestation: w.Attestation, PubKeyCredParams: w.PubKeyCredParams}, nil
	case CredentialKindPasswordProtectedKey:
		return &PasswordProtectedKeyChallenge{challengeHeader: h, Challenge: w.Challenge.s, Attestation: w.Attestation, PubKeyCredParams: w.PubKeyCredParams}, nil
	default: // CredentialKindRecoveryKey: the only valid kind left
		return &RecoveryKeyChallenge{challengeHeader: h, Challenge: w.Challenge.s, Attestation: w.Attestation, PubKeyCredParams: w.PubKeyCredParams}, nil
	}
}

// newUnknown builds an UnknownChallenge that owns a copy of the body.
func newUnknown(kind CredentialKind, id string, user *User, rp *RelyingParty, tempToken string, data []byte) *UnknownChallenge {
	u := &UnknownChallenge{
		challengeHeader: challengeHeader{kind: kind, challengeIdentifier: id, rp: rp, tempToken: tempToken},
		Raw:             bytes.Clone(data),
	}
	if user != nil {
		u.user = *user
	}
	return u
}

// Per-kind views of a wireChallenge: pointers into its fields, one struct per
// field set, so that the slow path decodes only the fields a kind has. They
// are flat (no embedding) so that encoding/json's error paths are JSON paths.
type (
	commonView struct {
		Kind                         *CredentialKind `json:"kind"`
		ChallengeIdentifier          *optString      `json:"challengeIdentifier"`
		User                         **User          `json:"user"`
		RP                           **RelyingParty  `json:"rp"`
		TemporaryAuthenticationToken *string         `json:"temporaryAuthenticationToken"`
	}
	totpView struct {
		Kind                         *CredentialKind `json:"kind"`
		ChallengeIdentifier          *optString      `json:"challengeIdentifier"`
		User                         **User          `json:"user"`
		RP                           **RelyingParty  `json:"rp"`
		TemporaryAuthenticationToken *string         `json:"temporaryAuthenticationToken"`
		OtpURL                       *optString      `json:"otpUrl"`
	}
	keyView struct {
		Kind                         *CredentialKind        `json:"kind"`
		ChallengeIdentifier          *optString             `json:"challengeIdentifier"`
		User                         **User                 `json:"user"`
		RP                           **RelyingParty         `json:"rp"`
		TemporaryAuthenticationToken *string                `json:"temporaryAuthenticationToken"`
		Challenge                    *optString             `json:"challenge"`
		Attestation                  *AttestationConveyance `json:"attestation"`
		PubKeyCredParams             *[]PubKeyCredParam     `json:"pubKeyCredParams"`
	}
	fido2View struct {
		Kind                         *CredentialKind         `json:"kind"`
		ChallengeIdentifier          *optString              `json:"challengeIdentifier"`
		User                         **User                  `json:"user"`
		RP                           **RelyingParty          `json:"rp"`
		TemporaryAuthenticationToken *string                 `json:"temporaryAuthenticationToken"`
		Challenge                    *optString              `json:"challenge"`
		Attestation                  *AttestationConveyance  `json:"attestation"`
		PubKeyCredParams             *[]PubKeyCredParam      `json:"pubKeyCredParams"`
		AuthenticatorSelection       *AuthenticatorSelection `json:"authenticatorSelection"`
		ExcludeCredentials           *[]CredentialDescriptor `json:"excludeCredentials"`
	}
)

// parseChallengeSlow decodes the header, then only the fields the kind has,
// so that a field the kind does not have cannot fail it and every error names
// its field. It runs only on bodies the fast path rejected.
func parseChallengeSlow(data []byte) (Challenge, error) {
	var h wireHeader
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, respErr("", RuleType, "object") // valid JSON, not an object
	}
	var kind CredentialKind
	if err := decodeField(h.Kind, &kind, "/kind", "string"); err != nil {
		return nil, err
	}
	var id optString
	if err := decodeField(h.ChallengeIdentifier, &id, "/challengeIdentifier", "string"); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		// Tolerate whatever an unknown kind carries beside its header.
		if kind == "" {
			return nil, respErr("/kind", RuleRequired, "a credential kind")
		}
		if !id.ok {
			return nil, respErr("/challengeIdentifier", RuleRequired, "string")
		}
		var user *User
		var rp *RelyingParty
		var tok string
		_ = json.Unmarshal(h.User, &user)
		_ = json.Unmarshal(h.RP, &rp)
		_ = json.Unmarshal(h.TempToken, &tok)
		return newUnknown(kind, id.s, user, rp, tok, data), nil
	}
	var w wireChallenge
	var view any
	switch kind {
	case CredentialKindPassword:
		view = &commonView{&w.Kind, &w.ChallengeIdentifier, &w.User, &w.RP, &w.TemporaryAuthenticationToken}
	case CredentialKindTotp:
		view = &totpView{&w.Kind, &w.ChallengeIdentifier, &w.User, &w.RP, &w.TemporaryAuthenticationToken, &w.OtpURL}
	case CredentialKindFido2:
		view = &fido2View{&w.Kind, &w.ChallengeIdentifier, &w.User, &w.RP, &w.TemporaryAuthenticationToken,
			&w.Challenge, &w.Attestation, &w.PubKeyCredParams, &w.AuthenticatorSelection, &w.ExcludeCredentials}
	default:
		view = &keyView{&w.Kind, &w.ChallengeIdentifier, &w.User, &w.RP, &w.TemporaryAuthenticationToken, &w.Challenge, &w.Attestation, &w.PubKeyCredParams}
	}
	if err := json.Unmarshal(data, view); err != nil {
		return nil, typeError(err)
	}
	return w.challenge(data)
}

// decodeField decodes one raw header field, mapping a type error to a
// *ValidationError at path.
func decodeField(raw json.RawMessage, v any, path, want string) error {
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return respErr(path, RuleType, want)
	}
	return nil
}

// typeError turns an encoding/json type error into a *ValidationError that
// names the field (as a JSON pointer) and the expected type, never the value.
func typeError(err error) error {
	path, want := "", "the spec's type"
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		if ute.Field != "" {
			path = "/" + strings.ReplaceAll(ute.Field, ".", "/")
		}
		if ute.Type != nil {
			want = jsonTypeName(ute.Type.Kind().String())
		}
	}
	return respErr(path, RuleType, want)
}

// jsonTypeName names a Go kind as the JSON type it decodes from.
func jsonTypeName(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "float64", "float32", "int", "int64":
		return "number"
	}
	return goKind
}

// jsonValueKind names the JSON type of a value from its first byte, so an
// error can say what it found without saying what the value was.
func jsonValueKind(b []byte) string {
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case '"':
		return "string"
	case 'n':
		return "null"
	}
	return "number"
}
