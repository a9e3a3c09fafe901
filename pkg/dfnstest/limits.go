package dfnstest

// The ceilings of the sandbox's memory. A sandbox shared by a team's CI for
// days stays within them whatever the load: with the defaults, about 60 MiB
// of state at the most (codes ~200 B each while live, ~100 B once used;
// challenges ~250 B; credentials ~2 KiB with an RSA key), plus the
// MaxRecordedRequests request records.
const (
	// DefaultMaxCodes bounds the codes remembered, live or used.
	DefaultMaxCodes = 100_000
	// DefaultMaxChallenges bounds the challenges remembered, live or used.
	DefaultMaxChallenges = 100_000
	// DefaultMaxCredentials bounds the registered credentials kept
	// (Credentials, the 409 credential_exists check, excludeCredentials).
	DefaultMaxCredentials = 10_000
)

// limits are the ceilings of a sandbox's stores.
type limits struct {
	codes, challenges, credentials int
}

func defaultLimits() limits {
	return limits{codes: DefaultMaxCodes, challenges: DefaultMaxChallenges, credentials: DefaultMaxCredentials}
}

// WithMaxCodes bounds the codes the sandbox remembers (default
// DefaultMaxCodes). Codes are forgotten when they expire; when n are
// remembered, minting another forgets used codes first, then the oldest,
// down to three quarters of n. A forgotten code answers as an expired one
// does (401 code_invalid, reason "code unknown"); the debug log says when the
// ceiling was reached. n must be positive.
func WithMaxCodes(n int) Option {
	return maxOption("WithMaxCodes", n, func(l *limits) *int { return &l.codes })
}

// WithMaxChallenges bounds the issued challenges the sandbox remembers for a
// later verify (default DefaultMaxChallenges), as WithMaxCodes does codes:
// expired ones are forgotten, and at the ceiling used ones first, then the
// oldest. A forgotten challenge answers 401 challenge_invalid, as an expired
// one does. n must be positive.
func WithMaxChallenges(n int) Option {
	return maxOption("WithMaxChallenges", n, func(l *limits) *int { return &l.challenges })
}

// WithMaxCredentials bounds the registered credentials the sandbox keeps
// (default DefaultMaxCredentials). At the ceiling the oldest quarter is
// forgotten: Credentials no longer lists them, their credId can be
// registered again and they leave excludeCredentials. n must be positive.
func WithMaxCredentials(n int) Option {
	return maxOption("WithMaxCredentials", n, func(l *limits) *int { return &l.credentials })
}

// maxOption sets the ceiling field picks.
func maxOption(name string, n int, field func(*limits) *int) Option {
	return func(c *config) {
		if n <= 0 {
			c.fail("%s(%d): the number must be positive", name, n)
			return
		}
		*field(&c.lim) = n
	}
}
