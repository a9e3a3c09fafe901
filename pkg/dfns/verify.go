package dfns

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/gen/flow"
	"github.com/dfnskit/dfns-go/internal/specschema"
)

// CredentialInfo is the answer of a Fido2, Key, PasswordProtectedKey or
// RecoveryKey credential to its challenge: the generated credentialInfo of
// the verify request (CredID, ClientData, AttestationData, each base64url
// without padding). pkg/credential makes it.
type CredentialInfo = flow.CredentialInfo

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
// sending it: Kind one of the spec's, no field set that the kind does not
// take (see VerifyRequest), and the body it makes valid against
// openapi.flow.yaml's request schema (kin-openapi, the document loaded on
// first use). The error is a *ValidationError naming the field as a JSON
// pointer into the request body ("/credentialInfo/credId") and the rule,
// never a value.
func ValidateVerifyRequest(r VerifyRequest) error {
	_, err := verifyBody(r)
	return err
}

// verifyBody builds the wire body of a request, the generated variant of its
// kind with optional fields absent when empty, and validates it.
func verifyBody(r VerifyRequest) (json.RawMessage, error) {
	kind, name, id, info := r.Kind, r.Name, r.ChallengeIdentifier, r.CredentialInfo
	// What the kind does not take must be empty: unset what it takes.
	rest := r
	rest.Kind, rest.Name, rest.ChallengeIdentifier, rest.CredentialInfo = "", "", "", CredentialInfo{}
	var v any
	switch kind {
	case CredentialKindFido2:
		v = flow.Fido2CredentialRequest{CredentialKind: kind, CredentialName: name, ChallengeIdentifier: id, CredentialInfo: info}
	case CredentialKindKey:
		v = flow.KeyCredentialRequest{CredentialKind: kind, CredentialName: name, ChallengeIdentifier: id, CredentialInfo: info}
	case CredentialKindPasswordProtectedKey:
		v = flow.PasswordProtectedKeyCredentialRequest{CredentialKind: kind, CredentialName: name, ChallengeIdentifier: id,
			CredentialInfo: info, EncryptedPrivateKey: r.EncryptedPrivateKey}
		rest.EncryptedPrivateKey = ""
	case CredentialKindRecoveryKey:
		rk := flow.RecoveryKeyCredentialRequest{CredentialKind: kind, CredentialName: name, ChallengeIdentifier: id, CredentialInfo: info}
		if r.EncryptedPrivateKey != "" {
			rk.EncryptedPrivateKey = &r.EncryptedPrivateKey
		}
		v, rest.EncryptedPrivateKey = rk, ""
	case CredentialKindPassword:
		//lint:ignore SA1019 the deprecated kinds are still sent
		v = flow.PasswordCredentialRequest{CredentialKind: kind, CredentialName: name, ChallengeIdentifier: id,
			CredentialInfo: flow.PasswordCredentialInfo{Password: r.Password}}
		rest.CredentialInfo, rest.Password = info, ""
	case CredentialKindTotp:
		//lint:ignore SA1019 the deprecated kinds are still sent
		v = flow.TotpCredentialRequest{CredentialKind: kind, CredentialName: name, ChallengeIdentifier: id,
			CredentialInfo: flow.TotpCredentialInfo{OtpCode: r.OtpCode}}
		rest.CredentialInfo, rest.OtpCode = info, ""
	default:
		return nil, reqErr("/credentialKind", RuleEnum, fmt.Sprintf("one of %v", CredentialKinds()))
	}
	for _, f := range []struct {
		path string
		set  bool
	}{
		{"/credentialInfo", rest.CredentialInfo != CredentialInfo{}},
		{"/encryptedPrivateKey", rest.EncryptedPrivateKey != ""},
		{"/credentialInfo/password", rest.Password != ""},
		{"/credentialInfo/otpCode", rest.OtpCode != ""},
	} {
		if f.set {
			return nil, reqErr(f.path, RuleAdditionalProperties, "not for "+string(kind))
		}
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	op, err := specschema.Verify()
	if err != nil {
		return nil, err
	}
	doc, err := specschema.Decode(body)
	if err != nil {
		return nil, err
	}
	if vs := op.Request.Validate(doc); len(vs) > 0 {
		return nil, reqErr(vs[0].Pointer, vs[0].Rule, vs[0].Want)
	}
	return body, nil
}

// Credential is a registered credential, the answer of
// CreateCredentialWithCode: the generated model of openapi.flow.yaml
// (CredentialUUID is Dfns's id, cr-…; PublicKey is SPKI PEM).
type Credential = flow.Credential

// ParseCredential decodes a CreateCredentialWithCode response body with the
// default validation: kind, credentialId and credentialUuid must be
// non-empty; the other fields are decoded when present (dateCreated as an
// RFC 3339 date-time); unknown fields and kinds are tolerated. Bad JSON is a
// *DecodeError; a missing field or a wrong type a *ValidationError naming the
// field, never the value.
func ParseCredential(data []byte) (*Credential, error) {
	return parseCredential(data, nil)
}

// ParseCredentialStrict is ParseCredential with openapi.flow.yaml's
// Credential enforced: every field required, kind one of the known kinds.
func ParseCredentialStrict(data []byte) (*Credential, error) {
	return decoder(true, specschema.Verify, parseCredential)(data, nil)
}

// parseCredential decodes data into the generated Credential and checks
// what identifies it.
func parseCredential(data []byte, meta *responseMeta) (*Credential, error) {
	cred := new(Credential)
	if err := decodeJSON(data, meta, cred, specschema.Verify); err != nil {
		return nil, err
	}
	switch {
	case cred.Kind == "":
		return nil, respErr("/kind", RuleRequired, "a credential kind")
	case cred.CredentialID == "":
		return nil, respErr("/credentialId", RuleRequired, "string")
	case cred.CredentialUUID == "":
		return nil, respErr("/credentialUuid", RuleRequired, "string")
	}
	return cred, nil
}

// decodeJSON decodes data into v: a syntax error is a *DecodeError, a type
// error a *ValidationError. A date-time that is not one stops encoding/json
// without a path: op's schema says which field it was.
func decodeJSON(data []byte, meta *responseMeta, v any, op func() (*specschema.Operation, error)) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) || !json.Valid(data) {
		return newDecodeError(meta, data, err)
	}
	var perr *time.ParseError
	if !errors.As(err, &perr) {
		return typeError(err)
	}
	path := ""
	if o, oerr := op(); oerr == nil {
		doc, _ := specschema.Decode(data)
		for _, x := range o.OK.Validate(doc) {
			if x.Rule == RuleFormat {
				path = x.Pointer
				break
			}
		}
	}
	return respErr(path, RuleFormat, "date-time")
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
	body, err := verifyBody(req)
	if err != nil {
		return nil, err
	}
	return do(ctx, c, call[*Credential]{
		send: func(ctx context.Context) (*http.Response, error) {
			return c.flow.CreateCredentialWithCodeWithBody(ctx, "application/json", bytes.NewReader(body))
		},
		decode:  decoder(c.strict, specschema.Verify, parseCredential),
		secrets: req.secrets(),
	})
}
