package dfnstest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The challengeIdentifier (and its deprecated alias
// temporaryAuthenticationToken) is a compact JWS, HS256, signed with the
// sandbox's own 256-bit key (from WithSeed's stream, or crypto/rand). It lets
// a later verify step trust what init issued without a database lookup, as
// Dfns's does. Its claims name the code by its id, never by its value.

// challengeTTL is how long an issued challenge stays valid.
const challengeTTL = 5 * time.Minute

// tokenIssuer is the iss claim.
const tokenIssuer = "dfnstest"

// jwtHeader is the fixed, pre-encoded JOSE header.
var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// challengeClaims are the claims of a challengeIdentifier.
type challengeClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`    // the user id
	CodeID   string `json:"codeId"` // the id of the redeemed code, not the code
	Kind     string `json:"kind"`   // the credential kind
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
	ID       string `json:"jti"` // the challenge's id in the sandbox
}

// signToken returns the compact JWS of claims.
func signToken(key []byte, c challengeClaims) string {
	payload, _ := json.Marshal(c) // only strings and ints
	signingInput := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signingInput))
	return signingInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// errBadToken is every reason verifyToken refuses a token; errTokenExpired,
// which wraps it, is the expiry of a token that is otherwise valid.
var (
	errBadToken     = errors.New("invalid challenge token")
	errTokenExpired = fmt.Errorf("%w: expired", errBadToken)
)

// verifyToken checks a token's header, signature and expiry, and returns
// its claims.
func verifyToken(key []byte, token string, now time.Time) (challengeClaims, error) {
	var c challengeClaims
	header, rest, ok := strings.Cut(token, ".")
	if !ok || header != jwtHeader {
		return c, errBadToken
	}
	payload, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return c, errBadToken
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return c, errBadToken
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(header + "." + payload))
	if !hmac.Equal(got, mac.Sum(nil)) {
		return c, errBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(raw, &c) != nil || c.Issuer != tokenIssuer {
		return challengeClaims{}, errBadToken
	}
	if now.Unix() >= c.Expires {
		return challengeClaims{}, errTokenExpired
	}
	return c, nil
}
