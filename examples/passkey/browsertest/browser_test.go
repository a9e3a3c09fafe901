package browsertest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// browserCandidates are the browser binaries tried, in order: the real
// binaries the packages install, never their /usr/bin shell wrappers,
// which do not exec (killing one can orphan the browser).
var browserCandidates = []string{
	"/usr/lib/chromium/chromium-headless-shell", // Debian chromium-headless-shell
	"/usr/lib/chromium/chrome-headless-shell",
	"/usr/lib/chromium/chromium", // Debian chromium
	"/opt/google/chrome/chrome",  // Google Chrome (GitHub's Ubuntu runners)
}

// Bounds of every wait.
const (
	startTimeout  = 30 * time.Second // the browser's start and first page
	actionTimeout = 20 * time.Second // one navigation or registration
)

// findBrowser returns $DFNS_BROWSER, or the first candidate installed.
func findBrowser() (string, error) {
	if p := os.Getenv("DFNS_BROWSER"); p != "" {
		return p, nil
	}
	for _, p := range browserCandidates {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found: apt-get install chromium-headless-shell (or set DFNS_BROWSER)")
}

// newBrowser starts a headless browser for the test and returns a tab's
// context; the browser stops when the test ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	bin, err := findBrowser()
	if err != nil {
		if os.Getenv("DFNS_BROWSER_REQUIRED") == "1" {
			t.Fatal(err)
		}
		t.Skip("SKIPPED, NOT PASSED: ", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WSURLReadTimeout(startTimeout),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Run starts the browser: bound it from outside, since a
	// timeout on its context would stop the browser with it.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting %s: %v", bin, err)
		}
	case <-time.After(startTimeout):
		t.Fatalf("%s did not start within %v", bin, startTimeout)
	}
	if _, err := call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// call runs one CDP command on the tab, bounded by actionTimeout.
func call[P, R any](ctx context.Context, c cdp.Command[P, R], p P) (R, error) {
	ctx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	return chromedp.Run(ctx, func(ctx context.Context, t *chromedp.Target) (R, error) { return cdp.Call(ctx, t, c, p) })
}

// navigate opens url in the tab and waits for it to load.
func navigate(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
}

// evaluate runs a JavaScript expression (a promise is awaited) and decodes
// its value into T, bounded by actionTimeout.
func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating in the page: %v", err)
	}
	return v
}

// authenticator adds a virtual authenticator to the tab (internal, CTAP2,
// resident keys, user verification, presence simulated), edited by edit,
// and removes it when the test ends.
func authenticator(t *testing.T, ctx context.Context, edit func(*webauthn.VirtualAuthenticatorOptions)) webauthn.AuthenticatorID {
	t.Helper()
	o := &webauthn.VirtualAuthenticatorOptions{
		Protocol:                    webauthn.AuthenticatorProtocolCtap2,
		Ctap2version:                webauthn.Ctap2versionCtap21,
		Transport:                   webauthn.AuthenticatorTransportInternal,
		HasResidentKey:              true,
		HasUserVerification:         true,
		IsUserVerified:              true,
		AutomaticPresenceSimulation: true,
	}
	if edit != nil {
		edit(o)
	}
	r, err := call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: o})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = call(ctx, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams(r))
	})
	return r.AuthenticatorID
}

// listenLocalhost listens on a free loopback port and returns the
// listener and the origin http://localhost:PORT, a secure context for
// WebAuthn.
func listenLocalhost(t *testing.T) (net.Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
}

// serve serves h on ln until the test ends.
func serve(t *testing.T, ln net.Listener, h http.Handler) {
	t.Helper()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// repoRoot is the root of the dfns-go module.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// build builds a command of the dfns-go module (e.g. "./cmd/dfns") into
// the test's temporary directory.
func build(t *testing.T, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), filepath.Base(pkg))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, pkg)
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// start runs a command until the test ends (then SIGINT, and a wait) and
// returns the first match of its standard output for re.
func start(t *testing.T, re *regexp.Regexp, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(actionTimeout):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(out)
		sent := false
		for lines.Scan() { // read all, so that the command never blocks
			if m := re.FindStringSubmatch(lines.Text()); m != nil && !sent {
				found <- m[len(m)-1]
				sent = true
			}
		}
		if !sent {
			close(found)
		}
	}()
	select {
	case s, ok := <-found:
		if !ok {
			t.Fatalf("%s exited without printing %s; stderr: %s", bin, re, stderr.String())
		}
		return s
	case <-time.After(startTimeout):
		t.Fatalf("%s printed no %s within %v", bin, re, startTimeout)
	}
	return ""
}
