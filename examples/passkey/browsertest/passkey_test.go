package browsertest

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/fxamacker/cbor/v2"

	"github.com/dfnskit/dfns-go/examples/passkey/app"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// result is what the page's registerPasskey gave: the credential Dfns
// registered, or the error, with the browser's answer as sent to finish.
type result struct {
	OK      bool            `json:"ok"`
	Name    string          `json:"name"`    // a DOMException's name, when create failed
	Message string          `json:"message"` // the error's message
	Status  int             `json:"status"`  // the backend's HTTP status
	Answer  *errorAnswer    `json:"answer"`  // the backend's error answer
	Cred    dfns.Credential `json:"cred"`
	Sent    *struct {
		Response struct {
			ClientDataJSON    string `json:"clientDataJSON"`
			AttestationObject string `json:"attestationObject"`
		} `json:"response"`
	} `json:"sent"`
}

type errorAnswer struct {
	Error   string `json:"error"`
	ID      string `json:"id"`
	Details []struct {
		Pointer string `json:"pointer"`
		Rule    string `json:"rule"`
	} `json:"details"`
}

// register runs the page's registerPasskey with the given JavaScript
// options (an object literal's members: tweakOptions, tweakResponse,
// fallback) and returns what came of it.
func register(t *testing.T, ctx context.Context, jsOptions string) result {
	t.Helper()
	js := `(async () => {
		let sent = null;
		const opts = {` + jsOptions + `};
		const tweak = opts.tweakResponse || ((r) => r);
		try {
			const cred = await passkeyExample.registerPasskey({
				...opts, name: 'browser test', tweakResponse: (r) => { sent = tweak(r); return sent; },
			});
			return { ok: true, cred, sent };
		} catch (e) {
			return { ok: false, name: e.name, message: e.message, status: e.status || 0, answer: e.answer || null, sent };
		}
	})()`
	return evaluate[result](t, ctx, js)
}

// wantRegistered fails unless r is a registration on origin.
func wantRegistered(t *testing.T, r result, origin string) {
	t.Helper()
	if !r.OK {
		t.Fatalf("refused: %s %s (HTTP %d) %+v", r.Name, r.Message, r.Status, r.Answer)
	}
	if r.Cred.Kind != dfns.CredentialKindFido2 || r.Cred.Origin != origin || r.Cred.RelyingPartyID != "localhost" || r.Cred.CredentialID == "" {
		t.Errorf("credential %+v", r.Cred)
	}
}

// wantRefused fails unless the sandbox refused r with attestation_invalid
// and rule.
func wantRefused(t *testing.T, r result, rule string) {
	t.Helper()
	if r.OK {
		t.Fatalf("registered %+v; want a refusal (%s)", r.Cred, rule)
	}
	if r.Status != http.StatusBadRequest || r.Answer == nil || r.Answer.ID != "attestation_invalid" ||
		len(r.Answer.Details) == 0 || r.Answer.Details[0].Rule != rule {
		t.Fatalf("refused with %s %s (HTTP %d) %+v; want attestation_invalid, rule %s", r.Name, r.Message, r.Status, r.Answer, rule)
	}
}

// wantBrowserRefused fails unless navigator.credentials.create failed
// (a DOMException such as NotAllowedError), before any call to Dfns.
func wantBrowserRefused(t *testing.T, r result, why string) {
	t.Helper()
	if r.OK || r.Status != 0 || !strings.HasSuffix(r.Name, "Error") || r.Name == "Error" {
		t.Fatalf("want the browser to refuse (%s), got %+v", why, r)
	}
	t.Logf("the browser refused: %s: %s", r.Name, r.Message)
}

// attestationFormat reads fmt from the attestation object the browser sent.
func attestationFormat(t *testing.T, r result) string {
	t.Helper()
	if r.Sent == nil {
		t.Fatal("nothing sent")
	}
	raw, err := base64.RawURLEncoding.DecodeString(r.Sent.Response.AttestationObject)
	if err != nil {
		t.Fatal(err)
	}
	var obj struct {
		Fmt string `cbor:"fmt"`
	}
	if err := cbor.Unmarshal(raw, &obj); err != nil {
		t.Fatal(err)
	}
	return obj.Fmt
}

// offerOnly is a tweakOptions that offers one algorithm.
func offerOnly(alg int) string {
	return fmt.Sprintf(`tweakOptions: (o) => ({ ...o, pubKeyCredParams: [{ type: 'public-key', alg: %d }] })`, alg)
}

// TestPasskeyExample drives the example's page in Chromium against the
// example's backend and an embedded sandbox for its origin.
func TestPasskeyExample(t *testing.T) {
	ctx := newBrowser(t)
	ln, origin := listenLocalhost(t)
	sb := dfnstest.NewServer(
		dfnstest.WithRelyingParty(dfns.RelyingParty{ID: "localhost", Name: "Browser test"}),
		dfnstest.WithOrigins(origin),
	)
	t.Cleanup(sb.Close)
	client, err := dfns.New(dfns.WithBaseURL(sb.URL), dfns.WithHTTPClient(sb.Client()), dfns.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	user := dfns.User{ID: "us-browsertestbrowser", Name: "browser@example.com", DisplayName: "Browser"}
	serve(t, ln, app.New(app.Config{Client: client, MintCode: func() dfns.OneTimeCode { return sb.MintCode(dfnstest.ForUser(user)) }}))
	navigate(t, ctx, origin+"/")

	lastKey := func(t *testing.T) any {
		t.Helper()
		creds := sb.Credentials()
		if len(creds) == 0 {
			t.Fatal("the sandbox registered nothing")
		}
		return creds[len(creds)-1].Key
	}

	t.Run("ES256, direct attestation, resident key and user verification required", func(t *testing.T) {
		id := authenticator(t, ctx, nil)
		r := register(t, ctx, ``)
		wantRegistered(t, r, origin)
		if f := attestationFormat(t, r); f != "packed" {
			t.Errorf("attestation format %q, want packed (attestation direct)", f)
		}
		if _, ok := lastKey(t).(*ecdsa.PublicKey); !ok {
			t.Errorf("key %T, want ECDSA", lastKey(t))
		}
		creds, err := call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
		if err != nil {
			t.Fatal(err)
		}
		if len(creds.Credentials) != 1 || !creds.Credentials[0].IsResidentCredential {
			t.Errorf("authenticator credentials %+v, want one resident credential", creds.Credentials)
		}
	})
	t.Run("RS256", func(t *testing.T) {
		authenticator(t, ctx, nil)
		wantRegistered(t, register(t, ctx, offerOnly(-257)), origin)
		if _, ok := lastKey(t).(*rsa.PublicKey); !ok {
			t.Errorf("key %T, want RSA", lastKey(t))
		}
	})
	t.Run("EdDSA, which the Fido2 challenge does not offer, is refused", func(t *testing.T) {
		authenticator(t, ctx, nil)
		r := register(t, ctx, offerOnly(-8))
		wantRefused(t, r, "publicKey")
		if _, ok := lastKey(t).(ed25519.PublicKey); ok {
			t.Error("an Ed25519 key was registered")
		}
	})
	t.Run("attestation none", func(t *testing.T) {
		authenticator(t, ctx, nil)
		r := register(t, ctx, `tweakOptions: (o) => ({ ...o, attestation: 'none' })`)
		wantRegistered(t, r, origin)
		if f := attestationFormat(t, r); f != "none" {
			t.Errorf("attestation format %q, want none", f)
		}
	})
	t.Run("without the WebAuthn Level 3 JSON helpers", func(t *testing.T) {
		authenticator(t, ctx, nil)
		wantRegistered(t, register(t, ctx, `fallback: true`), origin)
	})
	t.Run("an authenticator without resident keys cannot answer", func(t *testing.T) {
		authenticator(t, ctx, func(o *webauthn.VirtualAuthenticatorOptions) { o.HasResidentKey = false })
		r := register(t, ctx, ``)
		wantBrowserRefused(t, r, "residentKey required")
	})
	t.Run("an authenticator without user verification cannot answer", func(t *testing.T) {
		authenticator(t, ctx, func(o *webauthn.VirtualAuthenticatorOptions) { o.HasUserVerification = false; o.IsUserVerified = false })
		r := register(t, ctx, ``)
		wantBrowserRefused(t, r, "userVerification required")
	})
	t.Run("tampered clientDataJSON is refused", func(t *testing.T) {
		authenticator(t, ctx, nil)
		r := register(t, ctx, `tweakResponse: (r) => {
			const cd = JSON.parse(new TextDecoder().decode(passkeyExample.b64uToBytes(r.response.clientDataJSON)));
			cd.tampered = true;
			return { ...r, response: { ...r.response, clientDataJSON: passkeyExample.bytesToB64u(new TextEncoder().encode(JSON.stringify(cd))) } };
		}`)
		wantRefused(t, r, "signature")
	})
	t.Run("user verification cleared is refused", func(t *testing.T) {
		id := authenticator(t, ctx, nil)
		if _, err := call(ctx, webauthn.SetResponseOverrideBits, webauthn.SetResponseOverrideBitsParams{AuthenticatorID: id, IsBadUV: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		wantRefused(t, register(t, ctx, ``), "userVerification")
	})
	t.Run("user presence cleared is refused", func(t *testing.T) {
		id := authenticator(t, ctx, nil)
		if _, err := call(ctx, webauthn.SetResponseOverrideBits, webauthn.SetResponseOverrideBitsParams{AuthenticatorID: id, IsBadUP: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		wantRefused(t, register(t, ctx, ``), "userPresence")
	})
	t.Run("the same authenticator twice registers two credentials", func(t *testing.T) {
		// As documented in dfnstest: excludeCredentials lists the
		// user's credentials by their Dfns ids (cr-…), which name no
		// authenticator credential, so the browser does not exclude the
		// first and the sandbox registers a second.
		authenticator(t, ctx, nil)
		first := register(t, ctx, ``)
		wantRegistered(t, first, origin)
		second := register(t, ctx, ``)
		wantRegistered(t, second, origin)
		if first.Cred.CredentialID == second.Cred.CredentialID || first.Cred.CredentialUUID == second.Cred.CredentialUUID {
			t.Errorf("one credential twice: %+v", second.Cred)
		}
	})
}

// TestSandboxCommandServesAPage is the README's promise: a page on
// http://localhost:PORT, served by code of one's own, registers a passkey
// against `dfns sandbox --rp-id localhost --origin http://localhost:PORT
// --cors http://localhost:PORT`, calling the sandbox itself (CORS).
func TestSandboxCommandServesAPage(t *testing.T) {
	ctx := newBrowser(t)
	ln, origin := listenLocalhost(t)
	mux := http.NewServeMux()
	mux.Handle("GET /passkey.js", http.FileServerFS(os.DirFS("../app/static")))
	mux.Handle("GET /direct.html", http.FileServerFS(os.DirFS("testdata")))
	serve(t, ln, mux)

	api := start(t, regexp.MustCompile(`^DFNS_API_URL=(.+)$`), build(t, "./cmd/dfns"), "sandbox", "--addr", "127.0.0.1:0",
		"--rp-id", "localhost", "--origin", origin, "--cors", origin)
	authenticator(t, ctx, nil)
	navigate(t, ctx, origin+"/direct.html")
	js := `registerDirect(` + mustJSON(t, api) + `).then((cred) => ({ ok: true, cred }), (e) => ({ ok: false, message: String(e), status: e.status || 0, answer: e.answer || null }))`
	r := evaluate[result](t, ctx, js)
	wantRegistered(t, r, origin)
}

// TestExampleCommand: `go run ./examples/passkey` with no flag but a free
// port, then a registration in the browser at the URL it prints.
func TestExampleCommand(t *testing.T) {
	ctx := newBrowser(t)
	url := start(t, regexp.MustCompile(`^Open (http://localhost:\d+) `), build(t, "./examples/passkey"), "-addr", "127.0.0.1:0")
	authenticator(t, ctx, nil)
	navigate(t, ctx, url+"/")
	t.Run("the page's button", func(t *testing.T) {
		actx, cancel := context.WithTimeout(ctx, actionTimeout)
		defer cancel()
		if err := chromedp.Do(actx,
			chromedp.Click(chromedp.CSS("#submit")),
			chromedp.WaitVisible(chromedp.CSS("#status.ok, #status.error")),
		); err != nil {
			t.Fatal(err)
		}
		status, err := chromedp.Run(actx, chromedp.Text(chromedp.CSS("#status")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(status, `Registered "My passkey" (cr-`) || !strings.HasSuffix(status, "created on "+url+".") {
			t.Errorf("the page says %q", status)
		}
		if shot := os.Getenv("DFNS_BROWSER_SCREENSHOT"); shot != "" { // to look at the page
			png, err := chromedp.Run(actx, chromedp.CaptureScreenshot())
			if err == nil {
				err = os.WriteFile(shot, png, 0o644)
			}
			if err != nil {
				t.Error(err)
			}
		}
	})
	t.Run("the page's JavaScript", func(t *testing.T) {
		wantRegistered(t, register(t, ctx, ``), url)
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }
