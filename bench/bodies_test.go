//lint:file-ignore SA1019 the benchmarks decode every kind the sandbox answers, the deprecated Password and Totp included.

package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// update rewrites testdata/*.json from the sandbox.
var update = flag.Bool("update", false, "rewrite testdata/*.json from dfnstest (fixed seed and clock)")

// kinds are the credential kinds, largest body first.
var kinds = []dfns.CredentialKind{
	dfns.CredentialKindFido2,
	dfns.CredentialKindKey,
	dfns.CredentialKindPasswordProtectedKey,
	dfns.CredentialKindRecoveryKey,
	dfns.CredentialKindPassword,
	dfns.CredentialKindTotp,
}

// captureClock is the sandbox's clock when the bodies are captured.
var captureClock = func() time.Time { return time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC) }

// bodyPath is the testdata file of kind's body.
func bodyPath(kind dfns.CredentialKind) string {
	return filepath.Join("testdata", strings.ToLower(string(kind))+".json")
}

var (
	bodiesOnce sync.Once
	bodies     map[dfns.CredentialKind][]byte
	bodiesErr  error
)

// body returns the stored 200 answer of init for kind.
func body(tb testing.TB, kind dfns.CredentialKind) []byte {
	tb.Helper()
	bodiesOnce.Do(func() {
		bodies = make(map[dfns.CredentialKind][]byte, len(kinds))
		for _, k := range kinds {
			b, err := os.ReadFile(bodyPath(k))
			if err != nil {
				bodiesErr = err
				return
			}
			bodies[k] = b
		}
	})
	if bodiesErr != nil {
		tb.Fatalf("%v (regenerate with: go test ./bench -run TestBenchBodiesValid -update)", bodiesErr)
	}
	return bodies[kind]
}

// captureBodies asks a seeded sandbox for one challenge of every kind, for
// the same code and user. It takes the first seed whose user has two
// existing credentials, so that the Fido2 body has the largest realistic
// excludeCredentials.
func captureBodies(tb testing.TB) map[dfns.CredentialKind][]byte {
	tb.Helper()
	for seed := uint64(1); seed < 100; seed++ {
		sb := dfnstest.New(dfnstest.WithSeed(seed), dfnstest.WithClock(captureClock), dfnstest.WithReinit())
		code := sb.MintCode()
		out := make(map[dfns.CredentialKind][]byte, len(kinds))
		for _, k := range kinds {
			req := httptest.NewRequest(http.MethodPost, "/auth/credentials/code/init",
				strings.NewReader(`{"credentialKind":"`+string(k)+`","code":"`+string(code)+`"}`))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			sb.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				tb.Fatalf("seed %d, %s: status %d: %s", seed, k, rec.Code, rec.Body)
			}
			out[k] = rec.Body.Bytes()
		}
		var f struct {
			ExcludeCredentials []json.RawMessage `json:"excludeCredentials"`
		}
		if err := json.Unmarshal(out[dfns.CredentialKindFido2], &f); err != nil {
			tb.Fatal(err)
		}
		if len(f.ExcludeCredentials) == 2 {
			return out
		}
	}
	tb.Fatal("no seed below 100 gives a user with two credentials")
	return nil
}

// specPath is the vendored spec, relative to this package.
const specPath = "../openapi.yaml"

// loadSchema returns the 200 response schema of POST
// /auth/credentials/code/init in the vendored spec, loaded and validated
// once.
var loadSchema = sync.OnceValues(func() (*openapi3.Schema, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	item := doc.Paths.Value("/auth/credentials/code/init")
	if item == nil || item.Post == nil {
		return nil, fmt.Errorf("%s: no POST /auth/credentials/code/init", specPath)
	}
	resp := item.Post.Responses.Status(200)
	if resp == nil || resp.Value == nil {
		return nil, fmt.Errorf("%s: no 200 response", specPath)
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil, fmt.Errorf("%s: no application/json schema for the 200 response", specPath)
	}
	return mt.Schema.Value, nil
})

// TestBenchBodiesValid checks that every stored body is a valid answer of
// its kind: strictly (every constraint of the spec), for kin-openapi, and
// by the default decoding. With -update it first rewrites them from the
// sandbox.
func TestBenchBodiesValid(t *testing.T) {
	if *update {
		for k, b := range captureBodies(t) {
			if err := os.WriteFile(bodyPath(k), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	s, err := loadSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds {
		b := body(t, k)
		ch, err := dfns.ParseChallengeStrict(b)
		if err != nil {
			t.Errorf("%s: ParseChallengeStrict: %v", k, err)
			continue
		}
		if ch.Kind() != k {
			t.Errorf("%s: the body is of kind %s", bodyPath(k), ch.Kind())
		}
		def, err := dfns.ParseChallenge(b)
		if err != nil || def.Kind() != k {
			t.Errorf("%s: ParseChallenge: %v, %v", k, def, err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if err := s.VisitJSON(doc); err != nil {
			t.Errorf("%s: kin-openapi: %v", k, err)
		}
	}
	if fido2 := body(t, dfns.CredentialKindFido2); !bytes.Contains(fido2, []byte(`"excludeCredentials":[{`)) {
		t.Error("the Fido2 body has no excludeCredentials: not the realistic largest body")
	}
}
