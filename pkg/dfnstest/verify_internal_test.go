package dfnstest

import "testing"

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
