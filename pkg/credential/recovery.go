package credential

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// recoveryAlphabet is the alphabet of recovery codes: A-Z and 2-9 without
// I, O, 0 and 1. Its 32 letters carry 5 bits each, 160 bits per code.
const recoveryAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// recoveryGroups are the lengths of the dash-separated groups after "D1-".
var recoveryGroups = [...]int{6, 5, 5, 5, 5, 6}

const (
	recoveryPrefix  = "D1-"
	recoveryLetters = 32                                        // sum of recoveryGroups
	recoveryLen     = len(recoveryPrefix) + recoveryLetters + 5 // 5 inner dashes
)

// NewRecoveryCode returns a new recovery code from crypto/rand, in the
// format of the TypeScript SDK: D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX over
// ABCDEFGHJKLMNPQRSTUVWXYZ23456789 (32 letters, 160 bits).
func NewRecoveryCode() (string, error) {
	return newRecoveryCode(rand.Reader)
}

// newRecoveryCode draws each letter by rejection sampling: a byte is used
// only below the largest multiple of the alphabet size, so every letter is
// equally likely. (With 32 letters that multiple is 256 and nothing is ever
// rejected; the loop keeps the draw unbiased should the alphabet change.)
func newRecoveryCode(r io.Reader) (string, error) {
	const n = len(recoveryAlphabet)
	const limit = 256 - 256%n
	letters := make([]byte, 0, recoveryLetters)
	buf := make([]byte, recoveryLetters)
	for len(letters) < recoveryLetters {
		if _, err := io.ReadFull(r, buf[:recoveryLetters-len(letters)]); err != nil {
			return "", fmt.Errorf("credential: reading randomness: %w", err)
		}
		for _, b := range buf[:recoveryLetters-len(letters)] {
			if int(b) < limit {
				letters = append(letters, recoveryAlphabet[int(b)%n])
			}
		}
	}
	var sb strings.Builder
	sb.Grow(recoveryLen)
	sb.WriteString(recoveryPrefix)
	for i, g := range recoveryGroups {
		if i > 0 {
			sb.WriteByte('-')
		}
		sb.Write(letters[:g])
		letters = letters[g:]
	}
	return sb.String(), nil
}

// ParseRecoveryCode checks that s is a recovery code and returns it in
// canonical form: surrounding white space is dropped and ASCII letters are
// upper-cased (the code is the PBKDF2 password, so the canonical form is
// what unwraps). Anything else (a missing "D1-" prefix, a wrong group
// length, a letter outside the alphabet such as I, O, 0 or 1) is
// ErrInvalidRecoveryCode.
func ParseRecoveryCode(s string) (string, error) {
	s = strings.Map(asciiUpper, strings.TrimSpace(s))
	if len(s) != recoveryLen || !strings.HasPrefix(s, recoveryPrefix) {
		return "", fmt.Errorf("%w: want D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX", ErrInvalidRecoveryCode)
	}
	rest := s[len(recoveryPrefix):]
	for i, g := range recoveryGroups {
		if i > 0 {
			if rest[0] != '-' {
				return "", fmt.Errorf("%w: want D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX", ErrInvalidRecoveryCode)
			}
			rest = rest[1:]
		}
		for j := 0; j < g; j++ {
			if strings.IndexByte(recoveryAlphabet, rest[j]) < 0 {
				return "", fmt.Errorf("%w: character %d is not in %s", ErrInvalidRecoveryCode, len(s)-len(rest)+j+1, recoveryAlphabet)
			}
		}
		rest = rest[g:]
	}
	return s, nil
}

// AttestRecoveryKey answers a RecoveryKey challenge: a new recovery code, a
// new P-256 key wrapped with it and the challenge's user name
// (ch.User().Name), attested with "algorithm":"SHA256", the challenge
// verbatim in the client data, and credId = base64url(SHA-256 of the
// encryptedPrivateKey string's bytes). Show the user Attestation.RecoveryCode
// once: it is the only way to use the credential.
func AttestRecoveryKey(ch *dfns.RecoveryKeyChallenge) (*Attestation, error) {
	if ch == nil {
		return nil, fmt.Errorf("%w: nil challenge", ErrMalformed)
	}
	return attester{rand.Reader}.recoveryKey(ch.Challenge, ch.ChallengeIdentifier(), ch.User().Name, ch.PubKeyCredParams)
}

func (a attester) recoveryKey(challenge, challengeID, userName string, params []dfns.PubKeyCredParam) (*Attestation, error) {
	if err := acceptable(AlgorithmES256, params); err != nil {
		return nil, err
	}
	if _, err := ClientData(challenge); err != nil {
		return nil, err
	}
	code, err := newRecoveryCode(a.rand)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	blob, err := a.wrapKey(key, code, userName)
	if err != nil {
		return nil, err
	}
	info, err := a.attest(challenge, key, algorithmSHA256, recoveryCredID(blob))
	if err != nil {
		return nil, err
	}
	return &Attestation{
		Kind:                dfns.CredentialKindRecoveryKey,
		ChallengeIdentifier: challengeID,
		CredentialInfo:      *info,
		EncryptedPrivateKey: blob,
		Signer:              key,
		RecoveryCode:        code,
	}, nil
}

// recoveryCredID is base64url(SHA-256(encryptedPrivateKey)), hashing the
// bytes of the base64 string itself (as the TypeScript SDK's
// TextEncoder().encode(encryptedPrivateKey) does), not the bytes it encodes.
func recoveryCredID(encryptedPrivateKey string) string {
	sum := sha256.Sum256([]byte(encryptedPrivateKey))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// asciiUpper upper-cases a-z only: strings.ToUpper would also turn U+017F
// (long s) into S, accepting a code no one wrote.
func asciiUpper(r rune) rune {
	if 'a' <= r && r <= 'z' {
		return r - ('a' - 'A')
	}
	return r
}
