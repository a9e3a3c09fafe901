package dfnstest

import (
	"crypto/sha256"
	"log/slog"
	"strconv"
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

// codeKey is how the store knows a code: its SHA-256. The code itself is
// not kept.
type codeKey = [sha256.Size]byte

// codeEntry is what the sandbox knows about a minted code: a live code its
// user and expiry; a used one only that it was used, until it expires.
type codeEntry struct {
	user    *dfns.User // nil once used
	expires int64      // UnixNano
	used    bool
}

// redeemed is a code init redeemed: what the challenge needs of it.
type redeemed struct {
	key      codeKey
	user     dfns.User
	expires  time.Time
	reusable bool
}

// The reasons a code is refused, for Requests and the log only: the answer
// is the same 401 for all three. A code forgotten (expired and swept, or
// evicted at the ceiling) is unknown.
const (
	reasonCodeUnknown = "code unknown"
	reasonCodeUsed    = "code already used"
	reasonCodeExpired = "code expired"
)

// codeStore holds the minted codes; safe for concurrent use.
type codeStore struct {
	mu sync.Mutex
	b  bounded[codeKey, codeEntry]
}

func newCodeStore(max int, log *slog.Logger) *codeStore {
	return &codeStore{b: bounded[codeKey, codeEntry]{
		name: "codes", max: max, log: log,
		disposable: func(e codeEntry) bool { return e.used },
	}}
}

// add stores a code until forget and returns its sequence number.
func (s *codeStore) add(code string, e codeEntry, forget, now time.Time) uint64 {
	h := sha256.Sum256([]byte(code))
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.put(h, e, forget, now)
}

// redeem consumes code atomically: of concurrent calls with the same
// single-use code, exactly one succeeds. With reusable, a live code stays
// live until it expires or a verify consumes it. On failure it returns the
// reason.
func (s *codeStore) redeem(code string, now time.Time, reusable bool) (redeemed, string) {
	h := sha256.Sum256([]byte(code))
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.b.get(h)
	switch {
	case !ok:
		return redeemed{}, reasonCodeUnknown
	case e.used:
		return redeemed{}, reasonCodeUsed
	case now.UnixNano() >= e.expires:
		return redeemed{}, reasonCodeExpired
	}
	r := redeemed{key: h, user: *e.user, expires: time.Unix(0, e.expires), reusable: reusable}
	if !reusable {
		s.b.set(h, codeEntry{expires: e.expires, used: true})
	}
	return r, ""
}

// consume marks a reusable code used on the first verify of one of its
// challenges; it returns why not if the code is used or forgotten already.
// With dryRun it only tells.
func (s *codeStore) consume(h codeKey, dryRun bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.b.get(h)
	switch {
	case !ok:
		return reasonCodeForgotten
	case e.used:
		return reasonCodeVerified
	}
	if !dryRun {
		s.b.set(h, codeEntry{expires: e.expires, used: true})
	}
	return ""
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
	code := s.mint(cc.user, now.Add(ttl), now)
	return dfns.OneTimeCode(code)
}

// mint creates and stores a code for user (nil: a new random user) that
// expires at expires, and returns it. A reusable code (WithReinit) is
// remembered a challenge's lifetime longer than it lives, so that the
// challenges issued for it can tell whether a verify consumed it.
func (s *Sandbox) mint(user *dfns.User, expires, now time.Time) string {
	e := codeEntry{user: user, expires: expires.UnixNano()}
	if user == nil {
		u := newUser(s.rnd)
		e.user = &u
	}
	code := newCode(s.rnd)
	forget := expires
	if s.cfg.reinit {
		forget = expires.Add(challengeTTL)
	}
	seq := s.codes.add(code, e, forget, now)
	s.log.Debug("code minted", "codeId", "cc-"+strconv.FormatUint(seq, 10), "userId", e.user.ID, "expires", expires)
	return code
}
