package dfns

//lint:file-ignore SA1019 the deprecated kinds and token are still answered

import (
	"encoding/json"

	"github.com/dfnskit/dfns-go/gen"
)

// Challenge is the answer to CreateCredentialChallengeWithCode: one concrete
// type per credential kind. Switch on its type:
//
//	switch ch := ch.(type) {
//	case *dfns.Fido2Challenge:       // WebAuthn creation options
//	case *dfns.KeyChallenge:         // sign ch.Challenge with the new key
//	case *dfns.PasswordProtectedKeyChallenge:
//	case *dfns.RecoveryKeyChallenge:
//	case *dfns.PasswordChallenge, *dfns.TotpChallenge: // deprecated kinds
//	case *dfns.UnknownChallenge:     // a kind this version does not know
//	}
//
// The interface is sealed: only this package implements it, so a type switch
// with the seven cases above is exhaustive.
type Challenge interface {
	// Kind is the credential kind of the challenge.
	Kind() CredentialKind
	// ChallengeIdentifier is the handle that finalizes the flow
	// (POST /auth/credentials/code/verify).
	ChallengeIdentifier() string
	// User is the user the new credential is for.
	User() User
	// RelyingParty is the WebAuthn relying party, when the server sent one.
	RelyingParty() (RelyingParty, bool)
	// TemporaryAuthenticationToken is the deprecated alias of
	// ChallengeIdentifier, empty when the server no longer sends it.
	//
	// Deprecated: use ChallengeIdentifier.
	TemporaryAuthenticationToken() string

	challenge() // seals the interface
}

// Each variant embeds its generated model (see the package doc for why), so
// every property of the spec is a field under its generated name, and the
// variant marshals to the spec's JSON. The accessors of Challenge shadow the
// generated fields of the same name: read those through the embedded value
// (ch.KeyChallenge.User) or the accessor (ch.User()).

// Fido2Challenge asks for a WebAuthn credential (a passkey or security key):
// its fields are the WebAuthn PublicKeyCredentialCreationOptions.
type Fido2Challenge struct {
	sealed
	gen.Fido2Challenge
}

// KeyChallenge asks for a raw public/private key pair credential: sign
// Challenge with the new key.
type KeyChallenge struct {
	sealed
	gen.KeyChallenge
}

// PasswordProtectedKeyChallenge asks for a key pair whose private key Dfns
// will store encrypted with the user's password.
type PasswordProtectedKeyChallenge struct {
	sealed
	gen.PasswordProtectedKeyChallenge
}

// RecoveryKeyChallenge asks for a recovery key pair.
type RecoveryKeyChallenge struct {
	sealed
	gen.RecoveryKeyChallenge
}

// PasswordChallenge asks for a password credential.
//
// Deprecated: Dfns no longer supports Password credentials and will remove
// the kind.
type PasswordChallenge struct {
	sealed
	gen.PasswordChallenge
}

// TotpChallenge asks for a TOTP credential: OtpURL is the otpauth:// URI.
//
// Deprecated: Dfns no longer supports TOTP credentials and will remove the
// kind.
type TotpChallenge struct {
	sealed
	gen.TotpChallenge
}

// UnknownChallenge is a challenge of a kind this version of the library does
// not know (a kind Dfns added after the vendored spec). Its accessors read
// what every kind has; Raw keeps the whole body, and is what it marshals to.
type UnknownChallenge struct {
	sealed
	// Raw is the response body exactly as received.
	Raw json.RawMessage

	// common is what every kind has, decoded through the generated Fido2
	// model (whose properties are a superset of the common ones).
	common gen.Fido2Challenge
}

// MarshalJSON returns Raw, the body as received.
func (c *UnknownChallenge) MarshalJSON() ([]byte, error) {
	if len(c.Raw) == 0 {
		return []byte("null"), nil
	}
	return c.Raw, nil
}

// sealed seals Challenge: only the types of this package embed it.
type sealed struct{}

func (sealed) challenge() {}

// relyingParty is RelyingParty() of every variant.
func relyingParty(rp *RelyingParty) (RelyingParty, bool) {
	if rp == nil {
		return RelyingParty{}, false
	}
	return *rp, true
}

// The accessors of each variant read its generated fields.

// Kind is Fido2.
func (c *Fido2Challenge) Kind() CredentialKind { return c.Fido2Challenge.Kind }

// ChallengeIdentifier is the handle that finalizes the flow.
func (c *Fido2Challenge) ChallengeIdentifier() string { return c.Fido2Challenge.ChallengeIdentifier }

// User is the user the new credential is for.
func (c *Fido2Challenge) User() User { return c.Fido2Challenge.User }

// RelyingParty is the relying party, when the server sent one.
func (c *Fido2Challenge) RelyingParty() (RelyingParty, bool) { return relyingParty(c.RP) }

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (c *Fido2Challenge) TemporaryAuthenticationToken() string {
	return c.Fido2Challenge.TemporaryAuthenticationToken
}

// Kind is Key.
func (c *KeyChallenge) Kind() CredentialKind { return c.KeyChallenge.Kind }

// ChallengeIdentifier is the handle that finalizes the flow.
func (c *KeyChallenge) ChallengeIdentifier() string { return c.KeyChallenge.ChallengeIdentifier }

// User is the user the new credential is for.
func (c *KeyChallenge) User() User { return c.KeyChallenge.User }

// RelyingParty is the relying party, when the server sent one.
func (c *KeyChallenge) RelyingParty() (RelyingParty, bool) { return relyingParty(c.RP) }

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (c *KeyChallenge) TemporaryAuthenticationToken() string {
	return c.KeyChallenge.TemporaryAuthenticationToken
}

// Kind is PasswordProtectedKey.
func (c *PasswordProtectedKeyChallenge) Kind() CredentialKind {
	return c.PasswordProtectedKeyChallenge.Kind
}

// ChallengeIdentifier is the handle that finalizes the flow.
func (c *PasswordProtectedKeyChallenge) ChallengeIdentifier() string {
	return c.PasswordProtectedKeyChallenge.ChallengeIdentifier
}

// User is the user the new credential is for.
func (c *PasswordProtectedKeyChallenge) User() User { return c.PasswordProtectedKeyChallenge.User }

// RelyingParty is the relying party, when the server sent one.
func (c *PasswordProtectedKeyChallenge) RelyingParty() (RelyingParty, bool) {
	return relyingParty(c.RP)
}

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (c *PasswordProtectedKeyChallenge) TemporaryAuthenticationToken() string {
	return c.PasswordProtectedKeyChallenge.TemporaryAuthenticationToken
}

// Kind is RecoveryKey.
func (c *RecoveryKeyChallenge) Kind() CredentialKind { return c.RecoveryKeyChallenge.Kind }

// ChallengeIdentifier is the handle that finalizes the flow.
func (c *RecoveryKeyChallenge) ChallengeIdentifier() string {
	return c.RecoveryKeyChallenge.ChallengeIdentifier
}

// User is the user the new credential is for.
func (c *RecoveryKeyChallenge) User() User { return c.RecoveryKeyChallenge.User }

// RelyingParty is the relying party, when the server sent one.
func (c *RecoveryKeyChallenge) RelyingParty() (RelyingParty, bool) { return relyingParty(c.RP) }

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (c *RecoveryKeyChallenge) TemporaryAuthenticationToken() string {
	return c.RecoveryKeyChallenge.TemporaryAuthenticationToken
}

// Kind is Password.
func (c *PasswordChallenge) Kind() CredentialKind { return c.PasswordChallenge.Kind }

// ChallengeIdentifier is the handle that finalizes the flow.
func (c *PasswordChallenge) ChallengeIdentifier() string {
	return c.PasswordChallenge.ChallengeIdentifier
}

// User is the user the new credential is for.
func (c *PasswordChallenge) User() User { return c.PasswordChallenge.User }

// RelyingParty is the relying party, when the server sent one.
func (c *PasswordChallenge) RelyingParty() (RelyingParty, bool) { return relyingParty(c.RP) }

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (c *PasswordChallenge) TemporaryAuthenticationToken() string {
	return c.PasswordChallenge.TemporaryAuthenticationToken
}

// Kind is Totp.
func (c *TotpChallenge) Kind() CredentialKind { return c.TotpChallenge.Kind }

// ChallengeIdentifier is the handle that finalizes the flow.
func (c *TotpChallenge) ChallengeIdentifier() string { return c.TotpChallenge.ChallengeIdentifier }

// User is the user the new credential is for.
func (c *TotpChallenge) User() User { return c.TotpChallenge.User }

// RelyingParty is the relying party, when the server sent one.
func (c *TotpChallenge) RelyingParty() (RelyingParty, bool) { return relyingParty(c.RP) }

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (c *TotpChallenge) TemporaryAuthenticationToken() string {
	return c.TotpChallenge.TemporaryAuthenticationToken
}

// The accessors of UnknownChallenge read what every kind has.

// Kind is the kind the server sent, unknown to this version.
func (c *UnknownChallenge) Kind() CredentialKind { return c.common.Kind }

// ChallengeIdentifier is the handle that finalizes the flow.
func (c *UnknownChallenge) ChallengeIdentifier() string { return c.common.ChallengeIdentifier }

// User is the user the new credential is for, when it could be decoded.
func (c *UnknownChallenge) User() User { return c.common.User }

// RelyingParty is the relying party, when the server sent one.
func (c *UnknownChallenge) RelyingParty() (RelyingParty, bool) { return relyingParty(c.common.RP) }

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (c *UnknownChallenge) TemporaryAuthenticationToken() string {
	return c.common.TemporaryAuthenticationToken
}
