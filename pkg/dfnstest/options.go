package dfnstest

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// Option configures a Sandbox (New, NewServer, NewTLSServer). An option
// given a value it cannot use makes New panic with a message naming it:
// options are written by programmers, in tests.
type Option func(*config)

// config is what the options set.
type config struct {
	seed        uint64
	seeded      bool
	codeTTL     time.Duration
	reinit      bool
	clock       func() time.Time
	faultHeader bool
	fault       *faultSpec
	noValidate  bool
	logger      *slog.Logger
	rp          dfns.RelyingParty
	browser     browserConfig // browser_options.go
	lim         limits
	errs        []string
}

// Defaults.
const (
	// DefaultCodeTTL is how long a one-time code lives, as on Dfns.
	DefaultCodeTTL = time.Minute
	// DefaultRPID is the relying party id of the challenges.
	DefaultRPID = "app.sandbox.dfns.test"
	// DefaultRPName is the relying party name of the challenges.
	DefaultRPName = "Dfns Sandbox"
	// MaxRecordedRequests bounds what Requests returns: the most recent
	// requests are kept.
	MaxRecordedRequests = 10000
)

func defaultConfig() config {
	return config{
		codeTTL: DefaultCodeTTL,
		clock:   time.Now,
		logger:  slog.New(slog.DiscardHandler),
		rp:      dfns.RelyingParty{ID: DefaultRPID, Name: DefaultRPName},
		lim:     defaultLimits(),
	}
}

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// WithSeed makes the sandbox deterministic: codes, ids, users, challenges
// and challengeIdentifiers come from a ChaCha8 stream seeded with seed
// instead of crypto/rand. Two sandboxes with the same seed, the same clock
// (WithClock) and the same sequence of calls give byte-identical answers;
// concurrent requests make the sequence, hence the output, vary.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed, c.seeded = seed, true }
}

// WithCodeTTL sets how long a minted code lives when neither ExpiresIn nor
// the request's expiration says otherwise (default DefaultCodeTTL, one
// minute as on Dfns). d must be positive.
func WithCodeTTL(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.fail("WithCodeTTL(%v): the duration must be positive", d)
			return
		}
		c.codeTTL = d
	}
}

// WithReinit lets init redeem a code again and again, instead of once, as
// Dfns lets a code be re-initialised until the flow is verified: a code is
// reusable until it expires or until a verify consumes one of its
// challenges. From then on init refuses the code (401 code_invalid) and
// verify refuses its other challenges (401 challenge_invalid).
func WithReinit() Option {
	return func(c *config) { c.reinit = true }
}

// WithClock sets the sandbox's clock (default time.Now): code and challenge
// expiry, the sweeping of what expired, mint answers and Requests times use
// it. It must be safe for
// concurrent use. Latency faults sleep in real time whatever the clock.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now == nil {
			c.fail("WithClock(nil)")
			return
		}
		c.clock = now
	}
}

// WithFaults makes the sandbox honour the X-Dfns-Sandbox-Fault request header
// (its grammar is in docs/sandbox.md). Without this option the
// header is ignored, so that a sandbox never misbehaves unless asked to.
func WithFaults() Option {
	return func(c *config) { c.faultHeader = true }
}

// WithFault applies the fault spec (the X-Dfns-Sandbox-Fault grammar, e.g.
// "rate-limit=2" or "latency=5ms,status=503") to every HTTP request the
// sandbox serves, the code-minting endpoint included; MintCode is not
// affected. With WithFaults, a request's header replaces this spec for that
// request. New panics with a message naming the problem if spec is invalid.
func WithFault(spec string) Option {
	return func(c *config) {
		f, err := parseFault(spec)
		if err != nil {
			c.fail("WithFault(%q): %v", spec, err)
			return
		}
		c.fault = &f
	}
}

// WithoutValidation turns off the kin-openapi validation of request bodies
// and of answers, for benchmarks comparing the two. The sandbox still refuses
// what it cannot serve (no body, malformed JSON, an unknown credentialKind,
// an empty code) but no longer refuses unknown properties, and its answers
// are no longer checked against the spec.
func WithoutValidation() Option {
	return func(c *config) { c.noValidate = true }
}

// WithLogger sends one line per request, and an error line for any answer of
// the sandbox that breaks the spec, to l (default: discarded). No line ever
// holds a one-time code, a bearer token or a request body.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		c.logger = l
	}
}

// WithRelyingParty sets the rp of the challenges (default DefaultRPID,
// DefaultRPName). Both fields must be non-empty.
func WithRelyingParty(rp dfns.RelyingParty) Option {
	return func(c *config) {
		if rp.ID == "" || rp.Name == "" {
			c.fail("WithRelyingParty: ID and Name must be non-empty")
			return
		}
		c.rp = rp
	}
}

// CodeOption configures one code minted by MintCode.
type CodeOption func(*codeConfig)

type codeConfig struct {
	user    *dfns.User
	ttl     time.Duration
	haveTTL bool
}

// ForUser mints the code for u (default: a fresh random user per code). The
// challenges init returns for the code carry u.
func ForUser(u dfns.User) CodeOption {
	return func(c *codeConfig) { c.user = &u }
}

// ExpiresIn sets the code's lifetime (default: WithCodeTTL's). Zero or a
// negative duration mints a code that has already expired, for tests of
// the 401 path.
func ExpiresIn(d time.Duration) CodeOption {
	return func(c *codeConfig) { c.ttl, c.haveTTL = d, true }
}
