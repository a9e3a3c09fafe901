package dfns

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinels for the classes of API error: match them with errors.Is on any
// error a Client returns.
var (
	// ErrBadRequest: the server rejected the request (400, 422).
	ErrBadRequest = errors.New("dfns: bad request")
	// ErrUnauthorized: 401, e.g. an unknown, used or expired one-time code.
	ErrUnauthorized = errors.New("dfns: unauthorized")
	// ErrForbidden: 403.
	ErrForbidden = errors.New("dfns: forbidden")
	// ErrNotFound: 404 (often a wrong base URL or region).
	ErrNotFound = errors.New("dfns: not found")
	// ErrRateLimited: 429; APIError.RetryAfter says how long to wait.
	ErrRateLimited = errors.New("dfns: rate limited")
	// ErrServer: any 5xx.
	ErrServer = errors.New("dfns: server error")

	// ErrResponseTooLarge: the response body exceeded WithMaxResponseBytes.
	ErrResponseTooLarge = errors.New("dfns: response body too large")
	// ErrRedirect: the server answered with a redirect, which the client
	// refuses to follow (it would re-send the one-time code).
	ErrRedirect = errors.New("dfns: redirect refused")

	// ErrNotProcessed matches the error of a call that certainly changed
	// nothing on the server: refused before it was sent (a request
	// *ValidationError), never sent (a dial, DNS or TLS failure before the
	// request was written), or refused without processing (4xx, 503). Any
	// other failure (a timeout, a reset, a 500, an unreadable answer) may
	// have consumed the code or registered the credential.
	ErrNotProcessed = errors.New("dfns: the request was not processed")
)

// APIError is a non-2xx answer from the Dfns API. Its fields come from the
// Dfns error envelope {"error":{"id","status","message","details"}} or the
// older top-level {"message"}. Any echo of the one-time code is replaced by
// "[REDACTED]" before the error is built.
type APIError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// ID is the error's id from the envelope, if any.
	ID string
	// Message is the server's message (redacted), or the HTTP status text
	// when the body had none.
	Message string
	// Details is the envelope's details as JSON (redacted), if any.
	Details []byte
	// RequestID is the request id from the response headers, if any.
	RequestID string
	// RetryAfter is the wait the server asked for (Retry-After, in seconds
	// or as an HTTP date), zero if none.
	RetryAfter time.Duration
}

// Error returns a short sentence: status, message and, when known, the
// request id.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dfns: %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		b.WriteString(": ")
		b.WriteString(truncate(e.Message, maxMessageInError))
	}
	if e.RequestID != "" {
		b.WriteString(" (request id ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
	}
	return b.String()
}

// Is reports whether the error belongs to the class target names, so that
// errors.Is(err, dfns.ErrRateLimited) works.
func (e *APIError) Is(target error) bool {
	if target == ErrNotProcessed {
		return (e.StatusCode >= 400 && e.StatusCode <= 499) || e.StatusCode == http.StatusServiceUnavailable
	}
	return target != nil && e.class() == target
}

// maxMessageInError bounds the server's message in APIError.Error(); the
// Message field keeps all of it.
const maxMessageInError = 200

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// class maps the status code to its sentinel, nil when it has none.
func (e *APIError) class() error {
	switch {
	case e.StatusCode == http.StatusBadRequest, e.StatusCode == http.StatusUnprocessableEntity:
		return ErrBadRequest
	case e.StatusCode == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.StatusCode == http.StatusForbidden:
		return ErrForbidden
	case e.StatusCode == http.StatusNotFound:
		return ErrNotFound
	case e.StatusCode == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.StatusCode >= 500 && e.StatusCode <= 599:
		return ErrServer
	}
	return nil
}

// The rules a ValidationError can name.
const (
	RuleRequired  = "required"  // the field is missing (null too, in the default validation)
	RuleType      = "type"      // the value has the wrong JSON type
	RuleEnum      = "enum"      // the value is not one of the allowed ones
	RuleMinLength = "minLength" // the string is too short
	RuleMaxLength = "maxLength" // the string is too long
	RulePattern   = "pattern"   // the string does not match the pattern
	RuleFormat    = "format"    // the string is not of its format (date-time)
	// RuleAdditionalProperties: a request field the credential kind does not
	// take is set (the server refuses unknown members).
	RuleAdditionalProperties = "additionalProperties"
)

// ValidationError says which field of a request or response broke which
// rule. It never contains the offending value.
type ValidationError struct {
	// In is "request" or "response".
	In string
	// Path is the field as a JSON pointer ("/excludeCredentials/0/id"); empty
	// for the document itself; a header's name for a header
	// ("Authorization", CreateCredentialCode's token). The default validation reports type errors
	// inside arrays without the index ("/pubKeyCredParams/alg"), as
	// encoding/json does; strict validation always has it.
	Path string
	// Rule is one of the Rule constants.
	Rule string
	// Want describes what the rule expects ("string", "one of Fido2, Key…").
	Want string
}

// Error returns e.g. "dfns: invalid response: /challenge: required (string)".
func (e *ValidationError) Error() string {
	path := e.Path
	if path == "" {
		path = "body"
	}
	s := "dfns: invalid " + e.In + ": " + path + ": " + e.Rule
	if e.Want != "" {
		s += " (" + e.Want + ")"
	}
	return s
}

// Is matches ErrNotProcessed for a request that was refused before any I/O.
func (e *ValidationError) Is(target error) bool {
	return target == ErrNotProcessed && e.In == "request"
}

// notSent marks a transport error that happened before anything of the
// request was written.
type notSent struct{ error }

func (e notSent) Unwrap() error        { return e.error }
func (e notSent) Is(target error) bool { return target == ErrNotProcessed }

// respErr builds a response ValidationError.
func respErr(path, rule, want string) *ValidationError {
	return &ValidationError{In: "response", Path: path, Rule: rule, Want: want}
}

// reqErr builds a request ValidationError.
func reqErr(path, rule, want string) *ValidationError {
	return &ValidationError{In: "request", Path: path, Rule: rule, Want: want}
}

// DecodeError is a response body that is not the JSON the spec promises (a
// wrong content type, truncated or malformed JSON). Snippet is the start of
// the body, truncated and with any echo of the one-time code redacted.
type DecodeError struct {
	// StatusCode is the HTTP status code of the response, 0 for ParseChallenge.
	StatusCode int
	// ContentType is the response's Content-Type header.
	ContentType string
	// Snippet is at most 64 bytes of the body, redacted.
	Snippet string
	// Err is the underlying error.
	Err error
}

// snippetLen bounds DecodeError.Snippet.
const snippetLen = 64

// Error returns a short sentence with the content type and the snippet.
func (e *DecodeError) Error() string {
	s := "dfns: cannot decode response"
	if e.StatusCode != 0 {
		s += fmt.Sprintf(" (status %d)", e.StatusCode)
	}
	if e.ContentType != "" {
		s += " of type " + e.ContentType
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Snippet != "" {
		s += fmt.Sprintf(": body starts %q", e.Snippet)
	}
	return s
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// responseMeta is what a decode error reports about the response; nil for
// ParseChallenge.
type responseMeta struct {
	status      int
	contentType string
	secrets     secrets
	// noSnippet keeps the body out of DecodeError: the body of a mint
	// answer holds a new one-time code.
	noSnippet bool
}

// newDecodeError builds a DecodeError whose snippet never holds the code.
func newDecodeError(m *responseMeta, body []byte, err error) *DecodeError {
	e := &DecodeError{Err: err}
	s := string(body)
	if m != nil {
		// The Content-Type header is the server's too: it may echo the code.
		e.StatusCode, e.ContentType = m.status, m.secrets.scrub(m.contentType)
		s = m.secrets.scrub(s)
		if m.noSnippet {
			s = ""
		}
	}
	// Make the text valid before cutting it, and cut on a rune boundary:
	// replacing invalid bytes after the cut could triple the snippet's size,
	// and a cut inside a rune would add a replacement character, both past
	// the 64 bytes the field promises.
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > snippetLen {
		cut := snippetLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	e.Snippet = s
	return e
}

// secrets are the strings of a request that no error may repeat: the
// one-time code (init); the challengeIdentifier and a deprecated password or
// OTP code (verify); the bearer token and user-action signature (mint).
// Empty strings are ignored.
type secrets []string

// scrub replaces every occurrence of every secret in s.
func (ss secrets) scrub(s string) string {
	for _, secret := range ss {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redacted)
		}
	}
	return s
}

// in reports whether s contains any of the secrets.
func (ss secrets) in(s string) bool {
	for _, secret := range ss {
		if secret != "" && strings.Contains(s, secret) {
			return true
		}
	}
	return false
}
