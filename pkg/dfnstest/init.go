//lint:file-ignore SA1019 the sandbox serves every kind of the spec, the deprecated Password and Totp and the deprecated temporaryAuthenticationToken included.

package dfnstest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/gen/server"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// initHandler implements the generated StrictServerInterface: POST
// /auth/credentials/code/init.
type initHandler struct{ s *Sandbox }

var _ server.StrictServerInterface = initHandler{}

// CreateCredentialChallengeWithCode redeems the code and answers the
// challenge for the requested kind.
func (h initHandler) CreateCredentialChallengeWithCode(ctx context.Context, req server.CreateCredentialChallengeWithCodeRequestObject) (server.CreateCredentialChallengeWithCodeResponseObject, error) {
	s, x := h.s, exchangeFrom(ctx)
	// Validation has refused all of these already; without it, the handler
	// still refuses what it cannot serve.
	if req.Body == nil {
		return x.fail(invalidRequest(detail{Rule: ruleRequired})), nil
	}
	if !req.Body.CredentialKind.Valid() {
		return x.fail(invalidRequest(detail{Pointer: "/credentialKind", Rule: ruleEnum})), nil
	}
	if req.Body.Code == "" {
		return x.fail(invalidRequest(detail{Pointer: "/code", Rule: ruleMinLen})), nil
	}
	now := s.now()
	entry, reason := s.codes.redeem(req.Body.Code, now, s.cfg.reinit)
	if reason != "" {
		return x.fail(codeInvalid(reason)), nil
	}
	ch, err := s.issue(req.Body.CredentialKind, entry, now)
	if err != nil {
		return x.fail(internalError("building the challenge failed")), nil
	}
	return server.CreateCredentialChallengeWithCode200JSONResponse(ch), nil
}

// readJSONBody is the start every JSON endpoint shares: the media type
// (415), the size (413), a blank body (400). It answers the failure itself
// and reports whether to go on.
func (s *Sandbox) readJSONBody(x *exchange, w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if !isJSON(r.Header.Get("Content-Type")) {
		x.fail(unsupportedMedia()).write(w)
		return nil, false
	}
	body, e := s.readBody(x, r)
	if e != nil {
		e.write(w)
		return nil, false
	}
	if len(bytes.TrimSpace(body)) == 0 {
		x.fail(invalidRequest(detail{Rule: ruleRequired})).write(w)
		return nil, false
	}
	return body, true
}

// checkInitRequest runs before the generated server decodes the body: the
// media type (415), the size (413), an empty body (400), then, unless
// validation is off, the JSON Schema of the spec (400 with details). The
// validated value is handed to the generated server, which binds it without
// decoding the body again.
func (s *Sandbox) checkInitRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		x := exchangeFrom(r.Context())
		x.route = routeInit
		body, ok := s.readJSONBody(x, w, r)
		if !ok {
			return
		}
		if s.val == nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			next.ServeHTTP(w, r)
			return
		}
		v, err := decodeJSON(body)
		if err != nil {
			x.fail(invalidRequest(detail{Rule: ruleJSON})).write(w)
			return
		}
		if d := s.val.validateRequest(v); d != nil {
			x.fail(invalidRequest(d...)).write(w)
			return
		}
		r.Body = &validatedBody{Reader: bytes.NewReader(body), value: v}
		next.ServeHTTP(w, r)
	})
}

// validatedBody is a request body that carries its validated value: the
// generated server's runtime.BindJSONBody binds it with exact member names
// instead of decoding the body again.
type validatedBody struct {
	*bytes.Reader
	value any
}

func (b *validatedBody) ValidatedValue() any { return b.value }
func (b *validatedBody) Close() error        { return nil }

// isJSON reports whether a Content-Type is application/json (parameters
// such as charset allowed).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// readBody reads the whole body, at most maxRequestBody bytes (413 beyond).
func (s *Sandbox) readBody(x *exchange, r *http.Request) ([]byte, *apiError) {
	x.bodyRead = true
	if r.ContentLength > maxRequestBody {
		return nil, x.fail(bodyTooLarge())
	}
	body, err := io.ReadAll(http.MaxBytesReader(x.w, r.Body, maxRequestBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, x.fail(bodyTooLarge())
		}
		return nil, x.fail(&apiError{
			status: http.StatusBadRequest, id: idRequestInvalid,
			message: "The request body could not be read.", reason: "body unreadable",
		})
	}
	x.body = body
	return body, nil
}

// bindError answers an error of the generated server's decoding (reached
// only without validation, or for a value validation let through that the
// Go types cannot hold): 400 in the envelope, naming the field from the Go
// type's JSON name, never the value. The error's own message is never used:
// encoding/json's syntax errors quote the input.
func (s *Sandbox) bindError(w http.ResponseWriter, r *http.Request, err error) {
	d := detail{Rule: ruleJSON}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		d = detail{Rule: ruleType}
		if ute.Field != "" {
			d.Pointer = "/" + ute.Field
		}
	}
	exchangeFrom(r.Context()).fail(invalidRequest(d)).write(w)
}

// responseError answers a failure to write a response object.
func (s *Sandbox) responseError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("dfnstest: writing an answer failed", "path", redactCodeShapes(r.URL.Path), "errorType", errorType(err))
	exchangeFrom(r.Context()).fail(internalError("writing the answer failed")).write(w)
}

// errorType names an error's type, for logs that must not carry messages.
func errorType(err error) string { return fmt.Sprintf("%T", err) }

// issue builds the challenge for kind and remembers it.
func (s *Sandbox) issue(kind dfns.CredentialKind, code redeemed, now time.Time) (gen.CredentialChallenge, error) {
	var cc gen.CredentialChallenge
	token := newChallengeID(s.rnd)
	rp := s.cfg.rp
	params := pubKeyCredParams(kind) // algorithms.go: what verify accepts
	var challenge string
	var v any
	switch kind {
	case dfns.CredentialKindFido2:
		challenge = s.newChallenge()
		v = gen.Fido2Challenge{
			Kind: kind, User: code.user, RP: &rp,
			ChallengeIdentifier: token, TemporaryAuthenticationToken: token,
			Challenge:   challenge,
			Attestation: gen.AttestationConveyanceDirect,
			AuthenticatorSelection: gen.AuthenticatorSelection{
				ResidentKey:        gen.ResidentKeyRequirementRequired,
				RequireResidentKey: true,
				UserVerification:   gen.UserVerificationRequirementRequired,
			},
			PubKeyCredParams:   params,
			ExcludeCredentials: s.existingCredentials(code.user.ID),
		}
	case dfns.CredentialKindKey:
		challenge = s.newChallenge()
		v = gen.KeyChallenge{
			Kind: kind, User: code.user, RP: &rp,
			ChallengeIdentifier: token, TemporaryAuthenticationToken: token,
			Challenge: challenge, Attestation: gen.AttestationConveyanceNone, PubKeyCredParams: params,
		}
	case dfns.CredentialKindPasswordProtectedKey:
		challenge = s.newChallenge()
		v = gen.PasswordProtectedKeyChallenge{
			Kind: kind, User: code.user, RP: &rp,
			ChallengeIdentifier: token, TemporaryAuthenticationToken: token,
			Challenge: challenge, Attestation: gen.AttestationConveyanceNone, PubKeyCredParams: params,
		}
	case dfns.CredentialKindRecoveryKey:
		challenge = s.newChallenge()
		v = gen.RecoveryKeyChallenge{
			Kind: kind, User: code.user, RP: &rp,
			ChallengeIdentifier: token, TemporaryAuthenticationToken: token,
			Challenge: challenge, Attestation: gen.AttestationConveyanceNone, PubKeyCredParams: params,
		}
	case dfns.CredentialKindPassword:
		v = gen.PasswordChallenge{
			Kind: kind, User: code.user, RP: &rp,
			ChallengeIdentifier: token, TemporaryAuthenticationToken: token,
		}
	case dfns.CredentialKindTotp:
		v = gen.TotpChallenge{
			Kind: kind, User: code.user, RP: &rp,
			ChallengeIdentifier: token, TemporaryAuthenticationToken: token,
			OtpURL: newOtpURL(s.rnd, rp, code.user),
		}
	default:
		return cc, errors.New("unknown kind")
	}
	// The variant carries its kind already: set the union directly rather
	// than through From*, which merges {"kind": …} in a second JSON pass.
	b, err := json.Marshal(v)
	if err != nil {
		return cc, err
	}
	if err := cc.UnmarshalJSON(b); err != nil {
		return cc, err
	}
	s.remember(token, issuedChallenge{userID: code.user.ID, kind: kind, challenge: challenge, expires: now.Add(challengeTTL).UnixNano(),
		code: code.key, reusable: code.reusable}, now)
	return cc, nil
}

// newChallenge returns 32 random bytes, base64url without padding.
func (s *Sandbox) newChallenge() string {
	var b [32]byte
	s.rnd.fill(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
