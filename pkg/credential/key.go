package credential

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"io"
)

// Algorithm is a signature algorithm of a Key credential, numbered as the
// COSE algorithm ids of a challenge's pubKeyCredParams.
type Algorithm int

// The algorithms of Key credentials. The zero Algorithm means the default,
// AlgorithmES256.
const (
	// AlgorithmES256 is ECDSA on P-256 with SHA-256, DER signatures.
	AlgorithmES256 Algorithm = -7
	// AlgorithmEdDSA is Ed25519 (pure, no prehash).
	AlgorithmEdDSA Algorithm = -8
	// AlgorithmRS256 is RSA PKCS #1 v1.5 with SHA-256; NewKey makes 3072-bit keys.
	AlgorithmRS256 Algorithm = -257
)

// rsaBits is the size of the RSA keys NewKey makes (the Dfns
// recommendation); minRSABits is the smallest RSA key accepted anywhere.
const (
	rsaBits    = 3072
	minRSABits = 2048
)

// String returns the JOSE/COSE name ("ES256", "EdDSA", "RS256").
func (a Algorithm) String() string {
	switch a {
	case AlgorithmES256:
		return "ES256"
	case AlgorithmEdDSA:
		return "EdDSA"
	case AlgorithmRS256:
		return "RS256"
	case 0:
		return "default(ES256)"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// NewKey makes a new private key from crypto/rand: ECDSA P-256 for
// AlgorithmES256 (and for the zero Algorithm), Ed25519 for AlgorithmEdDSA,
// RSA 3072 for AlgorithmRS256. Any other crypto.Signer (an HSM or KMS key)
// works just as well with AttestKey.
func NewKey(alg Algorithm) (crypto.Signer, error) {
	switch alg {
	case 0, AlgorithmES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case AlgorithmEdDSA:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	case AlgorithmRS256:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	}
	return nil, fmt.Errorf("%w: algorithm %v", ErrUnsupportedKey, alg)
}

// AlgorithmOf says which Algorithm a public key signs with (what a
// challenge's pubKeyCredParams must offer), and refuses keys Dfns does not
// take with ErrUnsupportedKey: other curves, RSA under 2048 bits.
func AlgorithmOf(pub crypto.PublicKey) (Algorithm, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return 0, fmt.Errorf("%w: ECDSA curve %s (only P-256)", ErrUnsupportedKey, k.Curve.Params().Name)
		}
		return AlgorithmES256, nil
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return 0, fmt.Errorf("%w: Ed25519 key of %d bytes", ErrUnsupportedKey, len(k))
		}
		return AlgorithmEdDSA, nil
	case *rsa.PublicKey:
		if k.N == nil || k.N.BitLen() < minRSABits {
			return 0, fmt.Errorf("%w: RSA key under %d bits", ErrUnsupportedKey, minRSABits)
		}
		return AlgorithmRS256, nil
	}
	return 0, fmt.Errorf("%w: public key of type %T", ErrUnsupportedKey, pub)
}

// sign signs message the way a Key attestation wants it: the SHA-256 digest
// for ECDSA (ASN.1 DER) and RSA (PKCS #1 v1.5), the message itself for
// Ed25519. It then verifies the result against the signer's public key, so
// a Signer that answers in another format (raw r||s, PSS) fails here and not
// at Dfns.
func sign(random io.Reader, signer crypto.Signer, alg Algorithm, message []byte) ([]byte, error) {
	var (
		sig []byte
		err error
	)
	if alg == AlgorithmEdDSA {
		sig, err = signer.Sign(random, message, crypto.Hash(0))
	} else {
		digest := sha256.Sum256(message)
		sig, err = signer.Sign(random, digest[:], crypto.SHA256)
	}
	if err != nil {
		return nil, fmt.Errorf("credential: signing: %w", err)
	}
	if err := verifySignature(signer.Public(), message, sig, crypto.SHA256); err != nil {
		return nil, fmt.Errorf("%w: the signer's %v signature does not verify with its own public key (wrong format?)", ErrBadSignature, alg)
	}
	return sig, nil
}

// verifySignature checks sig over message: ECDSA (DER) and RSA PKCS #1 v1.5
// over the digest with h, Ed25519 over the message itself (h ignored).
func verifySignature(pub crypto.PublicKey, message, sig []byte, h crypto.Hash) error {
	var ok bool
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(k, digest(h, message), sig)
	case ed25519.PublicKey:
		ok = len(k) == ed25519.PublicKeySize && ed25519.Verify(k, message, sig)
	case *rsa.PublicKey:
		ok = rsa.VerifyPKCS1v15(k, h, digest(h, message), sig) == nil
	default:
		return fmt.Errorf("%w: public key of type %T", ErrUnsupportedKey, pub)
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

func digest(h crypto.Hash, message []byte) []byte {
	var d hash.Hash
	if h == crypto.SHA512 {
		d = sha512.New()
	} else {
		d = sha256.New()
	}
	d.Write(message)
	return d.Sum(nil)
}
