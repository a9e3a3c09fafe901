package dfnsproxy

import (
	"strconv"
	"strings"
	"testing"
)

// TestHeaderValue bounds the header and counts what it leaves out.
func TestHeaderValue(t *testing.T) {
	v := Violation{Direction: DirectionResponse, Pointer: "/excludeCredentials/0/id", Rule: "pattern"}
	for _, n := range []int{1, 2, 5, 15, 16, 17, 100, 1000} {
		vs := make([]Violation, n)
		for i := range vs {
			vs[i] = v
		}
		got := headerValue(vs)
		if len(got) > MaxHeaderBytes {
			t.Errorf("%d violations: %d bytes", n, len(got))
		}
		listed := strings.Count(got, v.String())
		more := 0
		if i := strings.LastIndex(got, ", "); strings.HasSuffix(got, " more") {
			more, _ = strconv.Atoi(strings.TrimSuffix(got[i+2:], " more"))
		}
		if listed+more != n || listed == 0 {
			t.Errorf("%d violations: %d listed, %d more: %q", n, listed, more, got)
		}
		if full := strings.Repeat(", "+v.String(), n)[2:]; len(full) <= MaxHeaderBytes && got != full {
			t.Errorf("%d violations fit but were cut: %q", n, got)
		}
	}
	if got := headerValue([]Violation{{Direction: DirectionResponse, Rule: RuleJSON}, {Direction: DirectionResponse, Pointer: "/x", Rule: "additionalProperties", Note: true}}); got != "response body json, note response /x additionalProperties" {
		t.Errorf("%q", got)
	}
}

// TestRedactor covers what TestSecrets cannot reach through the sandbox.
func TestRedactor(t *testing.T) {
	r := newRedactor([]byte(`{"code":"ABC-DEF-GHJ","x":{"Password":"pw-long-secret"}}`), []byte(`{"challengeIdentifier":"ABC"}`))
	for in, want := range map[string]string{
		`{"note":"ABC-DEF-GHJ and abc-def-ghj","n":1.50}`: `{"n":1.50,"note":"[REDACTED] and [REDACTED]"}`,
		`{"ABC-DEF-GHJ":1}`: `{"[REDACTED]":1}`,
		`{"CODE":{"a":1},"otpurl":null,"l":["pw-long-secret"]}`: `{"CODE":"[REDACTED]","l":["[REDACTED]"],"otpurl":null}`,
		`<html>Bad Gateway</html>`:                              `<html>Bad Gateway</html>`,
		`{"challengeIdent`:                                      `{"challengeIdent`,
		`{"temporaryAuthenticationToken":"eyJhbGc`:              `[REDACTED: 40 bytes, not JSON, that may hold a secret]`,
		"an error about pw-long-secret":                         `[REDACTED: 29 bytes, not JSON, that may hold a secret]`,
		`{"a":1} {"b":2}`:                                       `{"a":1} {"b":2}`,
		"":                                                      "",
	} {
		if got := r.body([]byte(in)); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	if got := newRedactor(nil).body([]byte(`{"a":"ABC"}`)); got != `{"a":"ABC"}` {
		t.Errorf("without secrets: %s", got)
	}
}
