package credential

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// The wrapping of the TypeScript browser SDK (keys/password.ts,
// worker/isolatedKey.ts): PBKDF2-SHA256, 100,000 iterations, a 256-bit
// AES-GCM key, a 16-byte IV, a 128-bit tag.
const (
	pbkdf2Iterations = 100_000
	wrapIVSize       = 16
	// minIVSize and maxIVSize bound the IV UnwrapKey reads: what Node's
	// WebCrypto AES-GCM takes (testdata/encrypted-keys.json).
	minIVSize = 12
	maxIVSize = 128
	// minSealedSize is the shortest AES-GCM output WebCrypto decrypts: the
	// 16-byte tag alone.
	minSealedSize = 16
)

// encryptedKey is the JSON inside encryptedPrivateKey: standard base64 of
// the AES-GCM output (ciphertext then tag) and of the IV. The order is that
// of the first SDK (keys/password.ts); JSON readers do not care.
type encryptedKey struct {
	Key string `json:"key"`
	IV  string `json:"iv"`
}

// WrapKey encrypts a P-256 private key with a password the way Dfns'
// PasswordProtectedKey and RecoveryKey expect: salt = SHA-256 of the user
// name lower-cased and trimmed (as JavaScript does it), key =
// PBKDF2-SHA256(password, salt, 100,000 iterations, 32 bytes), AES-256-GCM
// with a random 16-byte IV over the PKCS #8 DER of the key. The result is
// the standard base64 (padded) of {"key":"<base64>","iv":"<base64>"}.
func WrapKey(priv crypto.PrivateKey, password, userName string) (encryptedPrivateKey string, err error) {
	return attester{rand.Reader}.wrapKey(priv, password, userName)
}

// UnwrapKey decrypts an encryptedPrivateKey of WrapKey or of the TypeScript
// SDK; white space around it (a file's final newline) is ignored. The result
// is an *ecdsa.PrivateKey (a crypto.Signer). A password or user name that
// does not open it is ErrWrongPassword; a blob CheckEncryptedPrivateKey
// refuses is ErrMalformed.
func UnwrapKey(encrypted, password, userName string) (crypto.PrivateKey, error) {
	ct, iv, err := parseEncryptedKey(strings.TrimSpace(encrypted))
	if err != nil {
		return nil, err
	}
	salt := userSalt(userName)
	return openKey(ct, iv, wrappingKey(password, salt[:]))
}

// AttestPasswordProtectedKey answers a PasswordProtectedKey challenge: a new
// P-256 key, wrapped with password and the challenge's user name
// (ch.User().Name), attested with "algorithm":"SHA256" and a random credId.
func AttestPasswordProtectedKey(ch *dfns.PasswordProtectedKeyChallenge, password string) (*Attestation, error) {
	if ch == nil {
		return nil, fmt.Errorf("%w: nil challenge", ErrMalformed)
	}
	return attester{rand.Reader}.passwordProtectedKey(ch.Challenge, ch.ChallengeIdentifier(), ch.User().Name, password, ch.PubKeyCredParams)
}

func (a attester) passwordProtectedKey(challenge, challengeID, userName, password string, params []dfns.PubKeyCredParam) (*Attestation, error) {
	if err := acceptable(AlgorithmES256, params); err != nil {
		return nil, err
	}
	if password == "" {
		return nil, ErrEmptyPassword
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	blob, err := a.wrapKey(key, password, userName)
	if err != nil {
		return nil, err
	}
	info, err := a.attestRandomID(challenge, key, algorithmSHA256)
	if err != nil {
		return nil, err
	}
	return &Attestation{
		Kind:                dfns.CredentialKindPasswordProtectedKey,
		ChallengeIdentifier: challengeID,
		CredentialInfo:      *info,
		EncryptedPrivateKey: blob,
		Signer:              key,
	}, nil
}

func (a attester) wrapKey(priv crypto.PrivateKey, password, userName string) (string, error) {
	if password == "" {
		return "", ErrEmptyPassword
	}
	k, ok := priv.(*ecdsa.PrivateKey)
	if !ok || k.Curve != elliptic.P256() {
		return "", fmt.Errorf("%w: only ECDSA P-256 keys are wrapped (got %T)", ErrUnsupportedKey, priv)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	iv := make([]byte, wrapIVSize)
	if _, err := io.ReadFull(a.rand, iv); err != nil {
		return "", fmt.Errorf("credential: reading randomness: %w", err)
	}
	salt := userSalt(userName)
	return sealKey(der, iv, wrappingKey(password, salt[:]))
}

// wrappingKey is PBKDF2-SHA256(password, salt, 100,000 iterations, 32 bytes).
func wrappingKey(password string, salt []byte) []byte {
	k, err := pbkdf2.Key(sha256.New, password, salt, pbkdf2Iterations, 32)
	if err != nil { // only for out-of-range lengths, and 32 is in range
		panic(err)
	}
	return k
}

// sealKey encrypts the PKCS #8 DER with AES-256-GCM under aesKey and iv and
// packs the encryptedPrivateKey.
func sealKey(der, iv, aesKey []byte) (string, error) {
	aead, err := gcm(aesKey, len(iv))
	if err != nil {
		return "", err
	}
	ct := aead.Seal(nil, iv, der, nil)
	j, err := marshalJSON(encryptedKey{
		Key: base64.StdEncoding.EncodeToString(ct),
		IV:  base64.StdEncoding.EncodeToString(iv),
	})
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(j), nil
}

// CheckEncryptedPrivateKey reports whether encrypted is an
// encryptedPrivateKey as the wire carries it, without the password: standard
// base64 (padding optional, nothing else: no white space, no line break) of
// a JSON object whose "key" and "iv" members are standard base64 too; an IV
// of 12 to 128 bytes and a ciphertext of at least 16 bytes (the AES-GCM tag),
// as Node's WebCrypto unwrapKey takes them. Anything else is ErrMalformed.
// Whether the ciphertext holds a P-256 key only the password tells
// (UnwrapKey). The cases and their verdicts, checked against Node, are in
// testdata/encrypted-keys.json.
func CheckEncryptedPrivateKey(encrypted string) error {
	_, _, err := parseEncryptedKey(encrypted)
	return err
}

// parseEncryptedKey unpacks an encryptedPrivateKey into ciphertext (with
// its tag) and IV: the rules of CheckEncryptedPrivateKey. The TypeScript
// SDK's fromBase64 pads before decoding, so padding is optional.
func parseEncryptedKey(encrypted string) (ct, iv []byte, err error) {
	raw, err := decodeStdBase64(encrypted)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: encryptedPrivateKey is not base64: %v", ErrMalformed, err)
	}
	var ek struct {
		Key *string `json:"key"`
		IV  *string `json:"iv"`
	}
	if err := json.Unmarshal(raw, &ek); err != nil {
		return nil, nil, fmt.Errorf("%w: encryptedPrivateKey is not base64 of a JSON object: %v", ErrMalformed, err)
	}
	if ek.Key == nil || ek.IV == nil {
		return nil, nil, fmt.Errorf("%w: encryptedPrivateKey lacks key or iv", ErrMalformed)
	}
	if ct, err = decodeStdBase64(*ek.Key); err != nil {
		return nil, nil, fmt.Errorf("%w: encryptedPrivateKey key is not base64: %v", ErrMalformed, err)
	}
	if iv, err = decodeStdBase64(*ek.IV); err != nil {
		return nil, nil, fmt.Errorf("%w: encryptedPrivateKey iv is not base64: %v", ErrMalformed, err)
	}
	if len(iv) < minIVSize || len(iv) > maxIVSize {
		return nil, nil, fmt.Errorf("%w: encryptedPrivateKey iv of %d bytes, want %d to %d", ErrMalformed, len(iv), minIVSize, maxIVSize)
	}
	if len(ct) < minSealedSize {
		return nil, nil, fmt.Errorf("%w: encryptedPrivateKey key of %d bytes is shorter than the GCM tag", ErrMalformed, len(ct))
	}
	return ct, iv, nil
}

// openKey decrypts and parses a wrapped key; failing authentication is
// ErrWrongPassword.
func openKey(ct, iv, aesKey []byte) (crypto.PrivateKey, error) {
	aead, err := gcm(aesKey, len(iv))
	if err != nil {
		return nil, err
	}
	der, err := aead.Open(nil, iv, ct, nil)
	if err != nil {
		return nil, ErrWrongPassword
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%w: the decrypted key is not PKCS #8: %v", ErrMalformed, err)
	}
	k, ok := key.(*ecdsa.PrivateKey)
	if !ok || k.Curve != elliptic.P256() {
		return nil, fmt.Errorf("%w: the decrypted key is a %T, not ECDSA P-256", ErrUnsupportedKey, key)
	}
	return k, nil
}

func gcm(aesKey []byte, ivSize int) (cipher.AEAD, error) {
	block, err := aes.NewCipher(aesKey)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCMWithNonceSize(block, ivSize)
}
