package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfnsproxy"
)

const proxyHelp = `Forwards every request to the upstream (https, or http on loopback) and its
answer back unchanged, and checks the flow's requests and answers (POST
/auth/credentials/code/init, /verify and /code) against the spec: by default
what breaks the client's default validation, with --strict every rule, and
unknown properties as notes. Each violation is one log line on stderr
(method, path, status, direction, JSON pointer, rule; never a value) and is
listed in the answer's X-Dfns-Proxy-Violations header. An upstream that does
not answer gets the client a 502 in the Dfns error envelope.

It prints DFNS_API_URL=<its URL>: point the client there. --record DIR writes
each exchange, secrets redacted, as a JSON file that dfnsproxy.Replay serves
back in a test. SIGINT or SIGTERM stops it, with a summary line.`

func runProxy(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "proxy", "proxy --upstream URL [--addr 127.0.0.1:0] [--strict] [--record DIR] [--log-format text|json]", proxyHelp)
	upstream := fs.String("upstream", "", "base `URL` of the Dfns API to check (e.g. https://api.dfns.io)")
	addr := fs.String("addr", "127.0.0.1:0", "listen `address` (loopback unless told otherwise; port 0 picks a free port)")
	strict := fs.Bool("strict", false, "report every violation of the spec, and unknown properties as notes")
	record := fs.String("record", "", "write each exchange, redacted, as a JSON file in `DIR`")
	logFormat := fs.String("log-format", "text", "log lines as text or json")
	timeout := fs.Duration("timeout", dfnsproxy.DefaultTimeout, "bound of each exchange; an upstream slower than this gets a 502")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(e.stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(e.stderr, nil)
	default:
		fmt.Fprintf(e.stderr, "dfns proxy: --log-format %q: want text or json\n", *logFormat)
		return exitUsage
	}
	if *upstream == "" {
		fmt.Fprintln(e.stderr, "dfns proxy: --upstream is required (e.g. --upstream https://api.dfns.io)")
		return exitUsage
	}
	opts := []dfnsproxy.Option{dfnsproxy.WithLogger(slog.New(handler)), dfnsproxy.WithTimeout(*timeout)}
	if *strict {
		opts = append(opts, dfnsproxy.WithStrict())
	}
	if *record != "" {
		opts = append(opts, dfnsproxy.WithRecordDir(*record))
	}
	p, err := dfnsproxy.New(*upstream, opts...)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns proxy: %v\n", err)
		return exitUsage
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns proxy: %v\n", err)
		return exitFailure
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		fmt.Fprintf(e.stderr, "dfns proxy: listening on %s, beyond loopback: whoever reaches it reaches the upstream\n", ln.Addr())
	}
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       *timeout,
		WriteTimeout:      *timeout + 5*time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelDebug),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(e.stdout, "DFNS_API_URL=http://%s\n", ln.Addr())

	status := exitOK
	select {
	case err := <-served:
		fmt.Fprintf(e.stderr, "dfns proxy: %v\n", err)
		status = exitFailure
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			fmt.Fprintf(e.stderr, "dfns proxy: shutdown: %v\n", err)
			status = exitFailure
		} else if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(e.stderr, "dfns proxy: %v\n", err)
			status = exitFailure
		}
	}
	fmt.Fprintf(e.stderr, "dfns proxy: stopped: %v\n", p.Stats())
	return status
}
