package dfns

import "encoding/json"

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

// challengeHeader holds what every kind has; each variant embeds it.
type challengeHeader struct {
	kind                CredentialKind
	challengeIdentifier string
	user                User
	rp                  *RelyingParty
	tempToken           string
}

// Kind is the credential kind of the challenge.
func (h *challengeHeader) Kind() CredentialKind { return h.kind }

// ChallengeIdentifier is the handle that finalizes the flow.
func (h *challengeHeader) ChallengeIdentifier() string { return h.challengeIdentifier }

// User is the user the new credential is for.
func (h *challengeHeader) User() User { return h.user }

// RelyingParty is the WebAuthn relying party, when the server sent one.
func (h *challengeHeader) RelyingParty() (RelyingParty, bool) {
	if h.rp == nil {
		return RelyingParty{}, false
	}
	return *h.rp, true
}

// TemporaryAuthenticationToken is the deprecated alias of ChallengeIdentifier.
//
// Deprecated: use ChallengeIdentifier.
func (h *challengeHeader) TemporaryAuthenticationToken() string { return h.tempToken }

func (*challengeHeader) challenge() {}

// Fido2Challenge asks for a WebAuthn credential (a passkey or security key):
// its fields are the WebAuthn PublicKeyCredentialCreationOptions.
type Fido2Challenge struct {
	challengeHeader
	// Challenge is the WebAuthn challenge, as the server sent it.
	Challenge string
	// AuthenticatorSelection restricts which authenticators may answer.
	AuthenticatorSelection AuthenticatorSelection
	// Attestation is the attestation conveyance preference.
	Attestation AttestationConveyance
	// PubKeyCredParams lists the acceptable algorithms, most preferred first.
	PubKeyCredParams []PubKeyCredParam
	// ExcludeCredentials lists the user's existing credentials.
	ExcludeCredentials []CredentialDescriptor
}

// KeyChallenge asks for a raw public/private key pair credential: sign
// Challenge with the new key.
type KeyChallenge struct {
	challengeHeader
	// Challenge is what the new key signs, as the server sent it.
	Challenge string
	// Attestation is the attestation conveyance preference.
	Attestation AttestationConveyance
	// PubKeyCredParams lists the acceptable algorithms, most preferred first.
	PubKeyCredParams []PubKeyCredParam
}

// PasswordProtectedKeyChallenge asks for a key pair whose private key Dfns
// will store encrypted with the user's password.
type PasswordProtectedKeyChallenge struct {
	challengeHeader
	// Challenge is what the new key signs, as the server sent it.
	Challenge string
	// Attestation is the attestation conveyance preference.
	Attestation AttestationConveyance
	// PubKeyCredParams lists the acceptable algorithms, most preferred first.
	PubKeyCredParams []PubKeyCredParam
}

// RecoveryKeyChallenge asks for a recovery key pair.
type RecoveryKeyChallenge struct {
	challengeHeader
	// Challenge is what the new key signs, as the server sent it.
	Challenge string
	// Attestation is the attestation conveyance preference.
	Attestation AttestationConveyance
	// PubKeyCredParams lists the acceptable algorithms, most preferred first.
	PubKeyCredParams []PubKeyCredParam
}

// PasswordChallenge asks for a password credential; it carries only the
// common fields.
//
// Deprecated: Dfns no longer supports Password credentials and will remove
// the kind.
type PasswordChallenge struct {
	challengeHeader
}

// TotpChallenge asks for a TOTP credential.
//
// Deprecated: Dfns no longer supports TOTP credentials and will remove the
// kind.
type TotpChallenge struct {
	challengeHeader
	// OtpURL is the otpauth:// URI to load into an authenticator app.
	OtpURL string
}

// UnknownChallenge is a challenge of a kind this version of the library does
// not know (a kind Dfns added after the vendored spec). Kind,
// ChallengeIdentifier and, when present, User and RelyingParty are decoded;
// Raw keeps the whole body so nothing is lost.
type UnknownChallenge struct {
	challengeHeader
	// Raw is the response body exactly as received.
	Raw json.RawMessage
}
