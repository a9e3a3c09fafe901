package dfnstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/credential"
)

func TestWellFormedEncryptedKey(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	wrapped, err := credential.WrapKey(key, "pw", "user@example.com")
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	k17 := base64.StdEncoding.EncodeToString(make([]byte, 17))
	for _, tt := range []struct {
		name string
		in   string
		want bool
	}{
		{"WrapKey's output", wrapped, true},
		{"unpadded", strings.TrimRight(wrapped, "="), true},
		{"minimal", b64(`{"key":"` + k17 + `","iv":"AA=="}`), true},
		{"not base64", "!!!", false},
		{"not JSON", b64("key iv"), false},
		{"an array", b64(`["key","iv"]`), false},
		{"no iv", b64(`{"key":"` + k17 + `"}`), false},
		{"key not base64", b64(`{"key":"!!","iv":"AA=="}`), false},
		{"key shorter than a tag", b64(`{"key":"` + base64.StdEncoding.EncodeToString(make([]byte, 16)) + `","iv":"AA=="}`), false},
		{"empty iv", b64(`{"key":"` + k17 + `","iv":""}`), false},
		{"iv over 64 bytes", b64(`{"key":"` + k17 + `","iv":"` + base64.StdEncoding.EncodeToString(make([]byte, 65)) + `"}`), false},
		{"trailing data", b64(`{"key":"` + k17 + `","iv":"AA=="} x`), false},
	} {
		if got := wellFormedEncryptedKey(tt.in); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRedactVerifyBody(t *testing.T) {
	for _, tt := range []struct{ name, in, want string }{
		{"identifier and secrets",
			`{"credentialKind":"Password","credentialName":"n","challengeIdentifier":"eyJ.x.y","credentialInfo":{"password":"pw","otpCode":"1"}}`,
			`{"credentialKind":"Password","credentialName":"n","challengeIdentifier":"[REDACTED]","credentialInfo":{"password":"[REDACTED]","otpCode":"[REDACTED]"}}`},
		{"credentialInfo and encryptedPrivateKey kept, even code-shaped",
			`{"challengeIdentifier":"a","credentialInfo":{"credId":"abc-def-ghi","clientData":"x","attestationData":"y"},"encryptedPrivateKey":"k"}`,
			`{"challengeIdentifier":"[REDACTED]","credentialInfo":{"credId":"abc-def-ghi","clientData":"x","attestationData":"y"},"encryptedPrivateKey":"k"}`},
		{"code-shaped strings elsewhere", `{"credentialName":"ABC-DEF-GHJ laptop"}`, `{"credentialName":"[REDACTED] laptop"}`},
		{"nested code members", `{"x":{"Code":"1"},"credentialInfo":{"extra":{"code":2}}}`, `{"x":{"Code":"[REDACTED]"},"credentialInfo":{"extra":{"code":"[REDACTED]"}}}`},
		{"not an object", `["eyJ.x.y"]`, redactedVerifyBody},
		{"malformed", `{"challengeIdentifier":"eyJ`, redactedVerifyBody},
		{"trailing data", `{"a":1} {"challengeIdentifier":"x"}`, redactedVerifyBody},
		{"empty", ``, ``},
	} {
		if got := redactVerifyBody([]byte(tt.in)); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}
