package dfns

import (
	"encoding/json"

	"github.com/dfnskit/dfns-go/gen"
)

// The variants marshal to the spec's JSON shape (through the generated
// models), so a challenge can be logged, stored or handed to a browser as
// the API sent it. Absent arrays become [] (never null). An UnknownChallenge
// marshals to its Raw body.

// MarshalJSON encodes the challenge in the spec's shape.
func (c *Fido2Challenge) MarshalJSON() ([]byte, error) {
	return json.Marshal(gen.Fido2Challenge{
		Kind: c.kind, User: c.user, ChallengeIdentifier: c.challengeIdentifier, RP: c.rp,
		TemporaryAuthenticationToken: c.tempToken,
		Challenge:                    c.Challenge, AuthenticatorSelection: c.AuthenticatorSelection,
		Attestation: c.Attestation, PubKeyCredParams: nonNil(c.PubKeyCredParams),
		ExcludeCredentials: nonNil(c.ExcludeCredentials),
	})
}

// MarshalJSON encodes the challenge in the spec's shape.
func (c *KeyChallenge) MarshalJSON() ([]byte, error) {
	return json.Marshal(gen.KeyChallenge{
		Kind: c.kind, User: c.user, ChallengeIdentifier: c.challengeIdentifier, RP: c.rp,
		TemporaryAuthenticationToken: c.tempToken,
		Challenge:                    c.Challenge, Attestation: c.Attestation, PubKeyCredParams: nonNil(c.PubKeyCredParams),
	})
}

// MarshalJSON encodes the challenge in the spec's shape.
func (c *PasswordProtectedKeyChallenge) MarshalJSON() ([]byte, error) {
	return json.Marshal(gen.PasswordProtectedKeyChallenge{
		Kind: c.kind, User: c.user, ChallengeIdentifier: c.challengeIdentifier, RP: c.rp,
		TemporaryAuthenticationToken: c.tempToken,
		Challenge:                    c.Challenge, Attestation: c.Attestation, PubKeyCredParams: nonNil(c.PubKeyCredParams),
	})
}

// MarshalJSON encodes the challenge in the spec's shape.
func (c *RecoveryKeyChallenge) MarshalJSON() ([]byte, error) {
	return json.Marshal(gen.RecoveryKeyChallenge{
		Kind: c.kind, User: c.user, ChallengeIdentifier: c.challengeIdentifier, RP: c.rp,
		TemporaryAuthenticationToken: c.tempToken,
		Challenge:                    c.Challenge, Attestation: c.Attestation, PubKeyCredParams: nonNil(c.PubKeyCredParams),
	})
}

// MarshalJSON encodes the challenge in the spec's shape.
func (c *PasswordChallenge) MarshalJSON() ([]byte, error) {
	//lint:ignore SA1019 the deprecated kind still has a shape to marshal
	return json.Marshal(gen.PasswordChallenge{
		Kind: c.kind, User: c.user, ChallengeIdentifier: c.challengeIdentifier, RP: c.rp,
		TemporaryAuthenticationToken: c.tempToken,
	})
}

// MarshalJSON encodes the challenge in the spec's shape.
func (c *TotpChallenge) MarshalJSON() ([]byte, error) {
	//lint:ignore SA1019 the deprecated kind still has a shape to marshal
	return json.Marshal(gen.TotpChallenge{
		Kind: c.kind, User: c.user, ChallengeIdentifier: c.challengeIdentifier, RP: c.rp,
		TemporaryAuthenticationToken: c.tempToken, OtpURL: c.OtpURL,
	})
}

// MarshalJSON returns Raw, the body as received.
func (c *UnknownChallenge) MarshalJSON() ([]byte, error) {
	if len(c.Raw) == 0 {
		return []byte("null"), nil
	}
	return c.Raw, nil
}

// nonNil turns a nil slice into an empty one, which marshals as [] (the spec
// has no nullable arrays).
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
