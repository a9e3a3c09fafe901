package dfnstest

import (
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// entropy is where every random value of a Sandbox comes from: crypto/rand,
// or a ChaCha8 stream seeded by WithSeed.
type entropy interface {
	// fill fills p with random bytes.
	fill(p []byte)
}

// cryptoEntropy reads crypto/rand.
type cryptoEntropy struct{}

func (cryptoEntropy) fill(p []byte) { _, _ = crand.Read(p) }

// seededEntropy is a deterministic ChaCha8 stream. It is shared by the
// goroutines serving requests, hence the mutex; the output is deterministic
// only when the calls come in a deterministic order.
type seededEntropy struct {
	mu sync.Mutex
	c  *rand.ChaCha8
}

func newSeededEntropy(seed uint64) *seededEntropy {
	var s [32]byte
	copy(s[:], "dfnstest sandbox seed ..........")
	binary.LittleEndian.PutUint64(s[:8], seed)
	return &seededEntropy{c: rand.NewChaCha8(s)}
}

// derive returns a stream that depends only on the sandbox's key, purpose
// and input: what the sandbox can compute again instead of storing it (a
// bearer token's user, a user's pre-existing credentials).
func (s *Sandbox) derive(purpose, input string) entropy {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(input))
	return &seededEntropy{c: rand.NewChaCha8([32]byte(m.Sum(nil)))}
}

func (e *seededEntropy) fill(p []byte) {
	e.mu.Lock()
	_, _ = e.c.Read(p)
	e.mu.Unlock()
}

// intn returns a number in [0, n), n > 0 and small (the modulo bias is
// negligible for the sizes used here).
func intn(e entropy, n int) int {
	var b [8]byte
	e.fill(b[:])
	return int(binary.LittleEndian.Uint64(b[:]) % uint64(n))
}

// randomString returns n characters of alphabet, whose length must divide
// 256 so that every character is equally likely.
func randomString(e entropy, alphabet string, n int) string {
	b := make([]byte, n)
	e.fill(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// idAlphabet is the alphabet of Dfns-style ids (lower-case base 32).
const idAlphabet = "0123456789abcdefghijklmnopqrstuv"

// newID returns prefix + "-" + 20 id characters, e.g. "us-3v1agv6b369e1rs8k6".
func newID(e entropy, prefix string) string {
	return prefix + "-" + randomString(e, idAlphabet, 20)
}

// newCredentialID returns an id matching the spec's excludeCredentials
// pattern ^cr-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{14,16}$.
func newCredentialID(e entropy) string {
	s := randomString(e, idAlphabet, 26)
	return "cr-" + s[:5] + "-" + s[5:10] + "-" + s[10:]
}

var (
	firstNames = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "wendy"}
	lastNames  = []string{"martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau", "simon", "laurent", "lefebvre", "michel", "garcia", "david"}
)

// newUser returns a realistic user: a Dfns-style id, an e-mail address as
// the name (on example.com, reserved for documentation), and a display name.
func newUser(e entropy) dfns.User {
	first := firstNames[intn(e, len(firstNames))]
	last := lastNames[intn(e, len(lastNames))]
	id := newID(e, "us")
	return dfns.User{
		ID:          id,
		Name:        first + "." + last + "+" + id[len(id)-6:] + "@example.com",
		DisplayName: strings.ToUpper(first[:1]) + first[1:] + " " + strings.ToUpper(last[:1]) + last[1:],
	}
}

// newOtpURL returns an otpauth://totp URI with a fresh 160-bit secret.
func newOtpURL(e entropy, rp dfns.RelyingParty, u dfns.User) string {
	secret := make([]byte, 20)
	e.fill(secret)
	q := url.Values{}
	q.Set("secret", base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret))
	q.Set("issuer", rp.Name)
	q.Set("algorithm", "SHA1")
	q.Set("digits", "6")
	q.Set("period", "30")
	label := url.PathEscape(rp.Name + ":" + u.Name)
	return "otpauth://totp/" + label + "?" + q.Encode()
}
