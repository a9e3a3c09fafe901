// Package webauthntest is a software WebAuthn authenticator for tests:
// enough of one to make "none" and "packed" (self) attestations with ES256,
// ES384 or EdDSA keys, and the JSON a browser's PublicKeyCredential.toJSON()
// gives. pkg/credential's and pkg/dfnstest's tests share it.
package webauthntest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// FlagsUPUVAT are the authenticator-data flags of a normal registration:
// user present, user verified, attested credential data included.
const FlagsUPUVAT = 0x45

// Authenticator makes attestations with Key for RPID. Tests may change any
// field to build a bad attestation.
type Authenticator struct {
	Key    crypto.Signer
	CredID []byte
	RPID   string
	Flags  byte
}

// New returns an authenticator for rpID with a random 16-byte credential id
// and the flags of a normal registration.
func New(key crypto.Signer, rpID string) *Authenticator {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	return &Authenticator{Key: key, CredID: id, RPID: rpID, Flags: FlagsUPUVAT}
}

// TB is what the helpers need of a testing.TB: test code passes its *testing.T.
// (The package does not import testing, so that the CLI's demo can use it.)
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// must returns b, or fails t with err.
func must(t TB, b []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// CBOR encodes v in CTAP2's canonical CBOR.
func CBOR(t TB, v any) []byte {
	t.Helper()
	b, err := encodeCBOR(v)
	return must(t, b, err)
}

func encodeCBOR(v any) ([]byte, error) {
	em, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		return nil, err
	}
	return em.Marshal(v)
}

// coseAlg is the COSE algorithm of the key, and the hash its signatures use
// (0 for EdDSA, which signs the message itself).
func (a *Authenticator) coseAlg() (int, crypto.Hash, error) {
	switch k := a.Key.Public().(type) {
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P384() {
			return -35, crypto.SHA384, nil
		}
		return -7, crypto.SHA256, nil
	case ed25519.PublicKey:
		return -8, 0, nil
	}
	return 0, 0, fmt.Errorf("webauthntest: key %T", a.Key.Public())
}

// COSEKey is the credential public key as a COSE_Key.
func (a *Authenticator) COSEKey(t TB) []byte {
	t.Helper()
	b, err := a.coseKey()
	return must(t, b, err)
}

func (a *Authenticator) coseKey() ([]byte, error) {
	alg, _, err := a.coseAlg()
	if err != nil {
		return nil, err
	}
	switch k := a.Key.Public().(type) {
	case *ecdsa.PublicKey:
		b, err := k.Bytes()
		if err != nil {
			return nil, err
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		crv := 1
		if alg == -35 {
			crv = 2
		}
		return encodeCBOR(map[int]any{1: 2, 3: alg, -1: crv, -2: b[1 : 1+size], -3: b[1+size:]})
	default: // Ed25519, the only other kind coseAlg accepts
		return encodeCBOR(map[int]any{1: 1, 3: alg, -1: 6, -2: []byte(k.(ed25519.PublicKey))})
	}
}

// AuthData is the authenticator data of a registration.
func (a *Authenticator) AuthData(t TB) []byte {
	t.Helper()
	b, err := a.authData()
	return must(t, b, err)
}

func (a *Authenticator) authData() ([]byte, error) {
	key, err := a.coseKey()
	if err != nil {
		return nil, err
	}
	rp := sha256.Sum256([]byte(a.RPID))
	var b bytes.Buffer
	b.Write(rp[:])
	b.WriteByte(a.Flags)
	b.Write([]byte{0, 0, 0, 0}) // signCount
	b.Write(make([]byte, 16))   // AAGUID
	_ = binary.Write(&b, binary.BigEndian, uint16(len(a.CredID)))
	b.Write(a.CredID)
	b.Write(key)
	return b.Bytes(), nil
}

// Attest returns the attestation object for clientDataJSON in format "none"
// or "packed" (self attestation: signed by the credential key).
func (a *Authenticator) Attest(t TB, format string, clientDataJSON []byte) []byte {
	t.Helper()
	b, err := a.Attestation(format, clientDataJSON)
	return must(t, b, err)
}

// Attestation is Attest for a program: it returns its error.
func (a *Authenticator) Attestation(format string, clientDataJSON []byte) ([]byte, error) {
	ad, err := a.authData()
	if err != nil {
		return nil, err
	}
	stmt := map[string]any{}
	if format == "packed" {
		cdh := sha256.Sum256(clientDataJSON)
		msg := append(append([]byte{}, ad...), cdh[:]...)
		alg, hash, err := a.coseAlg()
		if err != nil {
			return nil, err
		}
		digest := msg
		switch hash {
		case crypto.SHA256:
			d := sha256.Sum256(msg)
			digest = d[:]
		case crypto.SHA384:
			d := sha512.Sum384(msg)
			digest = d[:]
		}
		sig, err := a.Key.Sign(rand.Reader, digest, hash)
		if err != nil {
			return nil, err
		}
		stmt = map[string]any{"alg": alg, "sig": sig}
	}
	return encodeCBOR(map[string]any{"fmt": format, "attStmt": stmt, "authData": ad})
}

// ClientDataJSON is the clientDataJSON a browser makes.
func ClientDataJSON(typ, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin, "crossOrigin": false})
	return b
}

// BrowserJSON is what PublicKeyCredential.toJSON() gives for a registration.
func BrowserJSON(credID, clientDataJSON, attestationObject []byte) []byte {
	e := base64.RawURLEncoding.EncodeToString
	b, _ := json.Marshal(map[string]any{
		"id": e(credID), "rawId": e(credID), "type": "public-key", "authenticatorAttachment": "platform",
		"clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON": e(clientDataJSON), "attestationObject": e(attestationObject),
			"transports": []string{"internal", "hybrid"}, "publicKeyAlgorithm": -7,
		},
	})
	return b
}

// EditB64JSON decodes s, the base64url (unpadded) of a JSON object such as
// a credentialInfo's clientData or attestationData, lets edit change it, and
// encodes it back (without HTML escaping, as JSON.stringify writes it): the
// tampering of the attestation tests.
func EditB64JSON(t TB, s string, edit func(map[string]any)) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(bytes.TrimSuffix(out.Bytes(), []byte("\n")))
}
