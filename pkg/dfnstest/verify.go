//lint:file-ignore SA1019 the sandbox serves every kind, the deprecated Password and Totp included.

package dfnstest

import (
	"bytes"
	"context"
	"crypto"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/gen/flow"
	"github.com/dfnskit/dfns-go/gen/flowserver"
	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// POST /auth/credentials/code/verify: the sandbox end of the flow. The
// request and the answer are described by openapi.flow.yaml (the project's
// own document, embedded in gen/flowserver), validated the same way as
// init's, and served through the generated strict server.

const (
	verifyPath  = "/auth/credentials/code/verify"
	routeVerify = "verify"
)

// The error ids verify adds to errors.go's.
const (
	idChallengeInvalid = "challenge_invalid"        // 401: unknown, forged, expired or used challengeIdentifier
	idKindMismatch     = "credential_kind_mismatch" // 400: credentialKind is not the challenge's kind
	idAttestation      = "attestation_invalid"      // 400: the credentialInfo does not answer the challenge
	idCredentialExists = "credential_exists"        // 409: a credential with this credId is registered already
)

// The rules of verify's details beyond the JSON Schema keywords.
const (
	ruleConst     = "const"     // credentialKind must be the challenge's kind
	ruleChallenge = "challenge" // the client data answers another challenge
	ruleOrigin    = "origin"    // the Fido2 client data names another origin
	ruleRPID      = "rpId"      // the Fido2 authenticator data is for another relying party
	ruleSignature = "signature" // the signature or attestation statement does not verify
	rulePublicKey = "publicKey" // a key of an algorithm the challenge's pubKeyCredParams did not offer
	ruleUnique    = "unique"    // the credId is registered already
	// ruleUserVerified: the authenticator did not verify the user, which
	// the sandbox's Fido2 challenges require.
	ruleUserVerified = "userVerification"
	// ruleUserPresent: the authenticator data lacks the user-present flag.
	ruleUserPresent = "userPresence"
)

// RegisteredCredential is a credential the sandbox registered (POST
// /auth/credentials/code/verify), as Credentials lists it.
type RegisteredCredential struct {
	// Credential is what verify answered.
	dfns.Credential
	// UserID is the id of the user the credential belongs to (the user of
	// the code the challenge was issued for).
	UserID string
	// Key is the credential's public key (*ecdsa.PublicKey,
	// ed25519.PublicKey or *rsa.PublicKey); nil for Password and Totp.
	Key crypto.PublicKey
	// EncryptedPrivateKey is the encryptedPrivateKey received, for
	// PasswordProtectedKey and RecoveryKey ("" when none was sent).
	EncryptedPrivateKey string
}

// verifyHandler implements the generated flowserver.StrictServerInterface.
type verifyHandler struct{ s *Sandbox }

var _ flowserver.StrictServerInterface = verifyHandler{}

// verifyRoute is the handler of POST /auth/credentials/code/verify: the
// request checks, then the generated server binding the validated value.
func (s *Sandbox) verifyRoute() http.HandlerFunc {
	strict := flowserver.NewStrictHandlerWithOptions(verifyHandler{s}, nil, flowserver.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  s.bindError,
		ResponseErrorHandlerFunc: s.responseError,
	})
	w := &flowserver.ServerInterfaceWrapper{
		Handler:            strict,
		HandlerMiddlewares: []flowserver.MiddlewareFunc{s.checkVerifyRequest},
		ErrorHandlerFunc:   s.bindError,
	}
	return w.CreateCredentialWithCode
}

// checkVerifyRequest is checkInitRequest for verify: media type (415), size
// (413), an empty body or malformed JSON (400), credentialKind (400 naming
// it: the schema's discriminator alone would only say "oneOf"), then,
// unless validation is off, openapi.flow.yaml's schema (400 with details).
func (s *Sandbox) checkVerifyRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := exchangeFrom(r.Context())
		x.route = routeVerify
		body, ok := s.readJSONBody(x, w, r)
		if !ok {
			return
		}
		v, err := decodeJSON(body)
		if err != nil {
			x.fail(invalidRequest(detail{Rule: ruleJSON})).write(w)
			return
		}
		if d := kindDetail(v); d != nil {
			x.fail(invalidRequest(*d)).write(w)
			return
		}
		if s.verifyVal != nil {
			if d := s.verifyVal.validateRequest(v); d != nil {
				x.fail(invalidRequest(d...)).write(w)
				return
			}
		}
		r.Body = &validatedBody{Reader: bytes.NewReader(body), value: v}
		next.ServeHTTP(w, r)
	})
}

// kindDetail checks the discriminator of a decoded verify body.
func kindDetail(v any) *detail {
	m, ok := v.(map[string]any)
	if !ok {
		return &detail{Rule: ruleType}
	}
	k, ok := m["credentialKind"]
	if !ok {
		return &detail{Pointer: "/credentialKind", Rule: ruleRequired}
	}
	kind, ok := k.(string)
	if !ok {
		return &detail{Pointer: "/credentialKind", Rule: ruleType}
	}
	if !dfns.CredentialKind(kind).Valid() {
		return &detail{Pointer: "/credentialKind", Rule: ruleEnum}
	}
	return nil
}

// verifyInput is a verify request, whatever its variant.
type verifyInput struct {
	kind                dfns.CredentialKind
	name                string
	challengeIdentifier string
	info                dfns.CredentialInfo // Fido2, Key, PasswordProtectedKey, RecoveryKey
	encryptedPrivateKey string
	secret              string // Password's password, Totp's otpCode
}

// input flattens the bound union.
func input(body *flow.CreateCredentialWithCodeRequest) (verifyInput, *detail) {
	var in verifyInput
	if body == nil {
		return in, &detail{Rule: ruleRequired}
	}
	v, err := body.ValueByDiscriminator()
	if err != nil {
		return in, &detail{Pointer: "/credentialKind", Rule: ruleEnum}
	}
	switch v := v.(type) {
	case flow.Fido2CredentialRequest:
		in = verifyInput{kind: dfns.CredentialKindFido2, name: v.CredentialName, challengeIdentifier: v.ChallengeIdentifier, info: v.CredentialInfo}
	case flow.KeyCredentialRequest:
		in = verifyInput{kind: dfns.CredentialKindKey, name: v.CredentialName, challengeIdentifier: v.ChallengeIdentifier, info: v.CredentialInfo}
	case flow.PasswordProtectedKeyCredentialRequest:
		in = verifyInput{kind: dfns.CredentialKindPasswordProtectedKey, name: v.CredentialName, challengeIdentifier: v.ChallengeIdentifier,
			info: v.CredentialInfo, encryptedPrivateKey: v.EncryptedPrivateKey}
	case flow.RecoveryKeyCredentialRequest:
		in = verifyInput{kind: dfns.CredentialKindRecoveryKey, name: v.CredentialName, challengeIdentifier: v.ChallengeIdentifier, info: v.CredentialInfo}
		if v.EncryptedPrivateKey != nil {
			in.encryptedPrivateKey = *v.EncryptedPrivateKey
		}
	case flow.PasswordCredentialRequest:
		in = verifyInput{kind: dfns.CredentialKindPassword, name: v.CredentialName, challengeIdentifier: v.ChallengeIdentifier, secret: v.CredentialInfo.Password}
	case flow.TotpCredentialRequest:
		in = verifyInput{kind: dfns.CredentialKindTotp, name: v.CredentialName, challengeIdentifier: v.ChallengeIdentifier, secret: v.CredentialInfo.OtpCode}
	}
	return in, in.check()
}

// check refuses what validation refuses already, for WithoutValidation.
func (in *verifyInput) check() *detail {
	missing := func(p string) *detail { return &detail{Pointer: p, Rule: ruleMinLen} }
	switch {
	case in.name == "":
		return missing("/credentialName")
	case in.challengeIdentifier == "":
		return missing("/challengeIdentifier")
	}
	switch in.kind {
	case dfns.CredentialKindPassword:
		if in.secret == "" {
			return missing("/credentialInfo/password")
		}
		return nil
	case dfns.CredentialKindTotp:
		if in.secret == "" {
			return missing("/credentialInfo/otpCode")
		}
		return nil
	}
	switch {
	case in.info.CredID == "":
		return missing("/credentialInfo/credId")
	case in.info.ClientData == "":
		return missing("/credentialInfo/clientData")
	case in.info.AttestationData == "":
		return missing("/credentialInfo/attestationData")
	case in.kind == dfns.CredentialKindPasswordProtectedKey && in.encryptedPrivateKey == "":
		return &detail{Pointer: "/encryptedPrivateKey", Rule: ruleRequired}
	}
	return nil
}

// CreateCredentialWithCode checks the challengeIdentifier, verifies the
// attestation against the challenge the sandbox issued, consumes the
// challenge and registers the credential.
func (h verifyHandler) CreateCredentialWithCode(ctx context.Context, req flowserver.CreateCredentialWithCodeRequestObject) (flowserver.CreateCredentialWithCodeResponseObject, error) {
	s, x := h.s, exchangeFrom(ctx)
	in, d := input(req.Body)
	if d != nil {
		return x.fail(invalidRequest(*d)), nil
	}
	now := s.now()

	issued, key, reason := s.lookupChallenge(in.challengeIdentifier, now)
	if reason != "" {
		return x.fail(challengeInvalid(reason)), nil
	}
	var err error
	if issued.kind != in.kind {
		return x.fail(kindMismatch()), nil
	}

	var pub crypto.PublicKey
	notOffered := func() *apiError {
		return attestationFailed(detail{Pointer: "/credentialInfo/attestationData", Rule: rulePublicKey})
	}
	origin := s.origins()[0] // Fido2: the client data's
	switch in.kind {
	case dfns.CredentialKindFido2:
		cred, err := credential.VerifyFido2Attestation(in.info, issued.challenge, s.cfg.rp.ID, s.origins()...)
		if err != nil {
			return x.fail(attestationInvalid(err)), nil
		}
		if !offered(in.kind, cred.Algorithm) {
			return x.fail(notOffered()), nil
		}
		if !cred.UserVerified {
			// The sandbox's Fido2 challenges require user verification.
			d := detail{Pointer: "/credentialInfo/attestationData", Rule: ruleUserVerified}
			return x.fail(attestationFailed(d)), nil
		}
		pub, origin = cred.PublicKey, cred.Origin
	case dfns.CredentialKindKey, dfns.CredentialKindPasswordProtectedKey, dfns.CredentialKindRecoveryKey:
		if pub, err = credential.VerifyKeyAttestation(in.info, issued.challenge); err != nil {
			return x.fail(attestationInvalid(err)), nil
		}
		if alg, err := credential.AlgorithmOf(pub); err != nil || !offered(in.kind, alg) {
			return x.fail(notOffered()), nil
		}
		if in.kind != dfns.CredentialKindKey {
			if in.encryptedPrivateKey != "" && credential.CheckEncryptedPrivateKey(in.encryptedPrivateKey) != nil {
				return x.fail(invalidRequest(detail{Pointer: "/encryptedPrivateKey", Rule: ruleFormat})), nil
			}
		}
	default:
		// Password and Totp: the sandbox accepts any non-empty password or
		// OTP code and checks nothing.
	}

	pemKey := ""
	if pub != nil {
		if pemKey, err = credential.PublicKeyPEM(pub); err != nil {
			return x.fail(internalError("encoding the public key failed")), nil
		}
	}
	credID := in.info.CredID
	if credID == "" { // Password, Totp: the sandbox makes one up
		var b [32]byte
		s.rnd.fill(b[:])
		credID = base64.RawURLEncoding.EncodeToString(b[:])
	}
	cred := dfns.Credential{
		Kind:           in.kind,
		CredentialID:   credID,
		CredentialUUID: newCredentialID(s.rnd),
		DateCreated:    now.UTC().Truncate(time.Millisecond),
		IsActive:       true,
		Name:           in.name,
		PublicKey:      pemKey,
		RelyingPartyID: s.cfg.rp.ID,
		Origin:         origin,
	}
	reg := RegisteredCredential{Credential: cred, UserID: issued.userID, Key: pub, EncryptedPrivateKey: in.encryptedPrivateKey}
	if e := s.register(key, reg, now); e != nil {
		return x.fail(e), nil
	}
	return flowserver.CreateCredentialWithCode200JSONResponse{
		Kind:           flow.CredentialKind(cred.Kind),
		CredentialID:   cred.CredentialID,
		CredentialUUID: cred.CredentialUUID,
		DateCreated:    cred.DateCreated,
		IsActive:       cred.IsActive,
		Name:           cred.Name,
		PublicKey:      cred.PublicKey,
		RelyingPartyID: cred.RelyingPartyID,
		Origin:         cred.Origin,
	}, nil
}

// VisitCreateCredentialWithCodeResponse lets an apiError be a response
// object of the generated verify server.
func (e *apiError) VisitCreateCredentialWithCodeResponse(w http.ResponseWriter) error {
	e.write(w)
	return nil
}

// challengeInvalid is the one 401 for an unknown, forged, expired or used
// challengeIdentifier: the answer does not say which; reason does.
func challengeInvalid(reason string) *apiError {
	return &apiError{
		status:  http.StatusUnauthorized,
		id:      idChallengeInvalid,
		message: "The challengeIdentifier is invalid, expired or already used.",
		reason:  reason,
	}
}

func kindMismatch() *apiError {
	return &apiError{
		status: http.StatusBadRequest, id: idKindMismatch,
		message: "credentialKind is not the kind of the challenge.",
		details: []detail{{Pointer: "/credentialKind", Rule: ruleConst}},
		reason:  "credential kind mismatch",
	}
}

// attestationInvalid is the 400 for an attestation pkg/credential refused,
// with the field and rule its error class names. The error's message is
// never used.
func attestationInvalid(err error) *apiError {
	d := detail{Pointer: "/credentialInfo", Rule: ruleFormat}
	switch {
	case errors.Is(err, credential.ErrWrongType):
		d = detail{Pointer: "/credentialInfo/clientData", Rule: ruleType}
	case errors.Is(err, credential.ErrWrongChallenge), errors.Is(err, credential.ErrInvalidChallenge):
		d = detail{Pointer: "/credentialInfo/clientData", Rule: ruleChallenge}
	case errors.Is(err, credential.ErrWrongOrigin):
		d = detail{Pointer: "/credentialInfo/clientData", Rule: ruleOrigin}
	case errors.Is(err, credential.ErrWrongRPID):
		d = detail{Pointer: "/credentialInfo/attestationData", Rule: ruleRPID}
	case errors.Is(err, credential.ErrUserNotPresent):
		d = detail{Pointer: "/credentialInfo/attestationData", Rule: ruleUserPresent}
	case errors.Is(err, credential.ErrBadSignature):
		d = detail{Pointer: "/credentialInfo/attestationData", Rule: ruleSignature}
	case errors.Is(err, credential.ErrUnsupportedKey):
		d = detail{Pointer: "/credentialInfo/attestationData", Rule: rulePublicKey}
	}
	return attestationFailed(d)
}

func attestationFailed(d detail) *apiError {
	return &apiError{
		status: http.StatusBadRequest, id: idAttestation,
		message: "The credentialInfo does not answer the challenge; see details.",
		details: []detail{d},
		reason:  "attestation invalid: " + d.Pointer + " " + d.Rule,
	}
}
