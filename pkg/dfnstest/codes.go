package dfnstest

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// codeAlphabet is the alphabet of one-time codes: upper-case letters and
// digits without the ambiguous 0, O, 1 and I (32 characters, 5 bits each).
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// newCode returns a Dfns-like code, "XXX-XXX-XXX" (45 bits).
func newCode(e entropy) string {
	s := randomString(e, codeAlphabet, 9)
	return s[:3] + "-" + s[3:6] + "-" + s[6:]
}

// codeEntry is what the sandbox knows about a minted code. The code itself
// is not kept: the store is keyed by its SHA-256.
type codeEntry struct {
	id      string
	user    dfns.User
	expires time.Time
	used    bool
}

// The reasons a code is refused, for Requests and the log only: the answer
// is the same 401 for all three.
const (
	reasonCodeUnknown = "code unknown"
	reasonCodeUsed    = "code already used"
	reasonCodeExpired = "code expired"
)

// codeStore holds the minted codes; safe for concurrent use.
type codeStore struct {
	mu      sync.Mutex
	m       map[[sha256.Size]byte]*codeEntry
	sweepAt int
}

// minSweep is the size under which the store is never swept.
const minSweep = 1024

func (s *codeStore) add(code string, e *codeEntry, now time.Time) {
	h := sha256.Sum256([]byte(code))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[[sha256.Size]byte]*codeEntry)
	}
	if len(s.m) >= max(s.sweepAt, minSweep) {
		// Forget used and expired codes (they become "unknown", which
		// answers the same 401), at a cost amortised over the inserts.
		for k, v := range s.m {
			if v.used || !now.Before(v.expires) {
				delete(s.m, k)
			}
		}
		s.sweepAt = 2 * len(s.m)
	}
	s.m[h] = e
}

// redeem consumes code atomically: of concurrent calls with the same
// single-use code, exactly one succeeds. With reusable, a live code stays
// live until it expires. On failure it returns the reason.
func (s *codeStore) redeem(code string, now time.Time, reusable bool) (codeEntry, string) {
	h := sha256.Sum256([]byte(code))
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[h]
	switch {
	case e == nil:
		return codeEntry{}, reasonCodeUnknown
	case e.used:
		return codeEntry{}, reasonCodeUsed
	case !now.Before(e.expires):
		return codeEntry{}, reasonCodeExpired
	}
	if !reusable {
		e.used = true
	}
	return *e, ""
}

// MintCode mints a one-time code, as POST /auth/credentials/code would, for
// a fresh random user (or ForUser's) and with the sandbox's TTL (or
// ExpiresIn's). The code is single-use unless the sandbox has WithReinit.
// Faults do not apply to MintCode. It is safe for concurrent use.
func (s *Sandbox) MintCode(opts ...CodeOption) dfns.OneTimeCode {
	var cc codeConfig
	for _, o := range opts {
		if o != nil {
			o(&cc)
		}
	}
	ttl := s.cfg.codeTTL
	if cc.haveTTL {
		ttl = cc.ttl
	}
	now := s.now()
	code, _ := s.mint(cc.user, now.Add(ttl), now)
	return dfns.OneTimeCode(code)
}

// mint creates and stores a code for user (nil: a new random user) that
// expires at expires, and returns it with its entry.
func (s *Sandbox) mint(user *dfns.User, expires, now time.Time) (string, *codeEntry) {
	e := &codeEntry{id: newID(s.rnd, "cc"), expires: expires}
	if user != nil {
		e.user = *user
	} else {
		e.user = newUser(s.rnd)
	}
	code := newCode(s.rnd)
	s.codes.add(code, e, now)
	s.log.Debug("code minted", "codeId", e.id, "userId", e.user.ID, "expires", expires)
	return code, e
}
