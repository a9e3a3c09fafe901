package dfns

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/gen/flow"
)

// CredentialInfo is the answer of a Fido2, Key, PasswordProtectedKey or
// RecoveryKey credential to its challenge: the credentialInfo of the verify
// request. Every field is base64url without padding. pkg/credential makes
// it (its CredentialInfo is this type).
type CredentialInfo struct {
	// CredID is the credential id: random for Key and PasswordProtectedKey,
	// SHA-256 of the encrypted private key for RecoveryKey, the WebAuthn
	// credential id for Fido2.
	CredID string `json:"credId"`
	// ClientData is the client data JSON, base64url.
	ClientData string `json:"clientData"`
	// AttestationData is the attestation JSON (key kinds) or the CBOR
	// attestation object (Fido2), base64url.
	AttestationData string `json:"attestationData"`
}

// VerifyRequest finalizes the flow: the body of POST
// /auth/credentials/code/verify, for CreateCredentialWithCode. Which fields
// it needs depends on Kind:
//
//	Kind                  CredentialInfo  EncryptedPrivateKey  Password  OtpCode
//	Fido2, Key            required        -                    -         -
//	PasswordProtectedKey  required        required             -         -
//	RecoveryKey           required        optional             -         -
//	Password (deprecated) -               -                    required  -
//	Totp (deprecated)     -               -                    -         required
//
// A field the kind does not take must be empty; an empty optional field is
// left out of the JSON body (never sent as null or ""). Kind, Name and
// ChallengeIdentifier are always required.
//
// The challengeIdentifier is the handle of a single-use challenge and the
// password and OTP code are secrets: a VerifyRequest prints them as
// "[REDACTED]" with every fmt verb and in slog, and no error of the client
// repeats them. (As for OneTimeCode, fmt cannot call methods through an
// unexported struct field: do not print a struct holding one there.)
type VerifyRequest struct {
	// Kind is the credential kind: the kind of the challenge it answers.
	Kind CredentialKind
	// Name names the new credential (credentialName), e.g. "laptop".
	Name string
	// ChallengeIdentifier is the challenge's ChallengeIdentifier().
	ChallengeIdentifier string
	// CredentialInfo is the answer of a Fido2, Key, PasswordProtectedKey or
	// RecoveryKey credential.
	CredentialInfo CredentialInfo
	// EncryptedPrivateKey is the credential's private key encrypted with the
	// password or recovery code: required for PasswordProtectedKey,
	// optional for RecoveryKey.
	EncryptedPrivateKey string
	// Password is the credentialInfo.password of a Password credential.
	//
	// Deprecated: Dfns no longer supports Password credentials.
	Password string
	// OtpCode is the credentialInfo.otpCode of a Totp credential.
	//
	// Deprecated: Dfns no longer supports TOTP credentials.
	OtpCode string
}

// Format prints the request with ChallengeIdentifier, Password and OtpCode
// redacted, for every verb.
func (r VerifyRequest) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, r.String())
}

// String describes the request with ChallengeIdentifier, Password and
// OtpCode redacted.
func (r VerifyRequest) String() string {
	return fmt.Sprintf("{Kind:%s Name:%q ChallengeIdentifier:%s CredentialInfo:%+v EncryptedPrivateKey:%d bytes Password:%s OtpCode:%s}",
		string(r.Kind), r.Name, redactedIfSet(r.ChallengeIdentifier), r.CredentialInfo, len(r.EncryptedPrivateKey),
		redactedIfSet(r.Password), redactedIfSet(r.OtpCode))
}

// LogValue keeps the challengeIdentifier and the secrets out of slog output.
func (r VerifyRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", string(r.Kind)),
		slog.String("name", r.Name),
		slog.String("challengeIdentifier", redactedIfSet(r.ChallengeIdentifier)),
		slog.String("credId", r.CredentialInfo.CredID),
		slog.Int("encryptedPrivateKeyBytes", len(r.EncryptedPrivateKey)),
	)
}

// redactedIfSet is "[REDACTED]" for a non-empty string, "" otherwise.
func redactedIfSet(s string) string {
	if s == "" {
		return ""
	}
	return redacted
}

// secrets are the request's strings no error may repeat.
func (r *VerifyRequest) secrets() secrets {
	return secrets{r.ChallengeIdentifier, r.Password, r.OtpCode}
}

// ValidateVerifyRequest checks a CreateCredentialWithCode request without
// sending it (see VerifyRequest for the table): Kind one of the spec's, Name
// and ChallengeIdentifier non-empty, the fields of the kind non-empty, the
// fields of other kinds empty. The error is a *ValidationError naming the
// field as a JSON pointer into the request body ("/credentialInfo/credId")
// and the rule, never a value.
func ValidateVerifyRequest(r VerifyRequest) error {
	if !r.Kind.Valid() {
		return reqErr("/credentialKind", RuleEnum, fmt.Sprintf("one of %v", CredentialKinds()))
	}
	if r.Name == "" {
		return reqErr("/credentialName", RuleMinLength, "1")
	}
	if r.ChallengeIdentifier == "" {
		return reqErr("/challengeIdentifier", RuleMinLength, "1")
	}
	keyInfo := r.CredentialInfo != CredentialInfo{}
	password, otp := r.Password, r.OtpCode
	switch r.Kind {
	case CredentialKindPassword:
		if password == "" {
			return reqErr("/credentialInfo/password", RuleMinLength, "1")
		}
		if keyInfo {
			return reqErr("/credentialInfo", RuleAdditionalProperties, "only password for "+string(r.Kind))
		}
	case CredentialKindTotp:
		if otp == "" {
			return reqErr("/credentialInfo/otpCode", RuleMinLength, "1")
		}
		if keyInfo {
			return reqErr("/credentialInfo", RuleAdditionalProperties, "only otpCode for "+string(r.Kind))
		}
	default: // Fido2, Key, PasswordProtectedKey, RecoveryKey
		for _, f := range []struct{ path, value string }{
			{"/credentialInfo/credId", r.CredentialInfo.CredID},
			{"/credentialInfo/clientData", r.CredentialInfo.ClientData},
			{"/credentialInfo/attestationData", r.CredentialInfo.AttestationData},
		} {
			if f.value == "" {
				return reqErr(f.path, RuleMinLength, "1")
			}
		}
	}
	if r.Kind != CredentialKindPassword && password != "" {
		return reqErr("/credentialInfo/password", RuleAdditionalProperties, "only for Password")
	}
	if r.Kind != CredentialKindTotp && otp != "" {
		return reqErr("/credentialInfo/otpCode", RuleAdditionalProperties, "only for Totp")
	}
	switch r.Kind {
	case CredentialKindPasswordProtectedKey:
		if r.EncryptedPrivateKey == "" {
			return reqErr("/encryptedPrivateKey", RuleRequired, "string")
		}
	case CredentialKindRecoveryKey:
	default:
		if r.EncryptedPrivateKey != "" {
			return reqErr("/encryptedPrivateKey", RuleAdditionalProperties, "only for PasswordProtectedKey and RecoveryKey")
		}
	}
	return nil
}

// verifyBody builds the wire body of a validated request: the generated
// variant of its kind, optional fields absent when empty.
func verifyBody(r VerifyRequest) (flow.CreateCredentialWithCodeRequest, error) {
	var body flow.CreateCredentialWithCodeRequest
	kind := flow.CredentialKind(r.Kind)
	info := flow.CredentialInfo{CredID: r.CredentialInfo.CredID, ClientData: r.CredentialInfo.ClientData, AttestationData: r.CredentialInfo.AttestationData}
	var v any
	switch r.Kind {
	case CredentialKindFido2:
		v = flow.Fido2CredentialRequest{CredentialKind: kind, CredentialName: r.Name, ChallengeIdentifier: r.ChallengeIdentifier, CredentialInfo: info}
	case CredentialKindKey:
		v = flow.KeyCredentialRequest{CredentialKind: kind, CredentialName: r.Name, ChallengeIdentifier: r.ChallengeIdentifier, CredentialInfo: info}
	case CredentialKindPasswordProtectedKey:
		v = flow.PasswordProtectedKeyCredentialRequest{CredentialKind: kind, CredentialName: r.Name, ChallengeIdentifier: r.ChallengeIdentifier,
			CredentialInfo: info, EncryptedPrivateKey: r.EncryptedPrivateKey}
	case CredentialKindRecoveryKey:
		rk := flow.RecoveryKeyCredentialRequest{CredentialKind: kind, CredentialName: r.Name, ChallengeIdentifier: r.ChallengeIdentifier, CredentialInfo: info}
		if r.EncryptedPrivateKey != "" {
			rk.EncryptedPrivateKey = &r.EncryptedPrivateKey
		}
		v = rk
	case CredentialKindPassword:
		//lint:ignore SA1019 the deprecated kinds are still sent
		v = flow.PasswordCredentialRequest{CredentialKind: kind, CredentialName: r.Name, ChallengeIdentifier: r.ChallengeIdentifier,
			CredentialInfo: flow.PasswordCredentialInfo{Password: r.Password}}
	case CredentialKindTotp:
		//lint:ignore SA1019 the deprecated kinds are still sent
		v = flow.TotpCredentialRequest{CredentialKind: kind, CredentialName: r.Name, ChallengeIdentifier: r.ChallengeIdentifier,
			CredentialInfo: flow.TotpCredentialInfo{OtpCode: r.OtpCode}}
	}
	// The variant carries its credentialKind already: set the union from its
	// JSON rather than through From*, which merges the kind in a second pass.
	b, err := json.Marshal(v)
	if err != nil {
		return body, err
	}
	err = body.UnmarshalJSON(b)
	return body, err
}

// Credential is a registered credential: the answer of
// CreateCredentialWithCode. It marshals to the API's JSON shape.
type Credential struct {
	// Kind is the credential's kind. In the default validation a kind this
	// version does not know is kept as is.
	Kind CredentialKind `json:"kind"`
	// CredentialID is the credId the client sent (for Fido2, the WebAuthn
	// credential id).
	CredentialID string `json:"credentialId"`
	// CredentialUUID is Dfns's own id of the credential ("cr-…").
	CredentialUUID string `json:"credentialUuid"`
	// DateCreated is when the credential was registered (zero if the
	// answer had none, in the default validation).
	DateCreated time.Time `json:"dateCreated"`
	// IsActive reports whether the credential can be used.
	IsActive bool `json:"isActive"`
	// Name is the credential's name (the request's Name).
	Name string `json:"name"`
	// PublicKey is the credential's public key, SPKI PEM; empty for the
	// kinds without one.
	PublicKey string `json:"publicKey"`
	// RelyingPartyID is the relying party the credential is scoped to.
	RelyingPartyID string `json:"relyingPartyId"`
	// Origin is the origin the credential was registered from.
	Origin string `json:"origin"`
}

// dateTime checks an RFC 3339 date-time string (JSON Schema's date-time).
func dateTime(path string, v any) *ValidationError {
	s, ok := v.(string)
	if !ok {
		return respErr(path, RuleType, "string")
	}
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return respErr(path, RuleFormat, "date-time")
	}
	return nil
}

// The credential's schemas: the default validation requires what identifies
// the credential and checks the types of the rest; the strict one is
// openapi.flow.yaml's Credential.
var (
	credentialDefault = object(
		req("kind", str(1, -1, nil)),
		req("credentialId", anyString),
		req("credentialUuid", anyString),
		opt("dateCreated", dateTime),
		opt("isActive", boolean),
		opt("name", anyString),
		opt("publicKey", anyString),
		opt("relyingPartyId", anyString),
		opt("origin", anyString),
	)
	credentialStrict = object(
		req("kind", kindSchema),
		req("credentialId", anyString),
		req("credentialUuid", anyString),
		req("dateCreated", dateTime),
		req("isActive", boolean),
		req("name", anyString),
		req("publicKey", anyString),
		req("relyingPartyId", anyString),
		req("origin", anyString),
	)
)

// ParseCredential decodes a CreateCredentialWithCode response body with the
// default validation: kind, credentialId and credentialUuid are required,
// the other fields are checked when present (dateCreated as an RFC 3339
// date-time), unknown fields and kinds are tolerated. Bad JSON is a
// *DecodeError; a missing field or a wrong type a *ValidationError naming
// the field, never the value.
func ParseCredential(data []byte) (*Credential, error) {
	return parseCredential(data, nil, credentialDefault)
}

// ParseCredentialStrict is ParseCredential with every field of
// openapi.flow.yaml's Credential required, and kind one of the known kinds.
func ParseCredentialStrict(data []byte) (*Credential, error) {
	return parseCredential(data, nil, credentialStrict)
}

// decodeTree decodes data into a generic tree and validates it with schema,
// an object schema.
func decodeTree(data []byte, meta *responseMeta, schema check) (map[string]any, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, newDecodeError(meta, data, err)
	}
	if err := schema("", v); err != nil {
		return nil, err
	}
	return v.(map[string]any), nil
}

// parseCredential decodes and validates data, and builds the credential from
// the tree.
func parseCredential(data []byte, meta *responseMeta, schema check) (*Credential, error) {
	m, err := decodeTree(data, meta, schema)
	if err != nil {
		return nil, err
	}
	cred := &Credential{
		Kind:           CredentialKind(treeString(m, "kind")),
		CredentialID:   treeString(m, "credentialId"),
		CredentialUUID: treeString(m, "credentialUuid"),
		Name:           treeString(m, "name"),
		PublicKey:      treeString(m, "publicKey"),
		RelyingPartyID: treeString(m, "relyingPartyId"),
		Origin:         treeString(m, "origin"),
	}
	cred.IsActive, _ = m["isActive"].(bool)
	if s, ok := m["dateCreated"].(string); ok {
		cred.DateCreated, _ = time.Parse(time.RFC3339Nano, s) // validated above
	}
	return cred, nil
}

// CreateCredentialWithCode finalizes the flow (POST
// /auth/credentials/code/verify): it registers the credential that answers
// the challenge req.ChallengeIdentifier names, and returns it. The request
// is checked first (ValidateVerifyRequest); pkg/credential makes its
// CredentialInfo.
//
// The challenge is single-use, so a request that may have reached the
// server is never sent again. The RetryPolicy's table applies as for init:
// a refused connection or DNS failure before anything was written is
// retried, and so are 429 and 503, which a server answers without
// processing the request (the challenge is not consumed); a reset, a
// timeout or a 5xx after the request was sent are not.
//
// Errors are those of CreateCredentialChallengeWithCode (a request
// *ValidationError before any I/O, *APIError, *DecodeError, a response
// *ValidationError…). No error ever holds the challengeIdentifier, the
// password or the OTP code.
func (c *Client) CreateCredentialWithCode(ctx context.Context, req VerifyRequest) (*Credential, error) {
	if err := ValidateVerifyRequest(req); err != nil {
		return nil, err
	}
	body, err := verifyBody(req)
	if err != nil {
		return nil, fmt.Errorf("dfns: encoding the request: %w", err)
	}
	schema := credentialDefault
	if c.strict {
		schema = credentialStrict
	}
	return do(ctx, c, call[*Credential]{
		send: func(ctx context.Context) (*http.Response, error) {
			return c.flow.CreateCredentialWithCode(ctx, body)
		},
		decode: func(data []byte, meta *responseMeta) (*Credential, error) {
			return parseCredential(data, meta, schema)
		},
		secrets: req.secrets(),
	})
}
