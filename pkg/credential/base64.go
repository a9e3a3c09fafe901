package credential

import (
	"encoding/base64"
	"errors"
	"strings"
)

// The decoders of encoding/base64 skip CR and LF anywhere in their input.
// The base64 of this protocol never holds line breaks, so these wrappers
// refuse them: a value is either the canonical text or an error.

var errLineBreak = errors.New("line break in base64")

// decodeRawURL decodes base64url without padding.
func decodeRawURL(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errLineBreak
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// decodeBase64URL decodes base64url, padding optional.
func decodeBase64URL(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errLineBreak
	}
	if strings.HasSuffix(s, "=") {
		return base64.URLEncoding.DecodeString(s)
	}
	return base64.RawURLEncoding.DecodeString(s)
}

// decodeStdBase64 decodes standard base64, padding optional (the
// TypeScript SDK's fromBase64 pads before decoding).
func decodeStdBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, errLineBreak
	}
	if strings.HasSuffix(s, "=") {
		return base64.StdEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// decodeBase64URLLenient decodes base64url as Node's Buffer.from(s,
// "base64url") (the SDK's fromBase64Url) does for well-formed input: padding
// optional, the unused low bits of the last character ignored, and a
// dangling last character (length 4n+1, which carries no whole byte)
// dropped. Unlike Buffer it refuses characters outside the alphabet rather
// than skipping them.
func decodeBase64URLLenient(s string) ([]byte, error) {
	s = strings.TrimRight(s, "=")
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, errors.New("character outside the base64url alphabet")
		}
	}
	if len(s)%4 == 1 {
		s = s[:len(s)-1]
	}
	return base64.RawURLEncoding.DecodeString(s)
}
