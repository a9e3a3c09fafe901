//lint:file-ignore SA1019 the tests cover the deprecated kinds too.

package dfns_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

const (
	verifyPath = "/auth/credentials/code/verify"
	mintPath   = "/auth/credentials/code"
	// testIdentifier is the challengeIdentifier of the tests: like the
	// code, its bytes must never reach an error.
	testIdentifier = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJjaC10ZXN0In0.c2lnbmF0dXJlLW9mLXRoZS10ZXN0"
)

// credentialJSON is a valid credential answer.
const credentialJSON = `{"kind":"Key","credentialId":"Y3JlZC1pZA","credentialUuid":"cr-6uunn-bm6ja-f6rmod5kqrk5rbel",
"dateCreated":"2026-11-24T12:00:00.123Z","isActive":true,"name":"laptop",
"publicKey":"-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----","relyingPartyId":"app.example.com","origin":"https://app.example.com"}`

var testInfo = dfns.CredentialInfo{CredID: "Y3JlZC1pZA", ClientData: "Y2xpZW50", AttestationData: "YXR0ZXN0"}

// keyRequest is a valid Key request.
func keyRequest() dfns.VerifyRequest {
	return dfns.VerifyRequest{Kind: dfns.CredentialKindKey, Name: "laptop", ChallengeIdentifier: testIdentifier, CredentialInfo: testInfo}
}

// TestVerifyRequestOnTheWire pins the bytes of each variant: the generated
// models' field order, and absent optional fields absent (never null or "").
func TestVerifyRequestOnTheWire(t *testing.T) {
	const info = `"credentialInfo":{"attestationData":"YXR0ZXN0","clientData":"Y2xpZW50","credId":"Y3JlZC1pZA"}`
	const head = `{"challengeIdentifier":"` + testIdentifier + `",`
	with := func(f func(*dfns.VerifyRequest)) dfns.VerifyRequest { r := keyRequest(); f(&r); return r }
	tests := []struct {
		name string
		req  dfns.VerifyRequest
		want string
	}{
		{"Key", keyRequest(), head + info + `,"credentialKind":"Key","credentialName":"laptop"}`},
		{"Fido2", with(func(r *dfns.VerifyRequest) { r.Kind = dfns.CredentialKindFido2 }),
			head + info + `,"credentialKind":"Fido2","credentialName":"laptop"}`},
		{"PasswordProtectedKey", with(func(r *dfns.VerifyRequest) {
			r.Kind, r.EncryptedPrivateKey = dfns.CredentialKindPasswordProtectedKey, "ZXBr"
		}), head + info + `,"credentialKind":"PasswordProtectedKey","credentialName":"laptop","encryptedPrivateKey":"ZXBr"}`},
		{"RecoveryKey with encryptedPrivateKey", with(func(r *dfns.VerifyRequest) {
			r.Kind, r.EncryptedPrivateKey = dfns.CredentialKindRecoveryKey, "ZXBr"
		}), head + info + `,"credentialKind":"RecoveryKey","credentialName":"laptop","encryptedPrivateKey":"ZXBr"}`},
		{"RecoveryKey without encryptedPrivateKey", with(func(r *dfns.VerifyRequest) { r.Kind = dfns.CredentialKindRecoveryKey }),
			head + info + `,"credentialKind":"RecoveryKey","credentialName":"laptop"}`},
		{"Password", dfns.VerifyRequest{Kind: dfns.CredentialKindPassword, Name: "pw", ChallengeIdentifier: testIdentifier, Password: "s3cret"},
			head + `"credentialInfo":{"password":"s3cret"},"credentialKind":"Password","credentialName":"pw"}`},
		{"Totp", dfns.VerifyRequest{Kind: dfns.CredentialKindTotp, Name: "otp", ChallengeIdentifier: testIdentifier, OtpCode: "123456"},
			head + `"credentialInfo":{"otpCode":"123456"},"credentialKind":"Totp","credentialName":"otp"}`},
		{"HTML characters are escaped", with(func(r *dfns.VerifyRequest) { r.Name = "<me & you>" }),
			head + info + `,"credentialKind":"Key","credentialName":"\u003cme \u0026 you\u003e"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := make(chan recordedRequest, 1)
			f := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				seen <- recordedRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body}
				replyJSON([]byte(credentialJSON))(w, r)
			})
			if _, err := newTestClient(t, f.URL).CreateCredentialWithCode(context.Background(), tt.req); err != nil {
				t.Fatal(err)
			}
			got := <-seen
			if string(got.body) != tt.want {
				t.Errorf("body\n got %s\nwant %s", got.body, tt.want)
			}
			if got.method != http.MethodPost || got.path != verifyPath || got.rawQuery != "" {
				t.Errorf("%s %s?%s", got.method, got.path, got.rawQuery)
			}
			if got.header.Get("Content-Type") != "application/json" || got.header.Get("Authorization") != "" ||
				!strings.HasPrefix(got.header.Get("User-Agent"), "dfns-go/") || got.header.Get("X-Dfns-Sdk-Version") == "" {
				t.Errorf("headers %v", got.header)
			}
		})
	}
}

// TestValidateVerifyRequest: every rule, checked before any I/O, and no
// error holds a value.
func TestValidateVerifyRequest(t *testing.T) {
	with := func(f func(*dfns.VerifyRequest)) dfns.VerifyRequest { r := keyRequest(); f(&r); return r }
	tests := []struct {
		name       string
		req        dfns.VerifyRequest
		path, rule string
	}{
		{"unknown kind", with(func(r *dfns.VerifyRequest) { r.Kind = "Passkey" }), "/credentialKind", dfns.RuleEnum},
		{"no kind", with(func(r *dfns.VerifyRequest) { r.Kind = "" }), "/credentialKind", dfns.RuleEnum},
		{"no name", with(func(r *dfns.VerifyRequest) { r.Name = "" }), "/credentialName", dfns.RuleMinLength},
		{"no identifier", with(func(r *dfns.VerifyRequest) { r.ChallengeIdentifier = "" }), "/challengeIdentifier", dfns.RuleMinLength},
		{"no credId", with(func(r *dfns.VerifyRequest) { r.CredentialInfo.CredID = "" }), "/credentialInfo/credId", dfns.RuleMinLength},
		{"no clientData", with(func(r *dfns.VerifyRequest) { r.CredentialInfo.ClientData = "" }), "/credentialInfo/clientData", dfns.RuleMinLength},
		{"no attestationData", with(func(r *dfns.VerifyRequest) { r.CredentialInfo.AttestationData = "" }), "/credentialInfo/attestationData", dfns.RuleMinLength},
		{"Fido2 without credentialInfo", with(func(r *dfns.VerifyRequest) {
			r.Kind, r.CredentialInfo = dfns.CredentialKindFido2, dfns.CredentialInfo{}
		}), "/credentialInfo/attestationData", dfns.RuleMinLength}, // kin-openapi checks properties in name order
		{"PasswordProtectedKey without encryptedPrivateKey", with(func(r *dfns.VerifyRequest) { r.Kind = dfns.CredentialKindPasswordProtectedKey }),
			"/encryptedPrivateKey", dfns.RuleMinLength},
		{"Key with encryptedPrivateKey", with(func(r *dfns.VerifyRequest) { r.EncryptedPrivateKey = "eA" }),
			"/encryptedPrivateKey", dfns.RuleAdditionalProperties},
		{"Key with a password", with(func(r *dfns.VerifyRequest) { r.Password = "pw" }), "/credentialInfo/password", dfns.RuleAdditionalProperties},
		{"Key with an OTP code", with(func(r *dfns.VerifyRequest) { r.OtpCode = "1" }), "/credentialInfo/otpCode", dfns.RuleAdditionalProperties},
		{"Password without password", with(func(r *dfns.VerifyRequest) {
			r.Kind, r.CredentialInfo = dfns.CredentialKindPassword, dfns.CredentialInfo{}
		}), "/credentialInfo/password", dfns.RuleMinLength},
		{"Password with credentialInfo", with(func(r *dfns.VerifyRequest) { r.Kind, r.Password = dfns.CredentialKindPassword, "pw" }),
			"/credentialInfo", dfns.RuleAdditionalProperties},
		{"Totp without OTP code", with(func(r *dfns.VerifyRequest) {
			r.Kind, r.CredentialInfo = dfns.CredentialKindTotp, dfns.CredentialInfo{}
		}), "/credentialInfo/otpCode", dfns.RuleMinLength},
		{"Totp with a password", dfns.VerifyRequest{Kind: dfns.CredentialKindTotp, Name: "n", ChallengeIdentifier: testIdentifier, OtpCode: "1", Password: "pw"},
			"/credentialInfo/password", dfns.RuleAdditionalProperties},
	}
	f := newFakeDfns(t, replyJSON([]byte(credentialJSON)))
	c := newTestClient(t, f.URL)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := dfns.ValidateVerifyRequest(tt.req)
			var ve *dfns.ValidationError
			if !errors.As(err, &ve) || ve.In != "request" || ve.Path != tt.path || ve.Rule != tt.rule {
				t.Fatalf("ValidateVerifyRequest = %v, want request %s %s", err, tt.path, tt.rule)
			}
			_, cerr := c.CreateCredentialWithCode(context.Background(), tt.req)
			if !errors.As(cerr, &ve) {
				t.Errorf("CreateCredentialWithCode = %v", cerr)
			}
			for _, secret := range []string{testIdentifier, "pw", testInfo.AttestationData} {
				if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), secret) {
					t.Errorf("the error holds %q: %v", secret, err)
				}
			}
		})
	}
	if f.hits.Load() != 0 {
		t.Errorf("%d requests sent for invalid input", f.hits.Load())
	}
	for _, kind := range dfns.CredentialKinds() {
		r := keyRequest()
		r.Kind = kind
		switch kind {
		case dfns.CredentialKindPassword:
			r.CredentialInfo, r.Password = dfns.CredentialInfo{}, "pw"
		case dfns.CredentialKindTotp:
			r.CredentialInfo, r.OtpCode = dfns.CredentialInfo{}, "1"
		case dfns.CredentialKindPasswordProtectedKey:
			r.EncryptedPrivateKey = "eA"
		}
		if err := dfns.ValidateVerifyRequest(r); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
}

// TestVerifyRequestPrintsRedacted: the challengeIdentifier, password and
// OTP code never print.
func TestVerifyRequestPrintsRedacted(t *testing.T) {
	r := keyRequest()
	p := dfns.VerifyRequest{Kind: dfns.CredentialKindPassword, Name: "n", ChallengeIdentifier: testIdentifier, Password: "pa55word"}
	o := dfns.VerifyRequest{Kind: dfns.CredentialKindTotp, Name: "n", ChallengeIdentifier: testIdentifier, OtpCode: "987654"}
	var out bytes.Buffer
	for _, req := range []dfns.VerifyRequest{r, p, o} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			fmt.Fprintf(&out, verb+"\n", req)
		}
		fmt.Fprintln(&out, req.String())
		fmt.Fprintf(&out, "%v\n", struct{ R dfns.VerifyRequest }{req})
		slog.New(slog.NewTextHandler(&out, nil)).Info("verify", "req", req)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("verify", "req", req)
	}
	for _, secret := range []string{testIdentifier, "pa55word", "987654"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("%q printed:\n%s", secret, out.String())
		}
	}
	if !strings.Contains(out.String(), testInfo.CredID) || !strings.Contains(out.String(), "laptop") {
		t.Errorf("the non-secret fields are missing:\n%s", out.String())
	}
}

// TestParseCredential covers both validation modes.
func TestParseCredential(t *testing.T) {
	cred, err := dfns.ParseCredentialStrict([]byte(credentialJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := dfns.Credential{
		Kind: dfns.CredentialKindKey, CredentialID: "Y3JlZC1pZA", CredentialUUID: "cr-6uunn-bm6ja-f6rmod5kqrk5rbel",
		DateCreated: time.Date(2026, 11, 24, 12, 0, 0, 123e6, time.UTC), IsActive: true, Name: "laptop",
		PublicKey: "-----BEGIN PUBLIC KEY-----\nMFk=\n-----END PUBLIC KEY-----", RelyingPartyID: "app.example.com", Origin: "https://app.example.com",
	}
	if *cred != want {
		t.Errorf("got %+v\nwant %+v", *cred, want)
	}
	edit := func(f func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal([]byte(credentialJSON), &m); err != nil {
			t.Fatal(err)
		}
		f(m)
		b, _ := json.Marshal(m)
		return b
	}
	tests := []struct {
		name               string
		body               []byte
		defaultErr, strict string // "path rule", "" for success
		defaultKind        dfns.CredentialKind
	}{
		{"minimal", []byte(`{"kind":"Key","credentialId":"a","credentialUuid":"b"}`), "", "/dateCreated required", dfns.CredentialKindKey},
		{"unknown kind", edit(func(m map[string]any) { m["kind"] = "Passkey2" }), "", "/kind enum", "Passkey2"},
		{"no kind", edit(func(m map[string]any) { delete(m, "kind") }), "/kind required", "/kind required", ""},
		{"no credentialUuid", edit(func(m map[string]any) { delete(m, "credentialUuid") }), "/credentialUuid required", "/credentialUuid required", ""},
		{"dateCreated not a date", edit(func(m map[string]any) { m["dateCreated"] = "yesterday" }), "/dateCreated format", "/dateCreated format", ""},
		{"isActive a string", edit(func(m map[string]any) { m["isActive"] = "true" }), "/isActive type", "/isActive type", ""},
		{"no origin", edit(func(m map[string]any) { delete(m, "origin") }), "", "/origin required", dfns.CredentialKindKey},
		{"extra field", edit(func(m map[string]any) { m["new"] = 1 }), "", "", dfns.CredentialKindKey},
		{"an array", []byte(`[]`), " type", " type", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []struct {
				parse func([]byte) (*dfns.Credential, error)
				want  string
			}{{dfns.ParseCredential, tt.defaultErr}, {dfns.ParseCredentialStrict, tt.strict}} {
				c, err := mode.parse(tt.body)
				if mode.want == "" {
					if err != nil {
						t.Errorf("%v", err)
					} else if tt.defaultKind != "" && c.Kind != tt.defaultKind {
						t.Errorf("kind %q", c.Kind)
					}
					continue
				}
				var ve *dfns.ValidationError
				if !errors.As(err, &ve) || ve.In != "response" || ve.Path+" "+ve.Rule != mode.want {
					t.Errorf("error %v, want %s", err, mode.want)
				}
			}
		})
	}
	var de *dfns.DecodeError
	if _, err := dfns.ParseCredential([]byte(`{"kind":`)); !errors.As(err, &de) {
		t.Errorf("malformed: %v", err)
	}
}

// TestVerifyRetries: verify follows init's policy: 429 and 503 are retried
// (refused without processing), 500 and a reset are not.
func TestVerifyRetries(t *testing.T) {
	fast := dfns.DefaultRetryPolicy()
	fast.Sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	for _, tt := range []struct {
		name     string
		first    int
		wantHits int64
		wantOK   bool
	}{
		{"503 then 200", http.StatusServiceUnavailable, 2, true},
		{"429 then 200", http.StatusTooManyRequests, 2, true},
		{"500 is not retried", http.StatusInternalServerError, 1, false},
		{"502 is not retried", http.StatusBadGateway, 1, false},
		{"401 is not retried", http.StatusUnauthorized, 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int64
			f := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 {
					replyWith(tt.first, "application/json", []byte(`{"error":{"message":"no"}}`))(w, r)
					return
				}
				replyJSON([]byte(credentialJSON))(w, r)
			})
			c := newTestClient(t, f.URL, dfns.WithRetryPolicy(fast))
			cred, err := c.CreateCredentialWithCode(context.Background(), keyRequest())
			if (err == nil) != tt.wantOK || f.hits.Load() != tt.wantHits {
				t.Fatalf("err %v after %d requests; want ok=%v after %d", err, f.hits.Load(), tt.wantOK, tt.wantHits)
			}
			if tt.wantOK && cred.CredentialUUID == "" {
				t.Error("no credential")
			}
		})
	}
	t.Run("reset after the request is not retried", func(t *testing.T) {
		f := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.ReadAll(r.Body)
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		})
		_, err := newTestClient(t, f.URL, dfns.WithRetryPolicy(fast)).CreateCredentialWithCode(context.Background(), keyRequest())
		if err == nil || f.hits.Load() != 1 {
			t.Fatalf("err %v after %d requests", err, f.hits.Load())
		}
	})
}

// TestVerifyErrorsScrubbed: a server that echoes the challengeIdentifier or
// the password gets them redacted from every error.
func TestVerifyErrorsScrubbed(t *testing.T) {
	reqs := []dfns.VerifyRequest{
		keyRequest(),
		{Kind: dfns.CredentialKindPassword, Name: "n", ChallengeIdentifier: testIdentifier, Password: "pa55word"},
	}
	echo := testIdentifier + " pa55word"
	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"400 envelope", replyWith(400, "application/json", []byte(`{"error":{"id":"`+echo+`","message":"bad `+echo+`","details":{"x":"`+echo+`"}}}`))},
		{"200 not JSON", replyWith(200, "text/html", []byte("<p>"+echo+"</p>"))},
		{"200 malformed", replyWith(200, "application/json", []byte(`{"kind":"`+echo))},
		{"request id", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", echo)
			replyWith(500, "", nil)(w, r)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeDfns(t, tt.handler)
			for _, req := range reqs {
				_, err := newTestClient(t, f.URL).CreateCredentialWithCode(context.Background(), req)
				if err == nil {
					t.Fatal("no error")
				}
				var ae *dfns.APIError
				text := fmt.Sprintf("%v %+v %#v", err, err, err)
				if errors.As(err, &ae) {
					text += ae.Message + ae.ID + string(ae.Details) + ae.RequestID
				}
				for _, s := range []string{testIdentifier, "pa55word"} {
					if req.Password == "" && s == "pa55word" {
						continue // not a secret of this request
					}
					if strings.Contains(text, s) {
						t.Errorf("%q in %s", s, text)
					}
				}
			}
		})
	}
}

// TestVerifyAgainstSandbox: the sandbox's answer passes strict validation,
// and a used challenge is ErrUnauthorized.
func TestVerifyAgainstSandbox(t *testing.T) {
	srv := dfnstest.NewServer()
	defer srv.Close()
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	ch, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindPassword, srv.MintCode())
	if err != nil {
		t.Fatal(err)
	}
	req := dfns.VerifyRequest{Kind: dfns.CredentialKindPassword, Name: "pw", ChallengeIdentifier: ch.ChallengeIdentifier(), Password: "pw"}
	cred, err := c.CreateCredentialWithCode(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if cred.Kind != dfns.CredentialKindPassword || cred.Name != "pw" || cred.DateCreated.IsZero() {
		t.Errorf("%+v", cred)
	}
	if _, err := c.CreateCredentialWithCode(context.Background(), req); !errors.Is(err, dfns.ErrUnauthorized) {
		t.Errorf("replay: %v", err)
	}
}

// TestCreateCredentialCode mints through the client and redeems the code.
func TestCreateCredentialCode(t *testing.T) {
	srv := dfnstest.NewServer()
	defer srv.Close()
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithStrictValidation())
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(30 * time.Second)
	code, err := c.CreateCredentialCode(context.Background(), "api-token", exp)
	if err != nil {
		t.Fatal(err)
	}
	if code.Code.IsZero() || !code.Expiration.Equal(exp.Truncate(time.Millisecond)) {
		t.Errorf("code expires %v, asked %v", code.Expiration, exp)
	}
	if _, err := c.CreateCredentialChallengeWithCode(context.Background(), dfns.CredentialKindKey, code.Code); err != nil {
		t.Errorf("redeeming the minted code: %v", err)
	}
	last := srv.Requests()
	if h := last[len(last)-2].Header.Get("Authorization"); h != dfnstest.Redacted {
		t.Errorf("Authorization recorded as %q", h)
	}
	if _, err := c.CreateCredentialCode(context.Background(), "", exp); err == nil {
		t.Error("no token accepted")
	}
	var ve *dfns.ValidationError
	if _, err := c.CreateCredentialCode(context.Background(), "t", time.Time{}); !errors.As(err, &ve) || ve.Path != "/expiration" {
		t.Errorf("zero expiration: %v", err)
	}
	if _, err := c.CreateCredentialCode(context.Background(), "t", time.Now().Add(-time.Minute)); !errors.Is(err, dfns.ErrBadRequest) {
		t.Errorf("past expiration: %v", err)
	}

	t.Run("wire and secrets", func(t *testing.T) {
		seen := make(chan recordedRequest, 1)
		f := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			seen <- recordedRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body}
			// A truncated answer: the new code must not reach the error.
			replyJSON([]byte(`{"code":"ZZZ-YYY-XXX","expiration":`))(w, r)
		})
		_, err := newTestClient(t, f.URL).CreateCredentialCode(context.Background(), "tok-secret", time.Date(2026, 11, 24, 12, 0, 0, 123456789, time.UTC))
		var de *dfns.DecodeError
		if !errors.As(err, &de) || de.Snippet != "" || strings.Contains(err.Error(), "ZZZ-YYY-XXX") || strings.Contains(err.Error(), "tok-secret") {
			t.Errorf("error %v (snippet %q)", err, de.Snippet)
		}
		got := <-seen
		if got.path != mintPath || got.header.Get("Authorization") != "Bearer tok-secret" ||
			string(got.body) != `{"expiration":"2026-11-24T12:00:00.123Z"}` {
			t.Errorf("%s %v %s", got.path, got.header, got.body)
		}
	})
}

// FuzzParseCredential: ParseCredential and ParseCredentialStrict never
// panic, fail only with a *ValidationError or *DecodeError, and what strict
// accepts the default accepts with the same result.
func FuzzParseCredential(f *testing.F) {
	f.Add([]byte(credentialJSON))
	f.Add([]byte(`{"kind":"Key","credentialId":"a","credentialUuid":"b"}`))
	f.Add([]byte(`{"kind":"Passkey2","credentialId":"a","credentialUuid":"b","dateCreated":"2026-01-02T03:04:05+01:00"}`))
	f.Add([]byte(`{"kind":1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		def, derr := dfns.ParseCredential(data)
		strict, serr := dfns.ParseCredentialStrict(data)
		for _, err := range []error{derr, serr} {
			var ve *dfns.ValidationError
			var de *dfns.DecodeError
			if err != nil && !errors.As(err, &ve) && !errors.As(err, &de) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
		}
		if serr == nil && (derr != nil || *def != *strict) {
			t.Fatalf("strict accepted %+v, default gave %+v, %v", strict, def, derr)
		}
	})
}
