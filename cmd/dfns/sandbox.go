package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// shutdownGrace bounds how long the sandbox waits for requests in flight.
const shutdownGrace = 5 * time.Second

func runSandbox(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "sandbox", "sandbox [--addr 127.0.0.1:0] [--faults] [--seed N] [--rp-id ID] [--origin URL]... [--cors ORIGIN]...",
		"Serves the offline Dfns sandbox until SIGINT or SIGTERM, then shuts down gracefully.\n"+
			"It prints, one per line, DFNS_API_URL=<url> and DFNS_CODE=<a fresh code>, so a\n"+
			"script can read them (e.g. `eval`, or `dfns init --code -` with the code on stdin).\n"+
			"With --faults, requests may ask for faults with the X-Dfns-Sandbox-Fault header."+browserHelp)
	addr := fs.String("addr", "127.0.0.1:0", "listen `address` (loopback; port 0 picks a free port)")
	faults := fs.Bool("faults", false, "honour the X-Dfns-Sandbox-Fault request header")
	seed := fs.Uint64("seed", 0, "make ids, users and challenges deterministic (0: random)")
	rpID := fs.String("rp-id", "", "relying party `id` of the challenges (default "+dfnstest.DefaultRPID+")")
	var origins, cors listFlag
	fs.Var(&origins, "origin", "WebAuthn `origin` verify accepts (repeatable; default https://<rp id>)")
	fs.Var(&cors, "cors", "`origin` whose pages may call the sandbox, or \"*\" (repeatable; default: the --origin values)")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	opts, err := browserOptions(*rpID, origins, cors)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns sandbox: %v\n", err)
		return exitUsage
	}
	if *faults {
		opts = append(opts, dfnstest.WithFaults())
	}
	if *seed != 0 {
		opts = append(opts, dfnstest.WithSeed(*seed))
	}
	sb := dfnstest.New(opts...)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns sandbox: %v\n", err)
		return exitFailure
	}
	srv := &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	// The sandbox's codes are not secrets: printing one is the point.
	fmt.Fprintf(e.stdout, "DFNS_API_URL=http://%s\n", ln.Addr())
	fmt.Fprintf(e.stdout, "DFNS_CODE=%s\n", string(sb.MintCode()))

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
