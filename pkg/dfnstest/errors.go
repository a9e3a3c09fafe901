package dfnstest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// The error ids of the envelopes the sandbox answers.
const (
	idRequestInvalid   = "request_invalid"          // 400: the body breaks the schema
	idFaultInvalid     = "sandbox_fault_invalid"    // 400: a bad X-Dfns-Sandbox-Fault header
	idCodeInvalid      = "code_invalid"             // 401: unknown, used or expired code
	idUnauthorized     = "unauthorized"             // 401: no bearer token (mint)
	idNotFound         = "not_found"                // 404
	idMethodNotAllowed = "method_not_allowed"       // 405
	idBodyTooLarge     = "body_too_large"           // 413
	idUnsupportedMedia = "unsupported_media_type"   // 415
	idRateLimited      = "rate_limited"             // 429 (fault)
	idFault            = "sandbox_fault"            // status=NNN (fault)
	idInvalidResponse  = "sandbox_invalid_response" // 500: the sandbox's own answer broke the spec
	idInternal         = "internal_error"           // 500: anything else
)

// The rules a detail can name, beyond the JSON Schema keywords kin-openapi
// reports (type, enum, required, minLength, maxLength, pattern,
// additionalProperties).
const (
	ruleJSON     = "json"     // the body is not well-formed JSON
	ruleRequired = "required" // a missing field, or no body at all
	ruleType     = "type"
	ruleEnum     = "enum"
	ruleMinLen   = "minLength"
	ruleAddProps = "additionalProperties"
	ruleFormat   = "format"
	ruleMinimum  = "minimum"
	ruleMaximum  = "maximum"
)

// detail is one entry of an envelope's details: where (a JSON pointer into
// the request body, "" for the body itself) and which rule. It never holds
// a value of the request.
type detail struct {
	Pointer string `json:"pointer"`
	Rule    string `json:"rule"`
}

// envelope is the Dfns error body.
type envelope struct {
	Error envelopeError `json:"error"`
}

type envelopeError struct {
	ID      string   `json:"id"`
	Status  int      `json:"status"`
	Message string   `json:"message"`
	Details []detail `json:"details"`
}

// apiError is an answer in the envelope, with its extra headers.
type apiError struct {
	status     int
	id         string
	message    string
	details    []detail
	allow      string // Allow header (405)
	retryAfter string // Retry-After header (429)
	reason     string // for Requests and the log; never holds a value
}

// body marshals the envelope; details is never null.
func (e *apiError) body() []byte {
	d := e.details
	if d == nil {
		d = []detail{}
	}
	b, err := json.Marshal(envelope{Error: envelopeError{ID: e.id, Status: e.status, Message: e.message, Details: d}})
	if err != nil { // cannot happen: only strings and ints
		return []byte(`{"error":{"id":"internal_error","status":500,"message":"internal error","details":[]}}`)
	}
	return b
}

// write sends the envelope.
func (e *apiError) write(w http.ResponseWriter) {
	b := e.body()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if e.allow != "" {
		h.Set("Allow", e.allow)
	}
	if e.retryAfter != "" {
		h.Set("Retry-After", e.retryAfter)
	}
	w.WriteHeader(e.status)
	_, _ = w.Write(b)
}

// VisitCreateCredentialChallengeWithCodeResponse lets an apiError be a
// response object of the generated strict server.
func (e *apiError) VisitCreateCredentialChallengeWithCodeResponse(w http.ResponseWriter) error {
	e.write(w)
	return nil
}

// invalidRequest is a 400 with details.
func invalidRequest(details ...detail) *apiError {
	reason := "invalid request"
	for _, d := range details {
		p := d.Pointer
		if p == "" {
			p = "body"
		}
		reason += ": " + p + " " + d.Rule
	}
	return &apiError{
		status:  http.StatusBadRequest,
		id:      idRequestInvalid,
		message: "The request body does not match the API schema; see details.",
		details: details,
		reason:  reason,
	}
}

// codeInvalid is the one 401 for an unknown, used or expired code: the
// answer does not say which; reason (for Requests and the log) does.
func codeInvalid(reason string) *apiError {
	return &apiError{
		status:  http.StatusUnauthorized,
		id:      idCodeInvalid,
		message: "The one-time code is invalid, already used or expired.",
		reason:  reason,
	}
}

func notFound() *apiError {
	return &apiError{status: http.StatusNotFound, id: idNotFound, message: "No such endpoint.", reason: "not found"}
}

func methodNotAllowed(allow string) *apiError {
	return &apiError{
		status: http.StatusMethodNotAllowed, id: idMethodNotAllowed,
		message: "Method not allowed; this endpoint accepts " + allow + ".",
		allow:   allow, reason: "method not allowed",
	}
}

func bodyTooLarge() *apiError {
	return &apiError{
		status: http.StatusRequestEntityTooLarge, id: idBodyTooLarge,
		message: "The request body is larger than " + strconv.Itoa(maxRequestBody) + " bytes.",
		reason:  "body too large",
	}
}

func unsupportedMedia() *apiError {
	return &apiError{
		status: http.StatusUnsupportedMediaType, id: idUnsupportedMedia,
		message: "The request body must be application/json.",
		reason:  "unsupported media type",
	}
}

func unauthorized() *apiError {
	return &apiError{
		status: http.StatusUnauthorized, id: idUnauthorized,
		message: "A bearer token is required (Authorization: Bearer <token>).",
		reason:  "no bearer token",
	}
}

func internalError(reason string) *apiError {
	return &apiError{status: http.StatusInternalServerError, id: idInternal, message: "Internal error.", reason: reason}
}
