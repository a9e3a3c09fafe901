package credential

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// CredentialInfo is the credentialInfo of a verify request
// (POST /auth/credentials/code/verify) for the Key, PasswordProtectedKey,
// RecoveryKey and Fido2 kinds: CredID, ClientData and AttestationData, every
// field base64url without padding. It is dfns.CredentialInfo, so that an
// answer goes into a dfns.VerifyRequest as it is.
type CredentialInfo = dfns.CredentialInfo

// Attestation is an answered key challenge: what the verify request needs,
// and the secrets the user must keep.
type Attestation struct {
	// Kind is the credential kind to send as credentialKind.
	Kind dfns.CredentialKind
	// ChallengeIdentifier is copied from the challenge, for the verify request.
	ChallengeIdentifier string
	// CredentialInfo is the verify request's credentialInfo.
	CredentialInfo CredentialInfo
	// EncryptedPrivateKey is the top-level encryptedPrivateKey of the verify
	// request: set for PasswordProtectedKey and RecoveryKey, empty for Key.
	EncryptedPrivateKey string
	// Signer is the credential's private key. For Key it is the signer
	// passed in; for PasswordProtectedKey and RecoveryKey it is the new key,
	// which Dfns also keeps encrypted.
	Signer crypto.Signer
	// RecoveryCode is the RecoveryKey's password, to show the user once:
	// without it the recovery credential cannot be used. Empty for the
	// other kinds.
	RecoveryCode string
}

// The algorithm field of attestationData for PasswordProtectedKey and
// RecoveryKey (their keys are P-256, signing SHA-256).
const algorithmSHA256 = "SHA256"

// clientData is the client data of a key attestation. The field order is the
// byte order: type first, as the TypeScript SDK's JSON.stringify writes it.
type clientData struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
}

// fingerprint is what the new key signs.
type fingerprint struct {
	ClientDataHash string `json:"clientDataHash"`
	PublicKey      string `json:"publicKey"`
}

// attestationData carries the public key and the signature. algorithm comes
// first when present, as in the TypeScript SDK's PasswordProtectedKey and
// RecoveryKey signers; Key attestations omit it, as BrowserKeySigner does.
type attestationData struct {
	Algorithm string `json:"algorithm,omitempty"`
	PublicKey string `json:"publicKey"`
	Signature string `json:"signature"`
}

// ClientData returns the exact client data bytes a key attestation hashes
// and sends: {"type":"key.create","challenge":"<challenge>"}, type first,
// no spaces, the challenge verbatim (never re-encoded). For a base64url
// challenge (all Dfns sends) the bytes equal JavaScript's JSON.stringify of
// the same object; < > & are not escaped. Other challenges are written by
// encoding/json: valid JSON of the same string, equal to JSON.stringify's but
// for U+2028 and U+2029, which are written as \u2028 and \u2029. An empty
// challenge or one that is not valid UTF-8 is ErrInvalidChallenge.
func ClientData(challenge string) ([]byte, error) {
	if challenge == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidChallenge)
	}
	if !utf8.ValidString(challenge) {
		return nil, fmt.Errorf("%w: not valid UTF-8", ErrInvalidChallenge)
	}
	return marshalJSON(clientData{Type: "key.create", Challenge: challenge})
}

// PublicKeyPEM returns the SPKI PEM of a public key the way the TypeScript
// browser SDK writes it: "-----BEGIN PUBLIC KEY-----\n", the base64 in lines
// of 64, "\n-----END PUBLIC KEY-----", with NO trailing newline.
func PublicKeyPEM(pub crypto.PublicKey) (string, error) {
	if _, err := AlgorithmOf(pub); err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	block := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	return strings.TrimSuffix(string(block), "\n"), nil
}

// Fingerprint returns the bytes a key attestation signs:
// {"clientDataHash":"<lowercase hex SHA-256 of clientData>","publicKey":"<publicKeyPEM>"}.
func Fingerprint(clientData []byte, publicKeyPEM string) []byte {
	sum := sha256.Sum256(clientData)
	b, err := marshalJSON(fingerprint{ClientDataHash: hex.EncodeToString(sum[:]), PublicKey: publicKeyPEM})
	if err != nil { // two strings always marshal
		panic(err)
	}
	return b
}

// AttestKey answers a key challenge with signer: it builds the client data,
// signs the fingerprint and returns the credentialInfo, with a credId of 32
// random bytes. The signer may be any crypto.Signer of ECDSA P-256, Ed25519
// or RSA (2048 bits or more); its signature is checked against its public key
// before it is returned.
func AttestKey(challenge string, signer crypto.Signer) (*CredentialInfo, error) {
	return attester{rand.Reader}.attestRandomID(challenge, signer, "")
}

// AttestKeyChallenge answers a Key challenge with signer. When the challenge
// lists pubKeyCredParams, the signer's algorithm must be one of them.
func AttestKeyChallenge(ch *dfns.KeyChallenge, signer crypto.Signer) (*Attestation, error) {
	return attester{rand.Reader}.keyChallenge(ch, signer)
}

// attester holds the randomness for credential ids, IVs and recovery codes:
// crypto/rand for the exported functions, a fixed stream in tests.
type attester struct {
	rand io.Reader
}

func (a attester) keyChallenge(ch *dfns.KeyChallenge, signer crypto.Signer) (*Attestation, error) {
	if ch == nil {
		return nil, fmt.Errorf("%w: nil challenge", ErrMalformed)
	}
	if signer == nil {
		return nil, fmt.Errorf("%w: nil signer", ErrUnsupportedKey)
	}
	alg, err := AlgorithmOf(signer.Public())
	if err != nil {
		return nil, err
	}
	if err := acceptable(alg, ch.PubKeyCredParams); err != nil {
		return nil, err
	}
	info, err := a.attestRandomID(ch.Challenge, signer, "")
	if err != nil {
		return nil, err
	}
	return &Attestation{
		Kind:                dfns.CredentialKindKey,
		ChallengeIdentifier: ch.ChallengeIdentifier(),
		CredentialInfo:      *info,
		Signer:              signer,
	}, nil
}

// acceptable checks alg against a challenge's pubKeyCredParams; an empty
// list accepts anything.
func acceptable(alg Algorithm, params []dfns.PubKeyCredParam) error {
	if len(params) == 0 {
		return nil
	}
	names := make([]string, 0, len(params))
	for _, p := range params {
		if p.Alg == float64(alg) {
			return nil
		}
		names = append(names, fmt.Sprint(p.Alg))
	}
	return fmt.Errorf("%w: the challenge accepts algorithms %s, not %v (%d)",
		ErrUnsupportedKey, strings.Join(names, ", "), alg, int(alg))
}

// attestRandomID is attest with a credId of 32 bytes from a.rand.
func (a attester) attestRandomID(challenge string, signer crypto.Signer, algorithm string) (*CredentialInfo, error) {
	id := make([]byte, 32)
	if _, err := io.ReadFull(a.rand, id); err != nil {
		return nil, fmt.Errorf("credential: reading randomness: %w", err)
	}
	return a.attest(challenge, signer, algorithm, base64.RawURLEncoding.EncodeToString(id))
}

// attest is the key attestation of the notes, steps 1 to 6, with a given
// credId and attestationData algorithm ("" to omit it).
func (a attester) attest(challenge string, signer crypto.Signer, algorithm, credID string) (*CredentialInfo, error) {
	if signer == nil {
		return nil, fmt.Errorf("%w: nil signer", ErrUnsupportedKey)
	}
	cd, err := ClientData(challenge)
	if err != nil {
		return nil, err
	}
	pub := signer.Public()
	alg, err := AlgorithmOf(pub)
	if err != nil {
		return nil, err
	}
	pemText, err := PublicKeyPEM(pub)
	if err != nil {
		return nil, err
	}
	sig, err := sign(a.rand, signer, alg, Fingerprint(cd, pemText))
	if err != nil {
		return nil, err
	}
	ad, err := marshalJSON(attestationData{Algorithm: algorithm, PublicKey: pemText, Signature: hex.EncodeToString(sig)})
	if err != nil {
		return nil, err
	}
	return &CredentialInfo{
		CredID:          credID,
		ClientData:      base64.RawURLEncoding.EncodeToString(cd),
		AttestationData: base64.RawURLEncoding.EncodeToString(ad),
	}, nil
}

// marshalJSON is json.Marshal without HTML escaping and without the
// Encoder's trailing newline: compact JSON, the bytes JSON.stringify writes
// for the structs of this package.
func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
