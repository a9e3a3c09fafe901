package dfnsproxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Redacted is what a recording holds in place of a secret.
const Redacted = "[REDACTED]"

// secretMembers are the JSON members whose values are secrets, at any depth
// and in any case: the one-time code (init's request, mint's answer), the
// challenge identifiers (init's answer, verify's request), the deprecated
// password and OTP code (verify's request), and the Totp otpUrl, which holds
// the TOTP seed (init's answer).
var secretMembers = []string{"code", "challengeIdentifier", "temporaryAuthenticationToken", "password", "otpCode", "otpUrl"}

func isSecretMember(name string) bool {
	for _, m := range secretMembers {
		if strings.EqualFold(name, m) {
			return true
		}
	}
	return false
}

// redactor redacts one exchange: the secret members by name, and the values
// they held wherever else they appear (an error message echoing the code, a
// request id built from it), in any case.
type redactor struct {
	values *regexp.Regexp // nil when the exchange held no secret value
}

// newRedactor collects the secret values of the decoded bodies.
func newRedactor(bodies ...[]byte) *redactor {
	var alts []string
	for _, b := range bodies {
		var doc any
		if json.Unmarshal(b, &doc) == nil {
			alts = secretValues(doc, alts)
		}
	}
	if len(alts) == 0 {
		return &redactor{}
	}
	// Longest first: a secret that starts another must not leave its tail.
	slices.SortFunc(alts, func(a, b string) int { return len(b) - len(a) })
	return &redactor{values: regexp.MustCompile("(?i)" + strings.Join(alts, "|"))}
}

// secretValues appends the quoted string values of the secret members in v.
func secretValues(v any, out []string) []string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && s != "" && isSecretMember(k) {
				out = append(out, regexp.QuoteMeta(s))
			}
			out = secretValues(x, out)
		}
	case []any:
		for _, x := range v {
			out = secretValues(x, out)
		}
	}
	return out
}

// text replaces the secret values in s.
func (r *redactor) text(s string) string {
	if r.values == nil {
		return s
	}
	return r.values.ReplaceAllLiteralString(s, Redacted)
}

// body returns a body to record. JSON comes back re-encoded (keys sorted,
// numbers as sent) with the secret members' values replaced and the secret
// values redacted in every other string and name. Anything else is kept as
// text unless it names a secret member or holds a secret value (a truncated
// answer may end inside a challengeIdentifier): then it is replaced whole.
func (r *redactor) body(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) == nil && trailingEOF(dec) {
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		if enc.Encode(r.tree(doc)) == nil {
			return strings.TrimSuffix(out.String(), "\n")
		}
	}
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	lower := strings.ToLower(s)
	for _, m := range secretMembers {
		if strings.Contains(lower, strings.ToLower(m)) {
			return fmt.Sprintf("[REDACTED: %d bytes, not JSON, that may hold a secret]", len(b))
		}
	}
	if r.values != nil && r.values.MatchString(s) {
		return fmt.Sprintf("[REDACTED: %d bytes, not JSON, that may hold a secret]", len(b))
	}
	return s
}

// trailingEOF reports whether nothing but white space follows the value
// dec decoded.
func trailingEOF(dec *json.Decoder) bool {
	_, err := dec.Token()
	return err == io.EOF
}

// tree returns a decoded JSON value redacted (arrays in place).
func (r *redactor) tree(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			if isSecretMember(k) && x != nil {
				x = Redacted
			} else {
				x = r.tree(x)
			}
			out[r.text(k)] = x
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = r.tree(x)
		}
	case string:
		return r.text(v)
	}
	return v
}

// recordedHeaders are the headers a recording keeps (values redacted of
// secrets); credentialHeaders are kept as "[REDACTED]".
var (
	recordedHeaders = []string{"Content-Type", "Accept", "User-Agent", "X-Dfns-Sdk-Version", "X-Request-Id",
		"X-Dfns-Sandbox-Fault", "Retry-After", "Cache-Control", "Allow"}
	credentialHeaders = []string{"Authorization", "X-Dfns-Useraction", "Cookie", "Set-Cookie"}
)

// header returns the recorded subset of h.
func (r *redactor) header(h http.Header) http.Header {
	out := http.Header{}
	for _, k := range recordedHeaders {
		for _, v := range h.Values(k) {
			out.Add(k, r.text(v))
		}
	}
	for _, k := range credentialHeaders {
		if len(h.Values(k)) > 0 {
			out.Set(k, Redacted)
		}
	}
	return out
}
