package dfns

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// requestIDHeaders are the response headers that may carry a request id, in
// order of preference.
var requestIDHeaders = []string{"X-Request-Id", "X-Dfns-Request-Id", "X-Amzn-Requestid"}

// errorEnvelope is the Dfns error body, new and old shapes at once.
type errorEnvelope struct {
	Error *struct {
		ID      json.RawMessage `json:"id"`
		Status  json.RawMessage `json:"status"`
		Message json.RawMessage `json:"message"`
		Details json.RawMessage `json:"details"`
	} `json:"error"`
	Message json.RawMessage `json:"message"`
}

// ParseAPIError builds the *APIError for a non-2xx response from its status,
// headers and body, redacting every occurrence of secret (pass the one-time
// code, or "" when there is none). It never fails: a body that is not the
// envelope gives an APIError with the status text as its message.
func ParseAPIError(status int, header http.Header, body []byte, secret OneTimeCode) *APIError {
	return parseAPIError(status, header, body, secrets{secret.reveal()}, time.Now())
}

func parseAPIError(status int, header http.Header, body []byte, secret secrets, now time.Time) *APIError {
	e := &APIError{StatusCode: status}
	for _, h := range requestIDHeaders {
		if v := header.Get(h); v != "" {
			e.RequestID = secret.scrub(v)
			break
		}
	}
	e.RetryAfter = parseRetryAfter(header.Get("Retry-After"), now)

	var env errorEnvelope
	if json.Unmarshal(body, &env) == nil {
		if env.Error != nil {
			e.ID = jsonText(env.Error.ID, secret)
			e.Message = jsonText(env.Error.Message, secret)
			if d := env.Error.Details; len(d) > 0 && string(d) != "null" {
				e.Details = scrubJSON(d, secret)
			}
		}
		if e.Message == "" {
			e.Message = jsonText(env.Message, secret)
		}
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// jsonText renders a JSON value as text, redacted: a string unquoted,
// anything else as its JSON after scrubJSON (so that an escaped echo of the
// secret inside an object or array cannot pass).
func jsonText(raw json.RawMessage, secret secrets) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return secret.scrub(s)
	}
	return string(scrubJSON(raw, secret))
}

// scrubJSON redacts secret from every string (and key) of a JSON value, after
// decoding, so that escapes like \u0041 cannot hide it. Numbers are decoded
// as json.Number: as float64 a large number would lose digits, and an
// all-digit code echoed as a number could not be found.
func scrubJSON(raw json.RawMessage, secret secrets) []byte {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return []byte(secret.scrub(string(raw)))
	}
	out, err := json.Marshal(scrubValue(v, secret))
	if err != nil {
		return nil
	}
	if secret.in(string(out)) {
		// Whatever token still spells it (a literal, a number's exponent
		// form), nothing of the value is worth the secret.
		return []byte(`"` + redacted + `"`)
	}
	return out
}

func scrubValue(v any, secret secrets) any {
	switch v := v.(type) {
	case string:
		return secret.scrub(v)
	case []any:
		for i := range v {
			v[i] = scrubValue(v[i], secret)
		}
		return v
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[secret.scrub(k)] = scrubValue(x, secret)
		}
		return m
	case json.Number:
		// A number cannot hold "[REDACTED]": the whole number becomes it.
		if secret.in(string(v)) {
			return redacted
		}
	}
	return v
}

// maxRetryAfter clamps what a server may ask a client to wait.
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads Retry-After as seconds or an HTTP date, clamped to
// [0, maxRetryAfter]; zero when absent or unreadable.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}
