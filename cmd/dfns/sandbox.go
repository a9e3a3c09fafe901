package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// shutdownGrace bounds how long the sandbox waits for requests in flight.
const shutdownGrace = 5 * time.Second

// defaultCodeTTL is long enough to type a code by hand.
const defaultCodeTTL = 10 * time.Minute

// sandboxFlags are dfns sandbox's flags. A new flag is a field, a line in
// declare and, if it configures the sandbox, a line in options.
type sandboxFlags struct {
	addr    string
	faults  bool
	seed    uint64
	codes   int
	codeTTL time.Duration
	// For a page in a browser (sandbox_browser.go).
	rpID          string
	origins, cors listFlag
}

func (f *sandboxFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:0", "listen `address` (loopback; port 0 picks a free port)")
	fs.BoolVar(&f.faults, "faults", false, "honour the X-Dfns-Sandbox-Fault request header")
	fs.Uint64Var(&f.seed, "seed", 0, "make ids, users and challenges deterministic (0: random)")
	fs.IntVar(&f.codes, "codes", 1, "print `N` one-time codes")
	fs.DurationVar(&f.codeTTL, "code-ttl", defaultCodeTTL, "how long a minted code lives (printed and dfns mint's)")
	fs.StringVar(&f.rpID, "rp-id", "", "relying party `id` of the challenges (default "+dfnstest.DefaultRPID+")")
	fs.Var(&f.origins, "origin", "WebAuthn `origin` verify accepts (repeatable; default https://<rp id>)")
	fs.Var(&f.cors, "cors", "`origin` whose pages may call the sandbox, or \"*\" (repeatable; default: the --origin values)")
}

// options are the sandbox options the flags ask for; an error names the
// flag and the fix.
func (f *sandboxFlags) options() ([]dfnstest.Option, error) {
	switch {
	case f.codes < 0:
		return nil, fmt.Errorf("--codes %d: want 0 or more", f.codes)
	case f.codeTTL <= 0:
		return nil, fmt.Errorf("--code-ttl %v: --code-ttl must be positive (e.g. --code-ttl 10m)", f.codeTTL)
	}
	opts, err := browserOptions(f.rpID, f.origins, f.cors)
	if err != nil {
		return nil, err
	}
	opts = append(opts, dfnstest.WithCodeTTL(f.codeTTL))
	if f.faults {
		opts = append(opts, dfnstest.WithFaults())
	}
	if f.seed != 0 {
		opts = append(opts, dfnstest.WithSeed(f.seed))
	}
	return opts, nil
}

func runSandbox(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "sandbox", "sandbox [--addr 127.0.0.1:0] [--codes N] [--code-ttl D] [--faults] [--seed N] [--rp-id ID] [--origin URL]... [--cors ORIGIN]...",
		"Serves the offline Dfns sandbox until SIGINT or SIGTERM, then shuts down gracefully.\n"+
			"It prints DFNS_API_URL=<url>, then one DFNS_CODE=<code> line per code, so a script\n"+
			"can read them (e.g. eval); when they expire and how to mint more go to stderr.\n"+
			"More codes later, from another shell: DFNS_API_URL=<url> dfns mint.\n"+
			"With --faults, requests may ask for faults with the X-Dfns-Sandbox-Fault header."+browserHelp)
	var f sandboxFlags
	f.declare(fs)
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	opts, err := f.options()
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns sandbox: %v\n", err)
		return exitUsage
	}
	sb := dfnstest.New(opts...)

	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns sandbox: %v: choose another --addr\n", err)
		return exitFailure
	}
	srv := &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// The sandbox's codes are not secrets: printing them is the point.
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "DFNS_API_URL=%s\n", url)
	expires := time.Now().Add(f.codeTTL)
	for range f.codes {
		fmt.Fprintf(e.stdout, "DFNS_CODE=%s\n", string(sb.MintCode(dfnstest.ExpiresIn(f.codeTTL))))
	}
	if f.codes > 0 {
		plural := "s"
		if f.codes == 1 {
			plural = ""
		}
		fmt.Fprintf(e.stderr, "dfns sandbox: %d single-use code%s, valid until %s (%v)\n", f.codes, plural, expires.Format("15:04:05"), f.codeTTL)
	}
	fmt.Fprintf(e.stderr, "dfns sandbox: try, in another shell: export DFNS_API_URL=%s\n", url)
	fmt.Fprintf(e.stderr, "dfns sandbox:   %s register --name laptop --out key.pem --code -   (paste a code)\n", e.self)
	fmt.Fprintf(e.stderr, "dfns sandbox:   %s mint   (one more code); Ctrl-C here stops the sandbox\n", e.self)

	select {
	case err := <-served:
		fmt.Fprintf(e.stderr, "dfns sandbox: %v\n", err)
		return exitFailure
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(e.stderr, "dfns sandbox: shutdown: %v\n", err)
		return exitFailure
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(e.stderr, "dfns sandbox: %v\n", err)
		return exitFailure
	}
	fmt.Fprintln(e.stderr, "dfns sandbox: stopped")
	return exitOK
}
