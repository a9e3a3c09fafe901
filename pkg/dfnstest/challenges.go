package dfnstest

import (
	"crypto/sha256"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// The challengeIdentifier (and its deprecated alias
// temporaryAuthenticationToken) is an opaque random id, "ch-" and 26
// characters (130 bits, from WithSeed's stream or crypto/rand), whose state
// lives in the sandbox's challenge store, keyed by its SHA-256. Verify looks
// the challenge up there in any case (to know it unused, and its challenge
// bytes), so a signed token would only repeat what the store says: an
// opaque id is less code, a shorter answer and less state per challenge.
// It names neither the code nor the user.

// challengeTTL is how long an issued challenge stays valid.
const challengeTTL = 5 * time.Minute

// challengeKey is how the store knows a challengeIdentifier: its SHA-256.
type challengeKey = [sha256.Size]byte

// issuedChallenge is what the sandbox remembers of a challenge it issued,
// for a later verify step.
type issuedChallenge struct {
	userID    string
	kind      dfns.CredentialKind
	challenge string // "" for Password and Totp
	expires   int64  // UnixNano
	// code is the redeemed code's key, for a reusable code (WithReinit):
	// the first verify of any of its challenges consumes it.
	code     codeKey
	reusable bool
	used     bool // set by the verify that consumed it
}

// The reasons verify refuses a challengeIdentifier, for Requests and the
// log only: the answer is the same 401 for all. A challenge forgotten
// (expired and swept, or evicted at the ceiling) is unknown.
const (
	reasonChallengeExpired = "challenge expired"
	reasonChallengeUnknown = "challenge unknown"
	reasonChallengeUsed    = "challenge already used"
	reasonCodeVerified     = "code already used by another verify"
	reasonCodeForgotten    = "code of the challenge evicted"
)

// newChallengeID returns a fresh challengeIdentifier.
func newChallengeID(e entropy) string { return "ch-" + randomString(e, idAlphabet, 26) }

// remember stores an issued challenge; the caller does not hold stateMu.
func (s *Sandbox) remember(id string, c issuedChallenge, now time.Time) {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	s.challenges.put(sha256.Sum256([]byte(id)), c, time.Unix(0, c.expires), now)
}

// lookupChallenge returns the live challenge id names, its key, or why it
// is not live.
func (s *Sandbox) lookupChallenge(id string, now time.Time) (issuedChallenge, challengeKey, string) {
	k := sha256.Sum256([]byte(id))
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	c, reason := s.liveChallengeLocked(k, now)
	return c, k, reason
}

// liveChallengeLocked is lookupChallenge with stateMu held.
func (s *Sandbox) liveChallengeLocked(k challengeKey, now time.Time) (issuedChallenge, string) {
	c, ok := s.challenges.get(k)
	switch {
	case !ok:
		return c, reasonChallengeUnknown
	case c.used:
		return c, reasonChallengeUsed
	case now.UnixNano() >= c.expires:
		return c, reasonChallengeExpired
	case c.reusable:
		return c, s.codes.consume(c.code, true)
	}
	return c, ""
}

// register consumes the challenge and stores the credential, atomically: of
// concurrent verifies of one challenge exactly one succeeds (the others are
// 401 challenge_invalid), and a credId is registered once (409).
func (s *Sandbox) register(k challengeKey, reg RegisteredCredential, now time.Time) *apiError {
	s.stateMu.Lock()
	defer s.stateMu.Unlock()
	c, reason := s.liveChallengeLocked(k, now)
	if reason != "" {
		return challengeInvalid(reason)
	}
	if _, ok := s.creds.get(reg.CredentialID); ok {
		return credentialExists()
	}
	if c.reusable {
		// A reusable code is consumed by the first verify of any of its
		// challenges: init refuses it from now on, and so does verify for
		// its other challenges.
		if reason := s.codes.consume(c.code, false); reason != "" {
			return challengeInvalid(reason)
		}
	}
	// What is left of a used challenge only tells "used" from "unknown".
	s.challenges.set(k, issuedChallenge{expires: c.expires, used: true})
	s.addCredentialLocked(reg, now)
	return nil
}
