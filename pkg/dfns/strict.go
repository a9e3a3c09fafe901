package dfns

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file is the spec's response schema written as Go rules, for
// WithStrictValidation and ParseChallengeStrict. TestStrictMatchesKinOpenAPI
// proves it gives kin-openapi's verdict on a corpus of valid and invalid
// bodies; change both together.

// credentialIDPattern is excludeCredentials[].id's pattern in the spec.
var credentialIDPattern = regexp.MustCompile(`^cr-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{14,16}$`)

// check validates one JSON value (as decoded into any) at path.
type check func(path string, v any) *ValidationError

// field is one property of an object schema.
type field struct {
	name     string
	required bool
	check    check
}

// object checks a JSON object with the given properties; other properties
// are allowed (the spec never sets additionalProperties on responses).
func object(fields ...field) check {
	return func(path string, v any) *ValidationError {
		m, ok := v.(map[string]any)
		if !ok {
			return respErr(path, RuleType, "object")
		}
		for _, f := range fields {
			x, present := m[f.name]
			if !present {
				if f.required {
					return respErr(path+"/"+f.name, RuleRequired, "")
				}
				continue
			}
			if err := f.check(path+"/"+f.name, x); err != nil {
				return err
			}
		}
		return nil
	}
}

// str checks a JSON string with optional length bounds (in code points, as
// JSON Schema counts) and pattern; maxLen < 0 means unbounded.
func str(minLen, maxLen int, pattern *regexp.Regexp) check {
	return func(path string, v any) *ValidationError {
		s, ok := v.(string)
		if !ok {
			return respErr(path, RuleType, "string")
		}
		n := utf8.RuneCountInString(s)
		if n < minLen {
			return respErr(path, RuleMinLength, strconv.Itoa(minLen))
		}
		if maxLen >= 0 && n > maxLen {
			return respErr(path, RuleMaxLength, strconv.Itoa(maxLen))
		}
		if pattern != nil && !pattern.MatchString(s) {
			return respErr(path, RulePattern, pattern.String())
		}
		return nil
	}
}

// anyString is a string with no further constraint.
var anyString = str(0, -1, nil)

// enum checks a JSON string that must be one of values.
func enum[T ~string](values ...T) check {
	want := make([]string, len(values))
	for i, v := range values {
		want[i] = string(v)
	}
	desc := "one of " + strings.Join(want, ", ")
	return func(path string, v any) *ValidationError {
		s, ok := v.(string)
		if !ok {
			return respErr(path, RuleType, "string")
		}
		for _, w := range want {
			if s == w {
				return nil
			}
		}
		return respErr(path, RuleEnum, desc)
	}
}

// number checks a JSON number.
func number(path string, v any) *ValidationError {
	if _, ok := v.(float64); !ok {
		return respErr(path, RuleType, "number")
	}
	return nil
}

// boolean checks a JSON boolean.
func boolean(path string, v any) *ValidationError {
	if _, ok := v.(bool); !ok {
		return respErr(path, RuleType, "boolean")
	}
	return nil
}

// array checks a JSON array whose items pass item.
func array(item check) check {
	return func(path string, v any) *ValidationError {
		a, ok := v.([]any)
		if !ok {
			return respErr(path, RuleType, "array")
		}
		for i, x := range a {
			if err := item(path+"/"+strconv.Itoa(i), x); err != nil {
				return err
			}
		}
		return nil
	}
}

func req(name string, c check) field { return field{name, true, c} }
func opt(name string, c check) field { return field{name, false, c} }

// The nested schemas, shared by the variants as in the spec.
var (
	userSchema = object(req("id", anyString), req("displayName", anyString), req("name", anyString))
	rpSchema   = object(req("id", anyString), req("name", anyString))
	attSchema  = enum(AttestationConveyanceNone, AttestationConveyanceIndirect, AttestationConveyanceDirect, AttestationConveyanceEnterprise)
	credType   = enum(PublicKeyCredentialTypePublicKey)
	paramsItem = object(req("type", credType), req("alg", number))
	selection  = object(
		opt("authenticatorAttachment", enum(AuthenticatorAttachmentPlatform, AuthenticatorAttachmentCrossPlatform)),
		req("residentKey", enum(ResidentKeyRequirementRequired, ResidentKeyRequirementPreferred, ResidentKeyRequirementDiscouraged)),
		req("requireResidentKey", boolean),
		req("userVerification", enum(UserVerificationRequirementRequired, UserVerificationRequirementPreferred, UserVerificationRequirementDiscouraged)),
	)
	excludeItem = object(req("type", credType), req("id", str(1, 64, credentialIDPattern)))
)

// commonFields are what every variant has: kind is checked before dispatch.
func commonFields(extra ...field) check {
	fields := []field{
		req("user", userSchema),
		req("challengeIdentifier", anyString),
		opt("rp", rpSchema),
	}
	fields = append(fields, extra...)
	fields = append(fields, req("temporaryAuthenticationToken", anyString))
	return object(fields...)
}

// keyPairSchema is the shape shared by Key, PasswordProtectedKey and
// RecoveryKey.
var keyPairSchema = commonFields(
	req("challenge", anyString),
	req("attestation", attSchema),
	req("pubKeyCredParams", array(paramsItem)),
)

// variantSchemas is the response oneOf, by kind.
var variantSchemas = map[CredentialKind]check{
	CredentialKindFido2: commonFields(
		req("challenge", anyString),
		req("authenticatorSelection", selection),
		req("attestation", attSchema),
		req("pubKeyCredParams", array(paramsItem)),
		req("excludeCredentials", array(excludeItem)),
	),
	CredentialKindKey:                  keyPairSchema,
	CredentialKindPasswordProtectedKey: keyPairSchema,
	CredentialKindRecoveryKey:          keyPairSchema,
	CredentialKindPassword:             commonFields(),
	CredentialKindTotp:                 commonFields(req("otpUrl", anyString)),
}

// kindSchema is the discriminating property: each branch's kind is a
// single-value enum, so a body matches at most one branch.
var kindSchema = enum(CredentialKinds()...)

// validateStrict checks a response body against every constraint of the
// spec's oneOf. The result is nil or a *ValidationError or *DecodeError.
func validateStrict(data []byte) error {
	_, err := decodeStrict(data, nil)
	return err
}

// decodeStrict decodes data into a generic tree and validates it; the tree is
// a JSON object that passed every rule.
func decodeStrict(data []byte, meta *responseMeta) (map[string]any, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, newDecodeError(meta, data, err)
	}
	if err := validateStrictValue(v); err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// parseStrict validates data against the spec and builds the challenge from
// the validated tree.
func parseStrict(data []byte, meta *responseMeta) (Challenge, error) {
	m, err := decodeStrict(data, meta)
	if err != nil {
		return nil, err
	}
	return challengeFromTree(m), nil
}

// validateStrictValue validates an already-decoded body.
func validateStrictValue(v any) *ValidationError {
	m, ok := v.(map[string]any)
	if !ok {
		return respErr("", RuleType, "object")
	}
	k, present := m["kind"]
	if !present {
		return respErr("/kind", RuleRequired, "")
	}
	if err := kindSchema("/kind", k); err != nil {
		return err
	}
	return variantSchemas[CredentialKind(k.(string))]("", v)
}
