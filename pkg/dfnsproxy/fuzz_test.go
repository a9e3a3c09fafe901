package dfnsproxy

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// FuzzRedact feeds any request and answer to the redactor: JSON comes out as
// JSON with no secret member holding a value and no secret value left in
// any string or name; anything else comes out whole only if it names no
// secret member.
func FuzzRedact(f *testing.F) {
	f.Add([]byte(`{"credentialKind":"Key","code":"ABC-DEF-GHJ"}`), []byte(`{"error":{"message":"code abc-def-ghj is bad","details":{"code":"ABC-DEF-GHJ"}}}`))
	f.Add([]byte(`{"challengeIdentifier":"eyJhbGciOiJIUzI1NiJ9.x.y","credentialInfo":{"password":"hunter22"}}`), []byte(`{"kind":"Password"}`))
	f.Add([]byte(`{"code":"ABC"}`), []byte(`{"challengeIdentifier":"eyJhb`))
	f.Add([]byte(`[{"otpUrl":"otpauth://totp/x?secret=JBSWY3DP"}]`), []byte("Bad Gateway"))
	f.Fuzz(func(t *testing.T, req, resp []byte) {
		r := newRedactor(req, resp)
		var secrets []string
		for _, b := range [][]byte{req, resp} {
			var doc any
			if json.Unmarshal(b, &doc) == nil {
				secrets = rawSecrets(doc, secrets)
			}
		}
		for _, b := range [][]byte{req, resp} {
			out := r.body(b)
			var doc any
			if err := json.Unmarshal([]byte(out), &doc); err == nil && json.Valid(b) {
				checkTree(t, doc, secrets)
				continue
			}
			if out == strings.ToValidUTF8(string(b), "\uFFFD") {
				lower := strings.ToLower(out)
				for _, m := range secretMembers {
					if strings.Contains(lower, strings.ToLower(m)) {
						t.Fatalf("kept whole although it names %s: %q", m, out)
					}
				}
			}
		}
	})
}

// rawSecrets appends the string values of the secret members in v.
func rawSecrets(v any, out []string) []string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && isSecretMember(k) {
				out = append(out, s)
			}
			out = rawSecrets(x, out)
		}
	case []any:
		for _, x := range v {
			out = rawSecrets(x, out)
		}
	}
	return out
}

// checkTree fails if a secret member of doc holds a value or a secret
// remains in a string or name. Secrets that the placeholder itself could
// spell (brackets, its substrings) or that case-folding outside ASCII could
// hide are not looked for.
func checkTree(t *testing.T, v any, secrets []string) {
	t.Helper()
	found := func(s string) {
		for _, sec := range secrets {
			if len(sec) < 4 || strings.ContainsAny(sec, "[]") || !isASCII(sec) ||
				strings.Contains(strings.ToLower(Redacted), strings.ToLower(sec)) {
				continue
			}
			if strings.Contains(strings.ToLower(s), strings.ToLower(sec)) {
				t.Fatalf("secret %q left in %q", sec, s)
			}
		}
	}
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			found(k)
			if isSecretMember(k) && x != nil && x != Redacted {
				t.Fatalf("member %s holds %v", k, x)
			}
			checkTree(t, x, secrets)
		}
	case []any:
		for _, x := range v {
			checkTree(t, x, secrets)
		}
	case string:
		found(v)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// FuzzCheck checks any answer of every operation, in both modes, and any
// request: nothing panics and the header stays bounded.
func FuzzCheck(f *testing.F) {
	f.Add(200, []byte(`{"kind":"Key","challengeIdentifier":"c","user":{"id":"u","name":"n","displayName":"d"},"challenge":"x"}`))
	f.Add(400, []byte(`{"error":{"message":"m"}}`))
	f.Add(200, []byte(`{"kind":"Passkey2","extra":{"a":[1,2,3]}}`))
	f.Add(500, []byte(`not json`))
	loose, err := newChecker(false)
	if err != nil {
		f.Fatal(err)
	}
	strict, err := newChecker(true)
	if err != nil {
		f.Fatal(err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	f.Fuzz(func(t *testing.T, status int, data []byte) {
		for _, c := range []*checker{loose, strict} {
			for _, rt := range c.routes {
				vs := append(c.request(rt, h, body{data: data}), c.response(rt, status, h, body{data: data})...)
				if v := headerValue(vs); len(v) > MaxHeaderBytes {
					t.Fatalf("header of %d bytes", len(v))
				}
			}
		}
	})
}
