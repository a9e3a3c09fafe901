// Package browsertest drives the passkey example in a real headless
// Chromium (Debian's chromium-headless-shell or chromium) with a CDP virtual
// authenticator. It is a module of its own so that chromedp stays out of
// the library's go.mod. Run it with `make browser-test`; without a browser
// it skips, saying so, unless DFNS_BROWSER_REQUIRED=1.
package browsertest
