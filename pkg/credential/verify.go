package credential

import (
	"bytes"
	"crypto"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"
)

// VerifyKeyAttestation checks a Key, PasswordProtectedKey or RecoveryKey
// credentialInfo against the challenge it must answer, as the Dfns server
// would, and returns the attested public key (*ecdsa.PublicKey,
// ed25519.PublicKey or *rsa.PublicKey).
//
// It decodes clientData (base64url, no padding), requires type "key.create"
// (ErrWrongType) and the expected challenge (ErrWrongChallenge, compared in
// constant time; other members such as origin are ignored), decodes
// attestationData and its PEM public key (ErrUnsupportedKey for a key Dfns
// does not take), rebuilds the fingerprint over the PEM string exactly as
// sent (so with or without a trailing newline), and verifies the hex
// signature (ErrBadSignature): ECDSA DER and RSA PKCS #1 v1.5 over SHA-256,
// or over SHA-512 with "algorithm":"SHA512"; Ed25519 over the fingerprint
// itself, without an algorithm. Undecodable input is ErrMalformed.
func VerifyKeyAttestation(info CredentialInfo, expectedChallenge string) (crypto.PublicKey, error) {
	if info.CredID == "" {
		return nil, fmt.Errorf("%w: empty credId", ErrMalformed)
	}
	if _, err := decodeRawURL(info.CredID); err != nil {
		return nil, fmt.Errorf("%w: credId is not base64url without padding", ErrMalformed)
	}
	cd, err := decodeRawURL(info.ClientData)
	if err != nil {
		return nil, fmt.Errorf("%w: clientData is not base64url without padding", ErrMalformed)
	}
	var c struct {
		Type      *string `json:"type"`
		Challenge *string `json:"challenge"`
	}
	if err := decodeJSONObject(cd, &c); err != nil {
		return nil, fmt.Errorf("%w: clientData: %v", ErrMalformed, err)
	}
	if c.Type == nil || c.Challenge == nil {
		return nil, fmt.Errorf("%w: clientData lacks type or challenge", ErrMalformed)
	}
	if *c.Type != "key.create" {
		return nil, fmt.Errorf("%w: %q, want \"key.create\"", ErrWrongType, *c.Type)
	}
	if subtle.ConstantTimeCompare([]byte(*c.Challenge), []byte(expectedChallenge)) != 1 || expectedChallenge == "" {
		return nil, ErrWrongChallenge
	}

	ad, err := decodeRawURL(info.AttestationData)
	if err != nil {
		return nil, fmt.Errorf("%w: attestationData is not base64url without padding", ErrMalformed)
	}
	var a struct {
		Algorithm *string `json:"algorithm"`
		PublicKey *string `json:"publicKey"`
		Signature *string `json:"signature"`
	}
	if err := decodeJSONObject(ad, &a); err != nil {
		return nil, fmt.Errorf("%w: attestationData: %v", ErrMalformed, err)
	}
	if a.PublicKey == nil || a.Signature == nil {
		return nil, fmt.Errorf("%w: attestationData lacks publicKey or signature", ErrMalformed)
	}
	pub, err := parsePublicKeyPEM(*a.PublicKey)
	if err != nil {
		return nil, err
	}
	alg, err := AlgorithmOf(pub)
	if err != nil {
		return nil, err
	}
	h, err := signatureHash(alg, a.Algorithm)
	if err != nil {
		return nil, err
	}
	sig, err := hex.DecodeString(*a.Signature)
	if err != nil || len(sig) == 0 {
		return nil, fmt.Errorf("%w: signature is not hex", ErrMalformed)
	}
	if err := verifySignature(pub, Fingerprint(cd, *a.PublicKey), sig, h); err != nil {
		return nil, fmt.Errorf("%w: the %v signature over the fingerprint does not verify", ErrBadSignature, alg)
	}
	return pub, nil
}

// signatureHash maps attestationData's optional algorithm to the digest, as
// Node's crypto.verify(algorithm, ...) reads it: absent means SHA-256 for
// ECDSA and RSA and nothing for Ed25519; "SHA256" and "RSA-SHA256" (any
// case) mean SHA-256, "SHA512" SHA-512, for ECDSA and RSA only.
func signatureHash(alg Algorithm, name *string) (crypto.Hash, error) {
	if name == nil {
		return crypto.SHA256, nil
	}
	if alg == AlgorithmEdDSA {
		return 0, fmt.Errorf("%w: algorithm %q with an Ed25519 key (Ed25519 takes none)", ErrMalformed, *name)
	}
	switch strings.ToUpper(*name) {
	case "SHA256", "RSA-SHA256":
		return crypto.SHA256, nil
	case "SHA512", "RSA-SHA512":
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("%w: unknown algorithm %q", ErrMalformed, *name)
}

// parsePublicKeyPEM reads one PEM "PUBLIC KEY" block (SPKI) and nothing
// else but white space.
func parsePublicKeyPEM(text string) (crypto.PublicKey, error) {
	block, rest := pem.Decode([]byte(text))
	if block == nil {
		return nil, fmt.Errorf("%w: publicKey is not PEM", ErrMalformed)
	}
	if block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("%w: publicKey is a PEM %q block, want \"PUBLIC KEY\"", ErrMalformed, block.Type)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("%w: publicKey has data after the PEM block", ErrMalformed)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: publicKey is not an SPKI public key: %v", ErrMalformed, err)
	}
	return pub, nil
}

// decodeJSONObject decodes one JSON object and refuses trailing data.
func decodeJSONObject(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}
