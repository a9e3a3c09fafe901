package dfns

import "github.com/dfnskit/dfns-go/gen"

// CredentialKind names a kind of Dfns credential. It is both the
// credentialKind a caller asks for and the kind of the challenge returned.
type CredentialKind = gen.CredentialKind

// The credential kinds of the vendored spec.
const (
	// CredentialKindFido2 is a WebAuthn credential (a passkey or security key).
	CredentialKindFido2 = gen.CredentialKindFido2
	// CredentialKindKey is a raw public/private key pair held by the caller.
	CredentialKindKey = gen.CredentialKindKey
	// CredentialKindPasswordProtectedKey is a key pair whose private key Dfns
	// stores encrypted with the user's password.
	CredentialKindPasswordProtectedKey = gen.CredentialKindPasswordProtectedKey
	// CredentialKindRecoveryKey is a recovery key pair, its private key
	// encrypted with a recovery code.
	CredentialKindRecoveryKey = gen.CredentialKindRecoveryKey
	// CredentialKindPassword is a password credential.
	//
	// Deprecated: Dfns no longer supports it and will remove it.
	CredentialKindPassword = gen.CredentialKindPassword
	// CredentialKindTotp is a time-based one-time password credential.
	//
	// Deprecated: Dfns no longer supports it and will remove it.
	CredentialKindTotp = gen.CredentialKindTotp
)

// CredentialKinds lists every kind of the vendored spec, in the spec's order.
func CredentialKinds() []CredentialKind {
	return []CredentialKind{
		CredentialKindFido2, CredentialKindKey, CredentialKindPassword,
		CredentialKindTotp, CredentialKindRecoveryKey, CredentialKindPasswordProtectedKey,
	}
}

// User is the Dfns user a challenge is for.
type User = gen.User

// RelyingParty is the WebAuthn relying party (the Dfns application's domain).
type RelyingParty = gen.RelyingParty

// PubKeyCredParam is one acceptable public-key algorithm: Alg is a COSE
// algorithm id (-7 ES256, -257 RS256, -8 EdDSA).
//
// The other nested models and their enums (AuthenticatorSelection,
// AttestationConveyance, CredentialDescriptor…) are gen's, the types of the
// variants' fields.
type PubKeyCredParam = gen.PubKeyCredParam
