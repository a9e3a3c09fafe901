package dfnsproxy_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/internal/specschema"
	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnsproxy"
)

// headerCapture keeps the ViolationsHeader of every answer a client gets.
type headerCapture struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	values []string
}

func (h *headerCapture) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.rt.RoundTrip(r)
	if resp != nil {
		h.mu.Lock()
		h.values = append(h.values, resp.Header.Values(dfnsproxy.ViolationsHeader)...)
		h.mu.Unlock()
	}
	return resp, err
}

// The deprecated kinds carry the password and the OTP code, secrets the
// proxy must keep out of its reports and recordings.
//
//lint:ignore SA1019 the deprecated kinds are tested for their secrets
var passwordKind, totpKind = dfns.CredentialKindPassword, dfns.CredentialKindTotp

// TestSecrets runs every secret of the flow through a strict, recording
// proxy (a mint with a bearer token, Key, Password and Totp registrations,
// faults that break answers, an upstream that echoes the code) and looks
// for them in its log, its headers, its recordings and its stats.
func TestSecrets(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t)
	dir := t.TempDir()
	r := newRig(t, sb.URL, dfnsproxy.WithStrict(), dfnsproxy.WithRecordDir(dir))
	capture := &headerCapture{rt: r.front.Client().Transport}
	c, err := dfns.New(dfns.WithBaseURL(r.front.URL), dfns.WithHTTPClient(&http.Client{Transport: capture}))
	if err != nil {
		t.Fatal(err)
	}
	const token, password, otp = "token-SECRET-bearer", "password-SECRET", "otp-SECRET-123456"
	secrets := []string{token, password, otp}

	minted, err := c.CreateCredentialCode(ctx, token, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := credential.RegisterKeyCredential(ctx, c, minted.Code, "laptop", credential.AlgorithmES256); err != nil {
		t.Fatal(err)
	}
	for kind, req := range map[dfns.CredentialKind]dfns.VerifyRequest{
		passwordKind: {Kind: passwordKind, Name: "p", Password: password},
		totpKind:     {Kind: totpKind, Name: "t", OtpCode: otp},
	} {
		code := sb.MintCode()
		secrets = append(secrets, string(code))
		ch, err := c.CreateCredentialChallengeWithCode(ctx, kind, code)
		if err != nil {
			t.Fatal(err)
		}
		req.ChallengeIdentifier = ch.ChallengeIdentifier()
		if _, err := c.CreateCredentialWithCode(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	var headers []string
	for _, fault := range []string{"truncate", "malformed", "no-temporary-token", "status=500"} {
		for _, kind := range []string{"Key", "Totp"} {
			code := sb.MintCode()
			secrets = append(secrets, string(code))
			a := r.post(t, specschema.InitPath, initBody(kind, code), map[string]string{"X-Dfns-Sandbox-Fault": fault})
			headers = append(headers, a.header.Values(dfnsproxy.ViolationsHeader)...)
		}
	}
	// A verify the sandbox refuses, with a live challenge identifier.
	code := sb.MintCode()
	secrets = append(secrets, string(code))
	ch, err := c.CreateCredentialChallengeWithCode(ctx, passwordKind, code)
	if err != nil {
		t.Fatal(err)
	}
	a := r.post(t, specschema.VerifyPath, `{"credentialKind":"Password","credentialName":"p","challengeIdentifier":"`+
		ch.ChallengeIdentifier()+`","credentialInfo":{"password":"`+password+`","extra":1}}`, nil)
	headers = append(headers, a.header.Values(dfnsproxy.ViolationsHeader)...)

	// An upstream that echoes the code in its message, details and headers.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Code string }
		_ = json.NewDecoder(r.Body).Decode(&req)
		w.Header().Set("X-Request-Id", "req-"+req.Code)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = fmt.Fprintf(w, `{"error":{"id":%q,"message":"code %s is bad","details":{"code":%q,"escaped":"\u%04x%s","lower":%q}}}`,
			req.Code, req.Code, req.Code, req.Code[0], req.Code[1:], strings.ToLower(req.Code))
	}))
	t.Cleanup(echo.Close)
	er := newRig(t, echo.URL, dfnsproxy.WithStrict(), dfnsproxy.WithRecordDir(dir))
	echoed := "ECH-OED-123"
	secrets = append(secrets, echoed)
	a = er.post(t, specschema.InitPath, initBody("Key", dfns.OneTimeCode(echoed)), nil)
	headers = append(headers, a.header.Values(dfnsproxy.ViolationsHeader)...)

	// The secrets the upstream sent: challenge identifiers, tokens, otpUrls,
	// the minted code; and the start of a challengeIdentifier cut short.
	for _, ans := range append(r.tap.answers, er.tap.answers...) {
		var m map[string]any
		if json.Unmarshal(ans.body, &m) == nil {
			for _, k := range []string{"challengeIdentifier", "temporaryAuthenticationToken", "otpUrl", "code"} {
				if s, ok := m[k].(string); ok && s != "" {
					secrets = append(secrets, s)
				}
			}
		} else if cut := regexp.MustCompile(`"(challengeIdentifier|temporaryAuthenticationToken|otpUrl)":"([^"]{8,})`).FindSubmatch(ans.body); cut != nil {
			secrets = append(secrets, string(cut[2]))
		}
	}
	r.front.Close()
	er.front.Close()

	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if st := r.proxy.Stats().Recorded + er.proxy.Stats().Recorded; len(files) != st || st < 17 {
		t.Fatalf("%d files, %d recorded", len(files), st)
	}
	surfaces := map[string]string{
		"log":           r.logs.String() + er.logs.String(),
		"headers":       strings.Join(append(headers, capture.values...), "\n"),
		"stats":         fmt.Sprintf("%v %+v %#v", r.proxy.Stats(), r.proxy.Stats(), er.proxy.Stats()),
		"recordings":    "",
		"file names":    strings.Join(files, "\n"),
		"LoadRecording": "",
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		surfaces["recordings"] += string(data)
	}
	exs, err := dfnsproxy.LoadRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	surfaces["LoadRecording"] = fmt.Sprintf("%+v", exs)
	if !strings.Contains(surfaces["recordings"], dfnsproxy.Redacted) || !strings.Contains(surfaces["log"], `"rule"`) ||
		len(headers) == 0 {
		t.Fatal("nothing was redacted, logged or reported: the test checks nothing")
	}
	for _, s := range secrets {
		for where, text := range surfaces {
			if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
				t.Errorf("a secret (%d bytes) appears in the %s", len(s), where)
			}
		}
	}
}

// TestReplay records a registration through the proxy and replays it to
// the client, without the sandbox.
func TestReplay(t *testing.T) {
	ctx := context.Background()
	sb := newSandbox(t)
	dir := t.TempDir()
	r := newRig(t, sb.URL, dfnsproxy.WithRecordDir(dir))
	c, err := dfns.New(dfns.WithBaseURL(r.front.URL), dfns.WithHTTPClient(r.front.Client()))
	if err != nil {
		t.Fatal(err)
	}
	cred, _, err := credential.RegisterKeyCredential(ctx, c, sb.MintCode(), "laptop", credential.AlgorithmES256)
	if err != nil {
		t.Fatal(err)
	}
	r.front.Close()

	exs, err := dfnsproxy.LoadRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) != 2 || exs[0].Path != specschema.InitPath || exs[1].Path != specschema.VerifyPath {
		t.Fatalf("%+v", exs)
	}
	srv := httptest.NewServer(dfnsproxy.Replay(exs))
	t.Cleanup(srv.Close)
	rc, err := dfns.New(dfns.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := rc.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, "ANY-COD-E00")
	if err != nil {
		t.Fatal(err)
	}
	key, ok := ch.(*dfns.KeyChallenge)
	if !ok || key.ChallengeIdentifier() != dfnsproxy.Redacted || key.Challenge == "" {
		t.Fatalf("replayed challenge %T %+v", ch, ch)
	}
	signer, err := credential.NewKey(credential.AlgorithmES256)
	if err != nil {
		t.Fatal(err)
	}
	att, err := credential.AttestKeyChallenge(key, signer)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rc.CreateCredentialWithCode(ctx, att.VerifyRequest("laptop"))
	if err != nil {
		t.Fatal(err)
	}
	if got.CredentialUUID != cred.CredentialUUID || got.PublicKey != cred.PublicKey {
		t.Errorf("replayed %+v, recorded %+v", got, cred)
	}
	_, err = rc.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, "ANY-COD-E00")
	var apiErr *dfns.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusNotFound || apiErr.ID != "replay_exhausted" {
		t.Errorf("a third request: %v", err)
	}
}
