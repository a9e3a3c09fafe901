package specschema_test

import (
	"testing"

	"github.com/dfnskit/dfns-go/internal/specschema"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// TestClosed checks that the closed copy reports unknown properties at the
// object holding them, leaves valid answers and the open schema alone, and
// still reports what the open schema reports.
func TestClosed(t *testing.T) {
	op := mustInit(t)
	closed := op.OK.Closed()
	for kind, body := range answers(t) {
		if vs := closed.Validate(mutate(t, body, func(map[string]any) {})); vs != nil {
			t.Errorf("%s as sent: %+v", kind, vs)
		}
		for _, tc := range []struct {
			name string
			f    func(m map[string]any)
			want []specschema.Violation
		}{
			{"top level", func(m map[string]any) { m["LEAK"] = 1 }, []specschema.Violation{{Pointer: "", Rule: "additionalProperties"}}},
			{"nested", func(m map[string]any) { m["user"].(map[string]any)["LEAK"] = "LEAK" }, []specschema.Violation{{Pointer: "/user", Rule: "additionalProperties"}}},
			{"and a missing field", func(m map[string]any) { m["LEAK"] = 1; delete(m, "challengeIdentifier") }, []specschema.Violation{
				{Pointer: "", Rule: "additionalProperties"}, {Pointer: "/challengeIdentifier", Rule: "required"}}},
		} {
			doc := mutate(t, body, tc.f)
			got := closed.Validate(doc)
			if !sameViolations(got, tc.want) {
				t.Errorf("%s %s: got %+v, want %+v", kind, tc.name, got, tc.want)
			}
			open := op.OK.Validate(doc)
			for _, v := range open {
				if v.Rule == "additionalProperties" {
					t.Errorf("%s %s: the open schema was closed: %+v", kind, tc.name, open)
				}
			}
		}
	}
	fido2 := answers(t)[dfns.CredentialKindFido2]
	got := closed.Validate(mutate(t, fido2, func(m map[string]any) {
		m["pubKeyCredParams"].([]any)[0].(map[string]any)["x"] = 1
	}))
	if want := []specschema.Violation{{Pointer: "/pubKeyCredParams/0", Rule: "additionalProperties"}}; !sameViolations(got, want) {
		t.Errorf("array item: %+v", got)
	}
}

// sameViolations compares pointers and rules, in any order.
func sameViolations(got, want []specschema.Violation) bool {
	if len(got) != len(want) {
		return false
	}
	left := map[[2]string]int{}
	for _, v := range got {
		left[[2]string{v.Pointer, v.Rule}]++
	}
	for _, v := range want {
		k := [2]string{v.Pointer, v.Rule}
		if left[k] == 0 {
			return false
		}
		left[k]--
	}
	return true
}
