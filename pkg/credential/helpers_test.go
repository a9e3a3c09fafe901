package credential

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// The fixed test keys: the RFC 6979 A.2.5 P-256 key, the RFC 8032 test 1
// Ed25519 seed, and a 3072-bit RSA key kept in testdata.
const (
	p256ScalarHex  = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721"
	ed25519SeedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
	rsaKeyFile     = "testdata/rsa3072-test-key.pem"

	// dfnsChallenge is the challenge of pkg/dfns/testdata/corpus/valid/key.json.
	dfnsChallenge = "Y2gtMWE2N2ItNGY5aWYtOHJwN2dwNjVpMmxuNGp2dg"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func p256Key(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), mustHex(t, p256ScalarHex))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ed25519Key(t testing.TB) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(mustHex(t, ed25519SeedHex))
}

var rsaOnce = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(rsaKeyFile)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("no PEM in " + rsaKeyFile)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	return k.(*rsa.PrivateKey), nil
})

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsaOnce()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// fixedKeys are the three test keys by algorithm name, as in vectors.json.
func fixedKeys(t testing.TB) map[string]crypto.Signer {
	return map[string]crypto.Signer{"ES256": p256Key(t), "EdDSA": ed25519Key(t), "RS256": rsaKey(t)}
}

// vectors is testdata/vectors.json, made by testdata/gen-vectors.mjs with
// Node's WebCrypto the way the TypeScript SDK works.
type vectors struct {
	Generator    string `json:"generator"`
	Node         string `json:"node"`
	Attestations []struct {
		Algorithm      string         `json:"algorithm"`
		Challenge      string         `json:"challenge"`
		PublicKeyPEM   string         `json:"publicKeyPem"`
		ClientData     string         `json:"clientData"`
		ClientDataHash string         `json:"clientDataHash"`
		Fingerprint    string         `json:"fingerprint"`
		Signature      string         `json:"signature"`
		Deterministic  bool           `json:"deterministic"`
		CredentialInfo CredentialInfo `json:"credentialInfo"`
	} `json:"attestations"`
	Wraps []struct {
		Password            string `json:"password"`
		UserName            string `json:"userName"`
		IV                  string `json:"iv"`
		PKCS8               string `json:"pkcs8"`
		EncryptedPrivateKey string `json:"encryptedPrivateKey"`
		RecoveryCredID      string `json:"recoveryCredId"`
	} `json:"wraps"`
	Salts []struct {
		UserName   string `json:"userName"`
		Normalized string `json:"normalized"`
		Salt       string `json:"salt"`
	} `json:"salts"`
}

// check refuses a vectors file that lost part of its tables: the tests
// loop over them and would pass with nothing to check.
func (v *vectors) check() error {
	return atLeast(map[string][2]int{
		"attestations": {len(v.Attestations), 6}, // 3 algorithms x 2 challenges
		"wraps":        {len(v.Wraps), 2},
		"salts":        {len(v.Salts), 20},
	})
}

// encryptedKeys is testdata/encrypted-keys.json, made by
// testdata/gen-encrypted-keys.mjs: what Node does with each blob and whether
// CheckEncryptedPrivateKey accepts it.
type encryptedKeys struct {
	Generator string `json:"generator"`
	Node      string `json:"node"`
	Password  string `json:"password"`
	UserName  string `json:"userName"`
	Cases     []struct {
		Name                string `json:"name"`
		EncryptedPrivateKey string `json:"encryptedPrivateKey"`
		NodeResult          string `json:"node"` // "ok" or the name of the error Node threw
		Accept              bool   `json:"accept"`
		Why                 string `json:"why"` // why a blob Node unwraps is refused
	} `json:"cases"`
}

func (e *encryptedKeys) check() error {
	return atLeast(map[string][2]int{"cases": {len(e.Cases), 40}})
}

// atLeast checks table sizes: name -> {have, want at least}.
func atLeast(tables map[string][2]int) error {
	var errs []error
	for name, n := range tables {
		if n[0] < n[1] {
			errs = append(errs, fmt.Errorf("table %q has %d entries, want at least %d", name, n[0], n[1]))
		}
	}
	return errors.Join(errs...)
}

// loadStrict decodes a testdata file into v, refusing unknown members and
// trailing data, then runs v's own check.
func loadStrict[T interface{ check() error }](path string, v T) (T, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return v, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return v, fmt.Errorf("%s: data after the JSON value", path)
	}
	if err := v.check(); err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

var vectorsOnce = sync.OnceValues(func() (*vectors, error) {
	return loadStrict("testdata/vectors.json", &vectors{})
})

var encryptedKeysOnce = sync.OnceValues(func() (*encryptedKeys, error) {
	return loadStrict("testdata/encrypted-keys.json", &encryptedKeys{})
})

func loadVectors(t testing.TB) *vectors { t.Helper(); return must(t, vectorsOnce) }

func loadEncryptedKeys(t testing.TB) *encryptedKeys { t.Helper(); return must(t, encryptedKeysOnce) }

// must returns load's value, failing the test on its error.
func must[T any](t testing.TB, load func() (T, error)) T {
	t.Helper()
	v, err := load()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// stream is a deterministic "random" reader: the bytes seed, seed+1, ...
type stream struct{ next byte }

func (s *stream) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = s.next
		s.next++
	}
	return len(p), nil
}

// failingReader fails every read: randomness errors must surface.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

var _ io.Reader = failingReader{}

// challengeJSON is a challenge body of the given kind, for dfns.ParseChallenge.
func challengeJSON(kind, challenge, userName string, algs ...int) []byte {
	params := "[]"
	if len(algs) > 0 {
		var b bytes.Buffer
		b.WriteByte('[')
		for i, a := range algs {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"type":"public-key","alg":%d}`, a)
		}
		b.WriteByte(']')
		params = b.String()
	}
	c, _ := json.Marshal(challenge)
	u, _ := json.Marshal(userName)
	return fmt.Appendf(nil, `{"kind":%q,"user":{"id":"us-3p3hu-hm2ts-8mkv5gm7g0tavb1h","displayName":"Jane Doe","name":%s},
		"challengeIdentifier":"eyJhbGciOiJub25lIn0.e30.","challenge":%s,"attestation":"none","pubKeyCredParams":%s,
		"temporaryAuthenticationToken":"eyJhbGciOiJub25lIn0.e30."}`, kind, u, c, params)
}

// parseChallenge decodes body into the variant T without the client's
// default validation (a variant is its generated model, so encoding/json
// fills it), so that tests can hand the attesters what no server should
// send, such as an empty challenge.
func parseChallenge[T dfns.Challenge](t testing.TB, body []byte) T {
	t.Helper()
	c := reflect.New(reflect.TypeFor[T]().Elem()).Interface().(T)
	if err := json.Unmarshal(body, c); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	return c
}

func wantErr(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

func p384() elliptic.Curve { return elliptic.P384() }

func asn1Unmarshal(b []byte, v any) ([]byte, error) { return asn1.Unmarshal(b, v) }

const sha512Hash = crypto.SHA512

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func x509MarshalPKCS8(k any) ([]byte, error) { return x509.MarshalPKCS8PrivateKey(k) }
