// Command passkey is an example web app: a Go backend and a small page that
// register a passkey (a Fido2 credential) with a Dfns one-time code.
//
//	go run ./examples/passkey
//
// starts it on http://localhost:8080 against an embedded sandbox configured
// for that origin (rp id localhost): open the URL it prints in a desktop
// browser with a platform authenticator or a security key, and press the
// button. With -dfns-url https://api.dfns.io it talks to Dfns instead: paste
// a code minted for you, and serve the page from an origin your
// organisation's passkey settings allow.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dfnskit/dfns-go/examples/passkey/app"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen `address` (port 0 picks a free port)")
	dfnsURL := flag.String("dfns-url", "", "base `URL` of Dfns (e.g. https://api.dfns.io); default: an embedded sandbox")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *dfnsURL); err != nil {
		fmt.Fprintln(os.Stderr, "passkey:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr, dfnsURL string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("%w (another program on that port? try -addr 127.0.0.1:0)", err)
	}
	// A page on http://localhost:PORT is a secure context for WebAuthn,
	// and localhost is a valid rp id for it.
	origin := fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	cfg := app.Config{Log: log}
	opts := []dfns.Option{dfns.WithUserAgent("dfns-go-passkey-example")}
	if dfnsURL != "" {
		opts = append(opts, dfns.WithBaseURL(dfnsURL))
	} else {
		sb := dfnstest.NewServer(
			dfnstest.WithRelyingParty(dfns.RelyingParty{ID: "localhost", Name: "Passkey example"}),
			dfnstest.WithOrigins(origin),
		)
		defer sb.Close()
		// One demo user for every code, so that a second passkey finds
		// the first in its excludeCredentials.
		user := dfns.User{ID: "us-passkeyexample0001", Name: "demo@example.com", DisplayName: "Demo user"}
		cfg.MintCode = func() dfns.OneTimeCode { return sb.MintCode(dfnstest.ForUser(user)) }
		opts = append(opts, dfns.WithBaseURL(sb.URL), dfns.WithHTTPClient(sb.Client()))
	}
	if cfg.Client, err = dfns.New(opts...); err != nil {
		ln.Close()
		return err
	}

	srv := &http.Server{Handler: app.New(cfg), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	api := "an embedded sandbox (rp id localhost)"
	if dfnsURL != "" {
		api = dfnsURL
	}
	fmt.Printf("Open %s in a browser to register a passkey (against %s). Ctrl-C stops.\n", origin, api)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
