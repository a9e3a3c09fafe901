package credential

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"strings"
	"testing"
	"testing/cryptotest"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// TestKnownAnswers pins the bytes of a key attestation against
// testdata/vectors.json, computed by Node's WebCrypto the way the TypeScript
// SDK computes them: clientData (type first, challenge verbatim, no HTML
// escaping), the PEM (64-character lines, no trailing newline), the
// fingerprint, attestationData (publicKey then signature, no algorithm) and
// the credentialInfo encoding (base64url, no padding). Ed25519 and RSA
// PKCS #1 v1.5 signatures are deterministic and compared; ECDSA ones are
// verified, both Node's and ours.
func TestKnownAnswers(t *testing.T) {
	keys := fixedKeys(t)
	for _, v := range loadVectors(t).Attestations {
		t.Run(v.Algorithm+"/"+v.Challenge[:8], func(t *testing.T) {
			signer := keys[v.Algorithm]
			cd, err := ClientData(v.Challenge)
			if err != nil {
				t.Fatal(err)
			}
			if string(cd) != v.ClientData {
				t.Errorf("clientData\n got %s\nwant %s", cd, v.ClientData)
			}
			if sum := sha256.Sum256(cd); hex.EncodeToString(sum[:]) != v.ClientDataHash {
				t.Errorf("clientDataHash differs")
			}
			pemText, err := PublicKeyPEM(signer.Public())
			if err != nil {
				t.Fatal(err)
			}
			if pemText != v.PublicKeyPEM {
				t.Errorf("PEM\n got %q\nwant %q", pemText, v.PublicKeyPEM)
			}
			fp := Fingerprint(cd, pemText)
			if string(fp) != v.Fingerprint {
				t.Errorf("fingerprint\n got %s\nwant %s", fp, v.Fingerprint)
			}

			// Node's credentialInfo verifies here.
			if _, err := VerifyKeyAttestation(v.CredentialInfo, v.Challenge); err != nil {
				t.Fatalf("verifying Node's attestation: %v", err)
			}

			// Ours, with Node's credId.
			info, err := attester{&stream{}}.attest(v.Challenge, signer, "", v.CredentialInfo.CredID)
			if err != nil {
				t.Fatal(err)
			}
			if info.ClientData != v.CredentialInfo.ClientData || info.CredID != v.CredentialInfo.CredID {
				t.Errorf("credentialInfo differs:\n got %+v\nwant %+v", info, v.CredentialInfo)
			}
			if v.Deterministic {
				if info.AttestationData != v.CredentialInfo.AttestationData {
					t.Errorf("attestationData\n got %s\nwant %s", info.AttestationData, v.CredentialInfo.AttestationData)
				}
				if sig := attestedSignature(t, *info); sig != v.Signature {
					t.Errorf("signature\n got %s\nwant %s", sig, v.Signature)
				}
			}
			if _, err := VerifyKeyAttestation(*info, v.Challenge); err != nil {
				t.Fatalf("verifying our attestation: %v", err)
			}
		})
	}
}

func attestedSignature(t testing.TB, info CredentialInfo) string {
	t.Helper()
	ad, err := base64.RawURLEncoding.DecodeString(info.AttestationData)
	if err != nil {
		t.Fatal(err)
	}
	var a attestationData
	if err := json.Unmarshal(ad, &a); err != nil {
		t.Fatal(err)
	}
	return a.Signature
}

// TestClientDataBytes pins the exact clientData bytes, including the choices
// for challenges that are not base64url.
func TestClientDataBytes(t *testing.T) {
	for _, tc := range []struct{ challenge, want string }{
		{dfnsChallenge, `{"type":"key.create","challenge":"` + dfnsChallenge + `"}`},
		// < > & stay as they are (JSON.stringify does not escape them).
		{"a<b>&c", `{"type":"key.create","challenge":"a<b>&c"}`},
		{`q"b\s/`, `{"type":"key.create","challenge":"q\"b\\s/"}`},
		{"\b\f\n\r\t\x01\x7f", `{"type":"key.create","challenge":"\b\f\n\r\t\u0001` + "\x7f" + `"}`},
		{"é😀", `{"type":"key.create","challenge":"é😀"}`},
		// The one divergence from JSON.stringify: U+2028/U+2029 are escaped.
		{"\u2028\u2029", `{"type":"key.create","challenge":"\u2028\u2029"}`},
	} {
		got, err := ClientData(tc.challenge)
		if err != nil {
			t.Fatalf("%q: %v", tc.challenge, err)
		}
		if string(got) != tc.want {
			t.Errorf("ClientData(%q)\n got %s\nwant %s", tc.challenge, got, tc.want)
		}
	}
	for _, bad := range []string{"", "\xff", "a\xc3"} {
		_, err := ClientData(bad)
		wantErr(t, err, ErrInvalidChallenge)
		_, err = AttestKey(bad, p256Key(t))
		wantErr(t, err, ErrInvalidChallenge)
	}
}

// TestPublicKeyPEM pins the PEM framing: no trailing newline, as the
// TypeScript browser SDK writes it.
func TestPublicKeyPEM(t *testing.T) {
	for name, k := range fixedKeys(t) {
		p, err := PublicKeyPEM(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(p, "-----BEGIN PUBLIC KEY-----\n") || !strings.HasSuffix(p, "\n-----END PUBLIC KEY-----") {
			t.Errorf("%s: PEM framing %q", name, p)
		}
		for _, line := range strings.Split(p, "\n") {
			if len(line) > 64 {
				t.Errorf("%s: line longer than 64: %q", name, line)
			}
		}
	}
	k, _ := ecdsa.GenerateKey(p384(), rand.Reader)
	_, err := PublicKeyPEM(k.Public())
	wantErr(t, err, ErrUnsupportedKey)
}

// TestAttestationDataShape pins the attestationData members and their order:
// Key omits algorithm; PasswordProtectedKey and RecoveryKey put
// "algorithm":"SHA256" first.
func TestAttestationDataShape(t *testing.T) {
	a := attester{&stream{}}
	info, err := a.attest(dfnsChallenge, p256Key(t), "", "id")
	if err != nil {
		t.Fatal(err)
	}
	ad, _ := base64.RawURLEncoding.DecodeString(info.AttestationData)
	if !strings.HasPrefix(string(ad), `{"publicKey":"-----BEGIN PUBLIC KEY-----\n`) || strings.Contains(string(ad), "algorithm") {
		t.Errorf("Key attestationData %s", ad)
	}
	info, err = a.attest(dfnsChallenge, p256Key(t), algorithmSHA256, "id")
	if err != nil {
		t.Fatal(err)
	}
	ad, _ = base64.RawURLEncoding.DecodeString(info.AttestationData)
	if !strings.HasPrefix(string(ad), `{"algorithm":"SHA256","publicKey":"-----BEGIN PUBLIC KEY-----\n`) {
		t.Errorf("PasswordProtectedKey attestationData %s", ad)
	}
	if _, err := VerifyKeyAttestation(*info, dfnsChallenge); err != nil {
		t.Fatal(err)
	}
}

// TestCredIDRandom pins the Key credId: 32 bytes of the attester's
// randomness, base64url without padding.
func TestCredIDRandom(t *testing.T) {
	info, err := attester{&stream{next: 1}}.attestRandomID(dfnsChallenge, ed25519Key(t), "")
	if err != nil {
		t.Fatal(err)
	}
	want := make([]byte, 32)
	for i := range want {
		want[i] = byte(i + 1)
	}
	if info.CredID != base64.RawURLEncoding.EncodeToString(want) {
		t.Errorf("credId %s", info.CredID)
	}
	a, err := AttestKey(dfnsChallenge, ed25519Key(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := AttestKey(dfnsChallenge, ed25519Key(t))
	if err != nil {
		t.Fatal(err)
	}
	if a.CredID == b.CredID || len(a.CredID) != 43 {
		t.Errorf("credIds %s %s", a.CredID, b.CredID)
	}
	if a.ClientData != b.ClientData || a.AttestationData != b.AttestationData {
		t.Error("Ed25519 attestations of one challenge differ beyond credId")
	}
	_, err = attester{failingReader{}}.attestRandomID(dfnsChallenge, ed25519Key(t), "")
	if err == nil {
		t.Fatal("no error from a failing reader")
	}
}

// TestRoundTripNewKeys attests fresh keys of every algorithm and verifies.
func TestRoundTripNewKeys(t *testing.T) {
	// A fixed seed keeps the RSA 3072 key generation fast (about 20 ms
	// instead of up to seconds); crypto/rand is the only source NewKey uses.
	cryptotest.SetGlobalRandom(t, 0)
	for _, alg := range []Algorithm{0, AlgorithmES256, AlgorithmEdDSA, AlgorithmRS256} {
		k, err := NewKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		info, err := AttestKey(dfnsChallenge, k)
		if err != nil {
			t.Fatalf("%v: %v", alg, err)
		}
		pub, err := VerifyKeyAttestation(*info, dfnsChallenge)
		if err != nil {
			t.Fatalf("%v: %v", alg, err)
		}
		if !k.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
			t.Errorf("%v: verified key differs", alg)
		}
		if got, _ := AlgorithmOf(pub); alg != 0 && got != alg {
			t.Errorf("AlgorithmOf = %v, want %v", got, alg)
		}
		if r, ok := pub.(*rsa.PublicKey); ok && r.N.BitLen() != 3072 {
			t.Errorf("RSA key of %d bits", r.N.BitLen())
		}
	}
	_, err := NewKey(Algorithm(-35))
	wantErr(t, err, ErrUnsupportedKey)
}

// hsmSigner stands for a user's HSM or KMS key: only a crypto.Signer.
type hsmSigner struct {
	inner crypto.Signer
	calls int
}

func (h *hsmSigner) Public() crypto.PublicKey { return h.inner.Public() }
func (h *hsmSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	h.calls++
	return h.inner.Sign(r, d, o)
}

// rawECDSASigner answers with r||s instead of DER, like some KMS APIs.
type rawECDSASigner struct{ k *ecdsa.PrivateKey }

func (s rawECDSASigner) Public() crypto.PublicKey { return s.k.Public() }
func (s rawECDSASigner) Sign(_ io.Reader, d []byte, _ crypto.SignerOpts) ([]byte, error) {
	der, err := s.k.Sign(rand.Reader, d, crypto.SHA256)
	if err != nil {
		return nil, err
	}
	var sig struct{ R, S *big.Int }
	if _, err := asn1Unmarshal(der, &sig); err != nil {
		return nil, err
	}
	out := make([]byte, 64)
	sig.R.FillBytes(out[:32])
	sig.S.FillBytes(out[32:])
	return out, nil
}

func TestUserSigner(t *testing.T) {
	for name, k := range fixedKeys(t) {
		h := &hsmSigner{inner: k}
		info, err := AttestKey(dfnsChallenge, h)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h.calls != 1 {
			t.Errorf("%s: %d Sign calls", name, h.calls)
		}
		if _, err := VerifyKeyAttestation(*info, dfnsChallenge); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// A signer answering in the wrong format is caught before Dfns sees it.
	_, err := AttestKey(dfnsChallenge, rawECDSASigner{p256Key(t)})
	wantErr(t, err, ErrBadSignature)
	_, err = AttestKey(dfnsChallenge, nil)
	wantErr(t, err, ErrUnsupportedKey)
}

func TestAttestKeyChallenge(t *testing.T) {
	ch := parseChallenge[*dfns.KeyChallenge](t, challengeJSON("Key", dfnsChallenge, "jane@example.com", -7, -8))
	for _, k := range []crypto.Signer{p256Key(t), ed25519Key(t)} {
		att, err := AttestKeyChallenge(ch, k)
		if err != nil {
			t.Fatal(err)
		}
		if att.Kind != dfns.CredentialKindKey || att.ChallengeIdentifier != ch.ChallengeIdentifier() ||
			att.EncryptedPrivateKey != "" || att.RecoveryCode != "" || att.Signer == nil {
			t.Errorf("attestation %+v", att)
		}
		if _, err := VerifyKeyAttestation(att.CredentialInfo, ch.Challenge); err != nil {
			t.Fatal(err)
		}
	}
	// RS256 is not among the challenge's algorithms.
	_, err := AttestKeyChallenge(ch, rsaKey(t))
	wantErr(t, err, ErrUnsupportedKey)
	// An empty pubKeyCredParams accepts any supported key.
	open := parseChallenge[*dfns.KeyChallenge](t, challengeJSON("Key", dfnsChallenge, "jane@example.com"))
	if _, err := AttestKeyChallenge(open, rsaKey(t)); err != nil {
		t.Fatal(err)
	}
	_, err = AttestKeyChallenge(nil, p256Key(t))
	wantErr(t, err, ErrMalformed)
	_, err = AttestKeyChallenge(ch, nil)
	wantErr(t, err, ErrUnsupportedKey)
}

func TestUnsupportedKeys(t *testing.T) {
	p384Key, _ := ecdsa.GenerateKey(p384(), rand.Reader)
	short := fixedPublic{ed25519.PublicKey(make([]byte, 10))}
	for _, k := range []crypto.Signer{p384Key, short, fixedPublic{"not a key"}} {
		_, err := AttestKey(dfnsChallenge, k)
		wantErr(t, err, ErrUnsupportedKey)
	}
}

// fixedPublic is a signer with a given public key that cannot sign.
type fixedPublic struct{ pub crypto.PublicKey }

func (f fixedPublic) Public() crypto.PublicKey { return f.pub }
func (fixedPublic) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	panic("fixedPublic cannot sign")
}
