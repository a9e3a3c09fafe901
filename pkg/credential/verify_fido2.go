package credential

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
)

// Fido2Credential is a verified Fido2 (WebAuthn) attestation.
type Fido2Credential struct {
	// ID is the raw credential id (credId is its base64url).
	ID []byte
	// PublicKey is the credential's key: *ecdsa.PublicKey (P-256),
	// ed25519.PublicKey or *rsa.PublicKey.
	PublicKey crypto.PublicKey
	// Algorithm is the COSE algorithm of the key.
	Algorithm Algorithm
	// Format is the attestation statement format ("none", "packed", ...).
	Format string
	// AttestationType is go-webauthn's name of the attestation type: "none",
	// "basic_surrogate" (packed self attestation), "basic_full", ...
	AttestationType string
	// AAGUID identifies the authenticator model (zeros for "none").
	AAGUID []byte
	// UserVerified reports the UV flag: the authenticator verified the user.
	UserVerified bool
	// Origin is the origin the client data carried, one of those accepted.
	Origin string
}

// fido2Algorithms are the credential algorithms accepted: those Dfns lists
// (ES256, RS256) and EdDSA.
func fido2Algorithms() []protocol.CredentialParameter {
	return []protocol.CredentialParameter{
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgES256},
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgEdDSA},
		{Type: protocol.PublicKeyCredentialType, Algorithm: webauthncose.AlgRS256},
	}
}

// VerifyFido2Attestation checks a Fido2 credentialInfo (as Fido2Info makes
// it) through go-webauthn's protocol package: the attestation object and
// clientDataJSON parse, the type is "webauthn.create" (ErrWrongType), the
// challenge answers expectedChallenge (ErrWrongChallenge), the origin is one
// of origins and not cross-origin (ErrWrongOrigin), the rpIdHash is SHA-256
// of rpID (ErrWrongRPID), the user was present (ErrUserNotPresent), the key
// is ES256 (P-256),
// EdDSA or RS256 (ErrUnsupportedKey), the attested credential id is credId,
// and the attestation statement verifies: "none", "packed" (self or full,
// certificate chains not checked against roots) and the other formats
// go-webauthn implements. Any failure of go-webauthn's own verification
// after the checks above (the attestation statement) is ErrBadSignature, its reason in the message. User verification is not
// required; see Fido2Credential.UserVerified. Undecodable input, or a credId
// that is not the attested credential id, is ErrMalformed.
//
// expectedChallenge is the Dfns challenge string. CreationOptions passes its
// UTF-8 bytes to the authenticator, so clientDataJSON.challenge is their
// base64url; the mobile SDKs pass its base64url decoding instead, so the
// challenge string itself is accepted too when it is canonical base64url.
func VerifyFido2Attestation(info CredentialInfo, expectedChallenge string, rpID string, origins ...string) (*Fido2Credential, error) {
	if expectedChallenge == "" {
		return nil, fmt.Errorf("%w: empty expected challenge", ErrInvalidChallenge)
	}
	id, err := decodeRawURL(info.CredID)
	if err != nil || len(id) == 0 {
		return nil, fmt.Errorf("%w: credId is not base64url without padding", ErrMalformed)
	}
	cdj, err := decodeRawURL(info.ClientData)
	if err != nil {
		return nil, fmt.Errorf("%w: clientData is not base64url without padding", ErrMalformed)
	}
	ao, err := decodeRawURL(info.AttestationData)
	if err != nil {
		return nil, fmt.Errorf("%w: attestationData is not base64url without padding", ErrMalformed)
	}

	ccr := protocol.CredentialCreationResponse{
		PublicKeyCredential: protocol.PublicKeyCredential{
			Credential: protocol.Credential{ID: info.CredID, Type: string(protocol.PublicKeyCredentialType)},
			RawID:      id,
		},
		AttestationResponse: protocol.AuthenticatorAttestationResponse{
			AuthenticatorResponse: protocol.AuthenticatorResponse{ClientDataJSON: cdj},
			AttestationObject:     ao,
		},
	}
	// Parse the response alone first: ccr.Parse drops the reason.
	if _, err := ccr.AttestationResponse.Parse(); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, describe(err))
	}
	pcc, err := ccr.Parse()
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, describe(err))
	}

	cd := pcc.Response.CollectedClientData
	if cd.Type != protocol.CreateCeremony {
		return nil, fmt.Errorf("%w: %q, want %q", ErrWrongType, cd.Type, protocol.CreateCeremony)
	}
	stored, ok := matchChallenge(cd.Challenge, expectedChallenge)
	if !ok {
		return nil, ErrWrongChallenge
	}
	if !protocol.IsOriginInHaystack(cd.Origin, origins) {
		return nil, fmt.Errorf("%w: %q, want one of %q", ErrWrongOrigin, cd.Origin, origins)
	}
	if cd.CrossOrigin || cd.TopOrigin != "" {
		return nil, fmt.Errorf("%w: cross-origin client data", ErrWrongOrigin)
	}
	authData := pcc.Response.AttestationObject.AuthData
	if !bytes.Equal(authData.AttData.CredentialID, id) {
		return nil, fmt.Errorf("%w: credId is not the attested credential id", ErrMalformed)
	}
	rpHash := sha256.Sum256([]byte(rpID))
	if !bytes.Equal(authData.RPIDHash, rpHash[:]) {
		return nil, fmt.Errorf("%w: rpIdHash is not SHA-256(%q)", ErrWrongRPID, rpID)
	}
	if !authData.Flags.UserPresent() {
		return nil, ErrUserNotPresent
	}
	pub, alg, err := cosePublicKey(authData.AttData.CredentialPublicKey)
	if err != nil {
		return nil, err
	}

	if _, err := pcc.Verify(stored, rpID, origins, nil, nil,
		protocol.TopOriginExplicitVerificationMode, false, false, true,
		nil, fido2Algorithms(), protocol.AttestationPolicy{}, protocol.SignaturePolicy{}); err != nil {
		return nil, fmt.Errorf("%w: the attestation does not verify: %s", ErrBadSignature, describe(err))
	}
	obj := pcc.Response.AttestationObject
	return &Fido2Credential{
		ID:              bytes.Clone(authData.AttData.CredentialID),
		PublicKey:       pub,
		Algorithm:       alg,
		Format:          obj.Format,
		AttestationType: obj.Type,
		AAGUID:          bytes.Clone(authData.AttData.AAGUID),
		UserVerified:    authData.Flags.UserVerified(),
		Origin:          cd.Origin,
	}, nil
}

// matchChallenge returns the clientDataJSON.challenge to verify against:
// base64url of the challenge's UTF-8 bytes (the browser SDK), or the
// challenge itself when it is canonical base64url (the mobile SDKs).
func matchChallenge(got, expected string) (string, bool) {
	if want := base64.RawURLEncoding.EncodeToString([]byte(expected)); got == want {
		return want, true
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(expected); err == nil &&
		base64.RawURLEncoding.EncodeToString(b) == expected && got == expected {
		return expected, true
	}
	return "", false
}

// cosePublicKey converts a COSE_Key to a Go public key Dfns accepts.
func cosePublicKey(cose []byte) (crypto.PublicKey, Algorithm, error) {
	parsed, err := webauthncose.ParsePublicKey(cose)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: credential public key: %v", ErrUnsupportedKey, err)
	}
	var pub crypto.PublicKey
	switch k := parsed.(type) {
	case webauthncose.EC2PublicKeyData:
		if pub, err = k.ToECDSA(); err != nil {
			return nil, 0, fmt.Errorf("%w: credential public key: %v", ErrUnsupportedKey, err)
		}
	case webauthncose.OKPPublicKeyData:
		if len(k.XCoord) != ed25519.PublicKeySize {
			return nil, 0, fmt.Errorf("%w: OKP credential public key of %d bytes", ErrUnsupportedKey, len(k.XCoord))
		}
		pub = ed25519.PublicKey(bytes.Clone(k.XCoord))
	case webauthncose.RSAPublicKeyData:
		e, err := webauthncose.ParseRSAPublicKeyDataExponent(&k)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: credential public key: %v", ErrUnsupportedKey, err)
		}
		pub = &rsa.PublicKey{N: new(big.Int).SetBytes(k.Modulus), E: e}
	default:
		return nil, 0, fmt.Errorf("%w: credential public key of type %T", ErrUnsupportedKey, parsed)
	}
	alg, err := AlgorithmOf(pub)
	if err != nil {
		return nil, 0, err
	}
	return pub, alg, nil
}

// describe spells out a go-webauthn error: its Error() is only the summary,
// the reason is in DevInfo.
func describe(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return pe.Details + ": " + pe.DevInfo
	}
	return err.Error()
}
