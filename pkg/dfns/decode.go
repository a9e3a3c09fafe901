package dfns

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// ParseChallenge decodes a CreateCredentialChallengeWithCode response body
// into the Challenge for its kind, with the default validation: what the
// flow needs must be there (kind, challengeIdentifier and user.id for every
// kind; the challenge for Fido2, Key, PasswordProtectedKey and RecoveryKey;
// otpUrl for Totp), and the rest is tolerated (a missing deprecated
// temporaryAuthenticationToken, unknown fields, unknown enum values). A kind
// this version does not know decodes to *UnknownChallenge.
//
// Bad JSON is a *DecodeError; a missing field or a wrong type is a
// *ValidationError naming the field and the rule, never the value. Decoding
// is encoding/json's into the generated model of the kind (Fido2's first,
// the commonest kind; the client decodes as the kind it asked for): keys match
// case-insensitively when no exact key is present, and a type error inside
// an array names the array's field without the index
// ("/pubKeyCredParams/alg"). ParseChallengeStrict has JSON Schema's exact
// semantics.
func ParseChallenge(data []byte) (Challenge, error) {
	return parseChallenge(data, nil, CredentialKindFido2)
}

// parseChallenge decodes data as a challenge of kind want (the kind the
// client asked for), and once more as the kind the body names when that is
// another: every generated model has the kind, so the first pass says which.
func parseChallenge(data []byte, meta *responseMeta, want CredentialKind) (Challenge, error) {
	ch, need, err := decodeVariant(want, data)
	var syn *json.SyntaxError
	if errors.As(err, &syn) || (err != nil && !json.Valid(data)) {
		return nil, newDecodeError(meta, data, err)
	}
	switch got := ch.Kind(); {
	case got == "" && err != nil:
		return nil, typeError(err) // kind of the wrong type, or not an object
	case got == "" && bytes.Equal(bytes.TrimSpace(data), []byte("null")):
		return nil, respErr("", RuleType, "object")
	case got == "":
		return nil, respErr("/kind", RuleRequired, "a credential kind")
	case got != want:
		ch, need, err = decodeVariant(got, data)
	}
	return checked(ch, need, err)
}

// decodeChallenge decodes data as a challenge of kind, which the strict
// validator read, and checks what the flow needs.
func decodeChallenge(kind CredentialKind, data []byte) (Challenge, error) {
	ch, need, err := decodeVariant(kind, data)
	if err == nil && ch.Kind() != kind {
		// A case variant of "kind" later in the body ("Kind"): encoding/json
		// read it, JSON Schema does not.
		return nil, respErr("/kind", RuleEnum, string(kind))
	}
	return checked(ch, need, err)
}

// checked turns a decode error into a *ValidationError, or checks what the
// flow needs of the decoded challenge.
func checked(ch Challenge, need flowField, err error) (Challenge, error) {
	if err != nil {
		return nil, typeError(err)
	}
	if err := required(ch, need); err != nil {
		return nil, err
	}
	return ch, nil
}

// flowField is the field of a kind the flow signs or reads.
type flowField struct {
	value *string
	path  string
}

// decodeVariant decodes data into the generated model of kind, and returns
// it (even with a type error, which encoding/json reports after decoding
// the rest), the field the flow signs or reads (challenge, otpUrl; none for
// Password and unknown kinds), and encoding/json's error. This switch is the
// one place a kind is mapped to its type.
func decodeVariant(kind CredentialKind, data []byte) (Challenge, flowField, error) {
	switch kind {
	case CredentialKindFido2:
		c := new(Fido2Challenge)
		return c, flowField{&c.Challenge, "/challenge"}, json.Unmarshal(data, &c.Fido2Challenge)
	case CredentialKindKey:
		c := new(KeyChallenge)
		return c, flowField{&c.Challenge, "/challenge"}, json.Unmarshal(data, &c.KeyChallenge)
	case CredentialKindPasswordProtectedKey:
		c := new(PasswordProtectedKeyChallenge)
		return c, flowField{&c.Challenge, "/challenge"}, json.Unmarshal(data, &c.PasswordProtectedKeyChallenge)
	case CredentialKindRecoveryKey:
		c := new(RecoveryKeyChallenge)
		return c, flowField{&c.Challenge, "/challenge"}, json.Unmarshal(data, &c.RecoveryKeyChallenge)
	case CredentialKindPassword:
		c := new(PasswordChallenge)
		return c, flowField{}, json.Unmarshal(data, &c.PasswordChallenge)
	case CredentialKindTotp:
		c := new(TotpChallenge)
		return c, flowField{&c.OtpURL, "/otpUrl"}, json.Unmarshal(data, &c.TotpChallenge)
	}
	// A kind this version does not know: tolerate whatever it carries (a
	// type error leaves that field zero and the rest decoded), but for the
	// identifier, which the flow needs.
	c := &UnknownChallenge{Raw: bytes.Clone(data)}
	err := json.Unmarshal(data, &c.common)
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) && ute.Field != "challengeIdentifier" {
		err = nil
	}
	return c, flowField{}, err
}

// required checks what the flow needs of a decoded challenge.
func required(ch Challenge, need flowField) error {
	switch {
	case ch.ChallengeIdentifier() == "":
		return respErr("/challengeIdentifier", RuleRequired, "string")
	case ch.User().ID == "" && !isUnknown(ch):
		return respErr("/user", RuleRequired, "object with an id")
	case need.value != nil && *need.value == "":
		return respErr(need.path, RuleRequired, "string")
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

// isUnknown reports whether ch is of a kind this version does not know.
func isUnknown(ch Challenge) bool {
	_, ok := ch.(*UnknownChallenge)
	return ok
}
