package dfnstest_test

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/internal/webauthntest"
	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// signers returns a key of each algorithm a client may try.
func signers(t *testing.T) map[credential.Algorithm]crypto.Signer {
	t.Helper()
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa2048()
	if err != nil {
		t.Fatal(err)
	}
	return map[credential.Algorithm]crypto.Signer{
		credential.AlgorithmES256: p256(t), credential.AlgorithmEdDSA: ed, credential.AlgorithmRS256: rk,
	}
}

// offers reports whether pubKeyCredParams lists alg.
func offers(params []dfns.PubKeyCredParam, alg credential.Algorithm) bool {
	return slices.ContainsFunc(params, func(p dfns.PubKeyCredParam) bool { return p.Alg == float64(alg) })
}

// TestVerifyAcceptsWhatWasOffered: for every kind that takes a key and every
// algorithm, verify accepts the key exactly when the challenge's
// pubKeyCredParams offered its algorithm, and refuses it otherwise with
// rule "publicKey". (Fido2 RS256 is covered by the browser test:
// webauthntest makes no RSA attestation.)
func TestVerifyAcceptsWhatWasOffered(t *testing.T) {
	srv := newServer(t, dfnstest.WithClock(fixedClock))
	c := newClient(t, srv)
	keys := signers(t)
	for _, kind := range []dfns.CredentialKind{dfns.CredentialKindKey, dfns.CredentialKindPasswordProtectedKey, dfns.CredentialKindRecoveryKey, dfns.CredentialKindFido2} {
		for _, alg := range []credential.Algorithm{credential.AlgorithmES256, credential.AlgorithmEdDSA, credential.AlgorithmRS256} {
			if kind == dfns.CredentialKindFido2 && alg == credential.AlgorithmRS256 {
				continue
			}
			t.Run(string(kind)+"/"+alg.String(), func(t *testing.T) {
				ch, err := c.CreateCredentialChallengeWithCode(context.Background(), kind, srv.MintCode())
				if err != nil {
					t.Fatal(err)
				}
				req := dfns.VerifyRequest{Kind: kind, Name: "k", ChallengeIdentifier: ch.ChallengeIdentifier()}
				var params []dfns.PubKeyCredParam
				switch ch := ch.(type) {
				case *dfns.Fido2Challenge:
					params = ch.PubKeyCredParams
					opts, err := credential.CreationOptions(ch)
					if err != nil {
						t.Fatal(err)
					}
					a := webauthntest.New(keys[alg], dfnstest.DefaultRPID)
					req.CredentialInfo = registerFido2(t, a, "packed", opts.Challenge.String(), sandboxOrig)
				case *dfns.KeyChallenge:
					params = ch.PubKeyCredParams
					req.CredentialInfo = attestWith(t, ch.Challenge, keys[alg])
				case *dfns.PasswordProtectedKeyChallenge:
					params = ch.PubKeyCredParams
					req.CredentialInfo = attestWith(t, ch.Challenge, keys[alg])
					req.EncryptedPrivateKey = wrap(t, ch.User().Name)
				case *dfns.RecoveryKeyChallenge:
					params = ch.PubKeyCredParams
					req.CredentialInfo = attestWith(t, ch.Challenge, keys[alg])
					req.EncryptedPrivateKey = wrap(t, ch.User().Name)
				}
				ans := verifyRaw(t, srv, marshal(t, verifyJSON(t, req)))
				if offers(params, alg) {
					if ans.status != http.StatusOK {
						t.Fatalf("offered %v, refused: %d %s", params, ans.status, ans.body)
					}
					return
				}
				wantFirstDetail(t, checkEnvelope(t, ans, http.StatusBadRequest, "attestation_invalid"), "/credentialInfo/attestationData", "publicKey")
			})
		}
	}
}

func attestWith(t *testing.T, challenge string, key crypto.Signer) dfns.CredentialInfo {
	t.Helper()
	info, err := credential.AttestKey(challenge, key)
	if err != nil {
		t.Fatal(err)
	}
	return *info
}

// wrap returns a well-formed encryptedPrivateKey (the sandbox cannot open
// it, so any key will do).
func wrap(t *testing.T, userName string) string {
	t.Helper()
	blob, err := credential.WrapKey(p256(t), "password", userName)
	if err != nil {
		t.Fatal(err)
	}
	return blob
}

// TestVerifyFido2UserPresence: a cleared user-present flag has its own rule.
func TestVerifyFido2UserPresence(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ch := initKind[*dfns.Fido2Challenge](t, srv, c, dfns.CredentialKindFido2)
	opts, _ := credential.CreationOptions(ch)
	a := webauthntest.New(p256(t), dfnstest.DefaultRPID)
	a.Flags = 0x44 // UV, AT: no UP
	ans := verifyRaw(t, srv, fido2Body(ch.ChallengeIdentifier(), registerFido2(t, a, "packed", opts.Challenge.String(), sandboxOrig)))
	wantFirstDetail(t, checkEnvelope(t, ans, http.StatusBadRequest, "attestation_invalid"), "/credentialInfo/attestationData", "userPresence")
}

// TestWithOrigins: verify accepts each origin given and answers the one the
// client data carried; the default origin is then refused. Key credentials,
// whose client data has no origin, report the first.
func TestWithOrigins(t *testing.T) {
	const local, app = "http://localhost:8080", "https://app.localhost"
	srv := newServer(t, dfnstest.WithRelyingParty(dfns.RelyingParty{ID: "localhost", Name: "Local"}), dfnstest.WithOrigins(local, app))
	c := newClient(t, srv)
	for _, origin := range []string{local, app, "https://localhost", "http://localhost:8081"} {
		t.Run(origin, func(t *testing.T) {
			ch := initKind[*dfns.Fido2Challenge](t, srv, c, dfns.CredentialKindFido2)
			opts, _ := credential.CreationOptions(ch)
			info := registerFido2(t, webauthntest.New(p256(t), "localhost"), "packed", opts.Challenge.String(), origin)
			if origin != local && origin != app {
				ans := verifyRaw(t, srv, fido2Body(ch.ChallengeIdentifier(), info))
				wantFirstDetail(t, checkEnvelope(t, ans, http.StatusBadRequest, "attestation_invalid"), "/credentialInfo/clientData", "origin")
				return
			}
			cred, err := c.CreateCredentialWithCode(context.Background(), dfns.VerifyRequest{
				Kind: dfns.CredentialKindFido2, Name: "passkey", ChallengeIdentifier: ch.ChallengeIdentifier(), CredentialInfo: info,
			})
			if err != nil {
				t.Fatal(err)
			}
			if cred.Origin != origin || cred.RelyingPartyID != "localhost" {
				t.Errorf("origin %q rp %q, want %q localhost", cred.Origin, cred.RelyingPartyID, origin)
			}
		})
	}
	t.Run("Key", func(t *testing.T) {
		cred, err := c.CreateCredentialWithCode(context.Background(), keyAttestation(t, srv, c, p256(t)).VerifyRequest("k"))
		if err != nil {
			t.Fatal(err)
		}
		if cred.Origin != local {
			t.Errorf("origin %q, want the first, %q", cred.Origin, local)
		}
	})
}

// TestWithCORS: preflights from an allowed origin are answered; every
// answer to it, errors and faults included, carries the CORS headers;
// other origins and requests without Origin get none.
func TestWithCORS(t *testing.T) {
	const page = "http://localhost:8080"
	srv := newServer(t, dfnstest.WithCORS(page), dfnstest.WithFaults())
	preflight := func(origin string) answer {
		return do(t, srv, http.MethodOptions, verifyPath, "", "", "Origin", origin,
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,authorization")
	}
	t.Run("preflight", func(t *testing.T) {
		before := len(srv.Requests())
		a := preflight(page)
		if a.status != http.StatusNoContent {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		for h, want := range map[string]string{
			"Access-Control-Allow-Origin":  page,
			"Access-Control-Allow-Methods": "POST",
			"Access-Control-Max-Age":       "600",
			"Vary":                         "Origin",
		} {
			if got := a.header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		allowed := strings.ToLower(a.header.Get("Access-Control-Allow-Headers"))
		for _, h := range []string{"authorization", "content-type", "x-dfns-useraction", "x-dfns-sdk-version", "x-dfns-sandbox-fault"} {
			if !strings.Contains(allowed, h) {
				t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowed, h)
			}
		}
		if len(srv.Requests()) != before {
			t.Error("a preflight was recorded")
		}
	})
	t.Run("preflight from another origin", func(t *testing.T) {
		a := preflight("http://localhost:9999")
		checkEnvelope(t, a, http.StatusMethodNotAllowed, "method_not_allowed")
		noCORS(t, a)
	})
	t.Run("answers carry the origin", func(t *testing.T) {
		for name, a := range map[string]answer{
			"init 200":   do(t, srv, http.MethodPost, "/auth/credentials/code/init", "application/json", initBody(dfns.CredentialKindKey, srv.MintCode()), "Origin", page),
			"verify 400": do(t, srv, http.MethodPost, verifyPath, "application/json", "{}", "Origin", page),
			"404":        do(t, srv, http.MethodPost, "/nowhere", "application/json", "{}", "Origin", page),
			"fault 429":  do(t, srv, http.MethodPost, verifyPath, "application/json", "{}", "Origin", page, dfnstest.FaultHeader, "rate-limit=3"),
		} {
			if got := a.header.Get("Access-Control-Allow-Origin"); got != page {
				t.Errorf("%s (%d): Access-Control-Allow-Origin %q", name, a.status, got)
			}
			if got := a.header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "X-Request-Id") {
				t.Errorf("%s: Access-Control-Expose-Headers %q", name, got)
			}
		}
	})
	t.Run("others get nothing", func(t *testing.T) {
		noCORS(t, do(t, srv, http.MethodPost, verifyPath, "application/json", "{}", "Origin", "https://evil.example"))
		noCORS(t, do(t, srv, http.MethodPost, verifyPath, "application/json", "{}"))
	})
	t.Run("star", func(t *testing.T) {
		star := newServer(t, dfnstest.WithCORS("*"))
		a := do(t, star, http.MethodOptions, verifyPath, "", "", "Origin", "https://any.example", "Access-Control-Request-Method", "POST")
		if a.status != http.StatusNoContent || a.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%d %q", a.status, a.header.Get("Access-Control-Allow-Origin"))
		}
	})
	t.Run("off by default", func(t *testing.T) {
		off := newServer(t)
		a := do(t, off, http.MethodOptions, verifyPath, "", "", "Origin", page, "Access-Control-Request-Method", "POST")
		checkEnvelope(t, a, http.StatusMethodNotAllowed, "method_not_allowed")
		noCORS(t, a)
	})
}

func noCORS(t *testing.T, a answer) {
	t.Helper()
	for h := range a.header {
		if strings.HasPrefix(h, "Access-Control-") {
			t.Errorf("%s: %q on an answer that must carry no CORS header", h, a.header.Get(h))
		}
	}
}

// TestBrowserOptionsRefuseBadValues: New panics naming the option.
func TestBrowserOptionsRefuseBadValues(t *testing.T) {
	for name, opt := range map[string]dfnstest.Option{
		"WithOrigins()":          dfnstest.WithOrigins(),
		"WithOrigins(path)":      dfnstest.WithOrigins("https://app.example/"),
		"WithOrigins(host)":      dfnstest.WithOrigins("localhost:8080"),
		"WithOrigins(uppercase)": dfnstest.WithOrigins("http://LOCALHOST:8080"),
		"WithOrigins(ftp)":       dfnstest.WithOrigins("ftp://files.example"),
		"WithOrigins(*)":         dfnstest.WithOrigins("*"),
		"WithCORS()":             dfnstest.WithCORS(),
		"WithCORS(url)":          dfnstest.WithCORS("http://localhost:8080/page"),
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), strings.SplitN(name, "(", 2)[0]) {
					t.Errorf("panic %v, want one naming the option", r)
				}
			}()
			dfnstest.New(opt)
		})
	}
}
