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
type PubKeyCredParam = gen.PubKeyCredParam

// CredentialDescriptor identifies a credential the authenticator must not
// register again (WebAuthn excludeCredentials).
type CredentialDescriptor = gen.CredentialDescriptor

// AuthenticatorSelection is the WebAuthn authenticator selection criteria of
// a Fido2 challenge.
type AuthenticatorSelection = gen.AuthenticatorSelection

// PublicKeyCredentialType is always "public-key".
type PublicKeyCredentialType = gen.PublicKeyCredentialType

// PublicKeyCredentialTypePublicKey is the only PublicKeyCredentialType.
const PublicKeyCredentialTypePublicKey = gen.PublicKeyCredentialTypePublicKey

// AttestationConveyance says how much attestation the new credential must
// give (WebAuthn attestation conveyance preference).
type AttestationConveyance = gen.AttestationConveyance

// The attestation conveyance preferences.
const (
	AttestationConveyanceNone       = gen.AttestationConveyanceNone
	AttestationConveyanceIndirect   = gen.AttestationConveyanceIndirect
	AttestationConveyanceDirect     = gen.AttestationConveyanceDirect
	AttestationConveyanceEnterprise = gen.AttestationConveyanceEnterprise
)

// AuthenticatorAttachment restricts a Fido2 credential to platform or
// roaming authenticators.
type AuthenticatorAttachment = gen.AuthenticatorAttachment

// The authenticator attachments.
const (
	AuthenticatorAttachmentPlatform      = gen.AuthenticatorAttachmentPlatform
	AuthenticatorAttachmentCrossPlatform = gen.AuthenticatorAttachmentCrossPlatform
)

// ResidentKeyRequirement says whether a Fido2 credential must be
// discoverable.
type ResidentKeyRequirement = gen.ResidentKeyRequirement

// The resident key requirements.
const (
	ResidentKeyRequirementRequired    = gen.ResidentKeyRequirementRequired
	ResidentKeyRequirementPreferred   = gen.ResidentKeyRequirementPreferred
	ResidentKeyRequirementDiscouraged = gen.ResidentKeyRequirementDiscouraged
)

// UserVerificationRequirement says whether the authenticator must verify the
// user (PIN, biometrics).
type UserVerificationRequirement = gen.UserVerificationRequirement

// The user verification requirements.
const (
	UserVerificationRequirementRequired    = gen.UserVerificationRequirementRequired
	UserVerificationRequirementPreferred   = gen.UserVerificationRequirementPreferred
	UserVerificationRequirementDiscouraged = gen.UserVerificationRequirementDiscouraged
)
