package credential

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// fido2Timeout is the WebAuthn timeout of the TypeScript browser SDK, in ms.
const fido2Timeout = 60000

// CreationOptions maps a Fido2 challenge to WebAuthn creation options as the
// TypeScript browser SDK (WebAuthnSigner.create) does. json.Marshal of the
// result is the WebAuthn Level 3 JSON that a browser passes to
// PublicKeyCredential.parseCreationOptionsFromJSON, and then to
// navigator.credentials.create({publicKey}).
//
//   - rp: as given; a challenge without rp is ErrMalformed (rp.name is
//     required by WebAuthn).
//   - user.id: the UTF-8 bytes of the Dfns user id string (base64url in
//     JSON); WebAuthn takes 1 to 64 bytes, anything else is ErrMalformed.
//   - challenge: the UTF-8 bytes of the challenge string, not its base64url
//     decoding (the browser SDK's choice; the mobile SDKs decode it instead).
//     The authenticator's clientDataJSON.challenge is then base64url of
//     those bytes; VerifyFido2Attestation accepts both.
//   - excludeCredentials[].id: the id string base64url-decoded the way the
//     SDK's fromBase64Url (Node's Buffer) does: '=' padding optional, a final
//     lone character (length 4n+1, e.g. a 29-character cr- id) ignored.
//     A character outside the base64url alphabet is ErrMalformed.
//   - pubKeyCredParams (alg must be an integer), attestation and
//     authenticatorSelection: passed through.
//   - timeout: 60000 ms.
func CreationOptions(ch *dfns.Fido2Challenge) (*protocol.PublicKeyCredentialCreationOptions, error) {
	if ch == nil {
		return nil, fmt.Errorf("%w: nil challenge", ErrMalformed)
	}
	if ch.Challenge == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidChallenge)
	}
	rp, ok := ch.RelyingParty()
	if !ok {
		return nil, fmt.Errorf("%w: the Fido2 challenge has no rp", ErrMalformed)
	}
	user := ch.User()
	if len(user.ID) == 0 || len(user.ID) > 64 {
		return nil, fmt.Errorf("%w: user.id of %d bytes (WebAuthn takes 1 to 64)", ErrMalformed, len(user.ID))
	}
	opts := &protocol.PublicKeyCredentialCreationOptions{
		RelyingParty: protocol.RelyingPartyEntity{
			CredentialEntity: protocol.CredentialEntity{Name: rp.Name},
			ID:               rp.ID,
		},
		User: protocol.UserEntity{
			CredentialEntity: protocol.CredentialEntity{Name: user.Name},
			DisplayName:      user.DisplayName,
			ID:               protocol.URLEncodedBase64(user.ID),
		},
		Challenge:   protocol.URLEncodedBase64(ch.Challenge),
		Timeout:     fido2Timeout,
		Attestation: protocol.ConveyancePreference(ch.Attestation),
	}
	for i, p := range ch.PubKeyCredParams {
		if p.Alg != math.Trunc(p.Alg) || math.Abs(p.Alg) > math.MaxInt32 {
			return nil, fmt.Errorf("%w: pubKeyCredParams[%d].alg %v is not a COSE algorithm id", ErrMalformed, i, p.Alg)
		}
		opts.Parameters = append(opts.Parameters, protocol.CredentialParameter{
			Type:      protocol.CredentialType(p.Type),
			Algorithm: webauthncose.COSEAlgorithmIdentifier(int(p.Alg)),
		})
	}
	for i, c := range ch.ExcludeCredentials {
		id, err := decodeBase64URLLenient(c.ID)
		if err != nil {
			return nil, fmt.Errorf("%w: excludeCredentials[%d].id: %v", ErrMalformed, i, err)
		}
		opts.CredentialExcludeList = append(opts.CredentialExcludeList, protocol.CredentialDescriptor{
			Type:         protocol.CredentialType(c.Type),
			CredentialID: id,
		})
	}
	sel := ch.AuthenticatorSelection
	requireResidentKey := sel.RequireResidentKey
	opts.AuthenticatorSelection = protocol.AuthenticatorSelection{
		RequireResidentKey: &requireResidentKey,
		ResidentKey:        protocol.ResidentKeyRequirement(sel.ResidentKey),
		UserVerification:   protocol.UserVerificationRequirement(sel.UserVerification),
	}
	if sel.AuthenticatorAttachment != nil {
		opts.AuthenticatorSelection.AuthenticatorAttachment = protocol.AuthenticatorAttachment(*sel.AuthenticatorAttachment)
	}
	return opts, nil
}

// browserCredential is the part of PublicKeyCredential.toJSON() (WebAuthn
// Level 3, RegistrationResponseJSON) that credentialInfo needs.
type browserCredential struct {
	ID       *string `json:"id"`
	RawID    *string `json:"rawId"`
	Type     *string `json:"type"`
	Response *struct {
		ClientDataJSON    *string `json:"clientDataJSON"`
		AttestationObject *string `json:"attestationObject"`
	} `json:"response"`
}

// Fido2Info turns the browser's answer, the JSON of
// PublicKeyCredential.toJSON() after navigator.credentials.create, into the
// credentialInfo of the verify request: credId = id, clientData =
// base64url(clientDataJSON), attestationData = base64url(attestationObject),
// all re-encoded canonically (base64url, no padding).
//
// It checks what it can without the challenge: type is "public-key", id and
// rawId agree, clientDataJSON is JSON of type "webauthn.create" (an assertion
// is ErrWrongType), attestationObject is CBOR with authData. Anything else
// missing or undecodable is ErrMalformed.
func Fido2Info(browserJSON []byte) (*CredentialInfo, error) {
	var bc browserCredential
	if err := json.Unmarshal(browserJSON, &bc); err != nil {
		return nil, fmt.Errorf("%w: not a PublicKeyCredential JSON: %v", ErrMalformed, err)
	}
	if bc.ID == nil || *bc.ID == "" {
		return nil, fmt.Errorf("%w: missing id", ErrMalformed)
	}
	if bc.Type == nil || *bc.Type != string(protocol.PublicKeyCredentialType) {
		return nil, fmt.Errorf("%w: type is not %q", ErrMalformed, protocol.PublicKeyCredentialType)
	}
	id, err := decodeBase64URL(*bc.ID)
	if err != nil || len(id) == 0 {
		return nil, fmt.Errorf("%w: id is not base64url", ErrMalformed)
	}
	if bc.RawID != nil {
		raw, err := decodeBase64URL(*bc.RawID)
		if err != nil || string(raw) != string(id) {
			return nil, fmt.Errorf("%w: rawId does not match id", ErrMalformed)
		}
	}
	if bc.Response == nil || bc.Response.ClientDataJSON == nil || bc.Response.AttestationObject == nil {
		return nil, fmt.Errorf("%w: missing response.clientDataJSON or response.attestationObject (an attestation, not an assertion, is needed)", ErrMalformed)
	}
	cdj, err := decodeBase64URL(*bc.Response.ClientDataJSON)
	if err != nil {
		return nil, fmt.Errorf("%w: response.clientDataJSON is not base64url", ErrMalformed)
	}
	var cd protocol.CollectedClientData
	if err := json.Unmarshal(cdj, &cd); err != nil {
		return nil, fmt.Errorf("%w: response.clientDataJSON is not client data JSON: %v", ErrMalformed, err)
	}
	if cd.Type != protocol.CreateCeremony {
		return nil, fmt.Errorf("%w: clientDataJSON.type is %q, want %q", ErrWrongType, cd.Type, protocol.CreateCeremony)
	}
	ao, err := decodeBase64URL(*bc.Response.AttestationObject)
	if err != nil {
		return nil, fmt.Errorf("%w: response.attestationObject is not base64url", ErrMalformed)
	}
	var obj protocol.AttestationObject
	if err := webauthncbor.Unmarshal(ao, &obj); err != nil {
		return nil, fmt.Errorf("%w: response.attestationObject is not CBOR: %v", ErrMalformed, err)
	}
	if len(obj.RawAuthData) == 0 || obj.Format == "" {
		return nil, fmt.Errorf("%w: response.attestationObject lacks fmt or authData", ErrMalformed)
	}
	return &CredentialInfo{
		CredID:          base64.RawURLEncoding.EncodeToString(id),
		ClientData:      base64.RawURLEncoding.EncodeToString(cdj),
		AttestationData: base64.RawURLEncoding.EncodeToString(ao),
	}, nil
}
