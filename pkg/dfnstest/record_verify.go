package dfnstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
)

// redactVerifyBody returns the body Requests records for a verify request:
// the value of challengeIdentifier (a bearer handle to a live challenge),
// of the deprecated credentialInfo.password and credentialInfo.otpCode, of
// temporaryAuthenticationToken and of any "code" member (at any depth, in
// any case) replaced by "[REDACTED]"; credentialInfo's credId, clientData
// and attestationData and encryptedPrivateKey kept verbatim (they are not
// secrets, and base64url text may look like a one-time code); code-shaped
// strings redacted everywhere else. A body that is not exactly one JSON
// object is replaced whole: a truncated body may still hold a live
// challengeIdentifier.
func redactVerifyBody(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	spans, ok := verifySpans(body)
	if !ok {
		return redactedVerifyBody
	}
	slices.SortFunc(spans, func(a, b span) int { return int(a.start - b.start) })
	var out strings.Builder
	out.Grow(len(body))
	last := int64(0)
	for _, sp := range spans {
		if sp.start < last { // nested in a span already written
			continue
		}
		out.WriteString(redactCodeShapes(string(body[last:sp.start])))
		if sp.keep {
			out.Write(body[sp.start:sp.end])
		} else {
			out.WriteString(`"` + Redacted + `"`)
		}
		last = sp.end
	}
	out.WriteString(redactCodeShapes(string(body[last:])))
	return out.String()
}

// redactedVerifyBody is what Requests records of a verify body that is not
// a JSON object.
const redactedVerifyBody = "[REDACTED: a verify body that is not a JSON object]"

// span is a byte range of a JSON value in a body: kept verbatim, or
// replaced by "[REDACTED]".
type span struct {
	start, end int64
	keep       bool
}

// verifySpans finds the spans of a verify body, a JSON object; false if it
// is not one.
func verifySpans(body []byte) ([]span, bool) {
	var spans []span
	err := members(body, 0, func(key string, raw json.RawMessage, start, end int64) error {
		switch {
		case key == "challengeIdentifier", key == "temporaryAuthenticationToken", strings.EqualFold(key, "code"):
			spans = append(spans, span{start: start, end: end})
		case key == "encryptedPrivateKey":
			spans = append(spans, span{start: start, end: end, keep: true})
		case key == "credentialInfo" && len(raw) > 0 && raw[0] == '{':
			return members(raw, start, func(key string, raw json.RawMessage, start, end int64) error {
				switch {
				case key == "credId", key == "clientData", key == "attestationData":
					spans = append(spans, span{start: start, end: end, keep: true})
				case key == "password", key == "otpCode", strings.EqualFold(key, "code"):
					spans = append(spans, span{start: start, end: end})
				default:
					spans = appendCodeSpans(spans, raw, start)
				}
				return nil
			})
		default:
			spans = appendCodeSpans(spans, raw, start)
		}
		return nil
	})
	return spans, err == nil
}

// members calls fn for each member of the JSON object data (whose first
// byte is at offset base of the whole body), with the value's raw bytes and
// its span in the body. It fails on anything but one well-formed object.
func members(data []byte, base int64, fn func(key string, raw json.RawMessage, start, end int64) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errNotObject
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		end := dec.InputOffset()
		if err := fn(key, raw, base+end-int64(len(raw)), base+end); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errNotObject
	}
	return nil
}

// errNotObject: a body that is not exactly one JSON object.
var errNotObject = errors.New("not a JSON object")

// appendCodeSpans adds the spans of the "code" members inside raw (at
// offset base), as redactBody finds them.
func appendCodeSpans(spans []span, raw json.RawMessage, base int64) []span {
	found, ok := codeSpans(raw)
	if !ok {
		return spans
	}
	for _, sp := range found {
		spans = append(spans, span{start: base + sp[0], end: base + sp[1]})
	}
	return spans
}
