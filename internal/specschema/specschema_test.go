package specschema_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/internal/specschema"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// answers returns one 200 answer of init per kind, as the sandbox sends it.
func answers(t testing.TB) map[dfns.CredentialKind][]byte {
	t.Helper()
	s := dfnstest.New(dfnstest.WithSeed(3))
	out := map[dfns.CredentialKind][]byte{}
	for _, kind := range dfns.CredentialKinds() {
		body := `{"credentialKind":"` + string(kind) + `","code":"` + string(s.MintCode()) + `"}`
		req := httptest.NewRequest(http.MethodPost, specschema.InitPath, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", kind, rec.Code, rec.Body)
		}
		out[kind] = rec.Body.Bytes()
	}
	if len(out) != 6 {
		t.Fatalf("%d answers", len(out))
	}
	return out
}

// mutate applies f to a decoded copy of body.
func mutate(t testing.TB, body []byte, f func(m map[string]any)) any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	return m
}

func mustInit(t testing.TB) *specschema.Operation {
	t.Helper()
	op, err := specschema.Init()
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// TestAgreesWithJSONSchema2020 checks that kin-openapi's built-in validator,
// used because it needs no compile step, gives the verdict of its JSON Schema
// 2020-12 validator on valid and invalid requests and answers of init.
func TestAgreesWithJSONSchema2020(t *testing.T) {
	op := mustInit(t)
	type item struct {
		name   string
		doc    any
		schema *specschema.Schema
		valid  bool
	}
	var corpus []item
	for kind, body := range answers(t) {
		k := string(kind)
		add := func(name string, valid bool, f func(m map[string]any)) {
			corpus = append(corpus, item{k + " " + name, mutate(t, body, f), op.OK, valid})
		}
		add("valid", true, func(map[string]any) {})
		add("extra property", true, func(m map[string]any) { m["extra"] = 1 })
		add("no rp", true, func(m map[string]any) { delete(m, "rp") })
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		for _, field := range slices.Sorted(maps.Keys(m)) {
			if field == "rp" {
				continue
			}
			add("without "+field, false, func(m map[string]any) { delete(m, field) })
			add(field+" of wrong type", false, func(m map[string]any) { m[field] = 12 })
		}
		add("unknown kind", false, func(m map[string]any) { m["kind"] = "Passkey2" })
		add("user without id", false, func(m map[string]any) { delete(m["user"].(map[string]any), "id") })
		if kind != dfns.CredentialKindFido2 {
			continue
		}
		for name, f := range map[string]func(m map[string]any){
			"bad id": func(m map[string]any) {
				m["excludeCredentials"] = []any{map[string]any{"type": "public-key", "id": "cr-x"}}
			},
			"bad type": func(m map[string]any) {
				m["excludeCredentials"] = []any{map[string]any{"type": "private-key", "id": "cr-aaaaa-bbbbb-cccccccccccccc"}}
			},
			"bad attestation": func(m map[string]any) { m["attestation"] = "maybe" },
			"bad residentKey": func(m map[string]any) { m["authenticatorSelection"].(map[string]any)["residentKey"] = "sometimes" },
			"alg as string": func(m map[string]any) {
				m["pubKeyCredParams"] = []any{map[string]any{"type": "public-key", "alg": "-7"}}
			},
			"attachment": func(m map[string]any) {
				m["authenticatorSelection"].(map[string]any)["authenticatorAttachment"] = "platform"
			},
			"bad attachment": func(m map[string]any) {
				m["authenticatorSelection"].(map[string]any)["authenticatorAttachment"] = "usb"
			},
			"empty excludeList": func(m map[string]any) { m["excludeCredentials"] = []any{} },
		} {
			add(name, name == "attachment" || name == "empty excludeList", f)
		}
	}
	for _, r := range []struct {
		body  string
		valid bool
	}{
		{`{"credentialKind":"Key","code":"A"}`, true},
		{`{"credentialKind":"Totp","code":"ABC-DEF-GHJ"}`, true},
		{`{"credentialKind":"Key","code":""}`, false},
		{`{"credentialKind":"Key"}`, false},
		{`{"credentialKind":"Nope","code":"A"}`, false},
		{`{"credentialKind":"Key","code":"A","x":1}`, false},
		{`{"credentialKind":"Key","code":1}`, false},
		{`[]`, false},
		{`null`, false},
	} {
		doc, err := specschema.Decode([]byte(r.body))
		if err != nil {
			t.Fatal(err)
		}
		corpus = append(corpus, item{"request " + r.body, doc, op.Request, r.valid})
	}
	for _, it := range corpus {
		builtin := it.schema.Validate(it.doc)
		js2020 := it.schema.ValidateJSONSchema2020(it.doc)
		if (builtin == nil) != it.valid || (js2020 == nil) != it.valid {
			t.Errorf("%s: builtin %v, jsonschema2020 %v, want valid=%v", it.name, builtin, js2020, it.valid)
		}
	}
	if len(corpus) < 100 {
		t.Errorf("a corpus of %d", len(corpus))
	}
}

// TestViolations checks the pointer, the rule and what is wanted, for each
// kind of violation, and that no value reaches them.
func TestViolations(t *testing.T) {
	op := mustInit(t)
	fido2 := answers(t)[dfns.CredentialKindFido2]
	for _, tc := range []struct {
		name string
		f    func(m map[string]any)
		want specschema.Violation // Want: a prefix (the spec's own values follow)
	}{
		{"required", func(m map[string]any) { delete(m, "challenge") }, specschema.Violation{Pointer: "/challenge", Rule: "required"}},
		{"type", func(m map[string]any) { m["user"].(map[string]any)["id"] = 3 }, specschema.Violation{Pointer: "/user/id", Rule: "type", Want: "string"}},
		{"enum", func(m map[string]any) { m["attestation"] = "LEAK" }, specschema.Violation{Pointer: "/attestation", Rule: "enum", Want: "one of none, "}},
		{"unknown kind", func(m map[string]any) { m["kind"] = "LEAK" }, specschema.Violation{Pointer: "/kind", Rule: "enum", Want: "one of Fido2, "}},
		{"pattern", func(m map[string]any) {
			m["excludeCredentials"] = []any{map[string]any{"type": "public-key", "id": "cr-LEAK"}}
		}, specschema.Violation{Pointer: "/excludeCredentials/0/id", Rule: "pattern", Want: "^cr-"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := op.OK.Validate(mutate(t, fido2, tc.f))
			if len(got) != 1 || got[0].Pointer != tc.want.Pointer || got[0].Rule != tc.want.Rule || !strings.HasPrefix(got[0].Want, tc.want.Want) {
				t.Fatalf("got %+v, want [%+v]", got, tc.want)
			}
		})
	}
	got := op.Request.Validate(map[string]any{"credentialKind": "Key", "code": ""})
	if want := (specschema.Violation{Pointer: "/code", Rule: "minLength", Want: "1"}); len(got) != 1 || got[0] != want {
		t.Errorf("minLength: %+v", got)
	}
}

// TestViolationsHoldNoValues feeds values marked LEAK to every schema and
// looks for them in the violations.
func TestViolationsHoldNoValues(t *testing.T) {
	op := mustInit(t)
	for _, body := range []string{
		`{"credentialKind":"LEAK1","code":"LEAK2","LEAK3":"LEAK4"}`,
		`{"credentialKind":["LEAK1"],"code":{"LEAK2":"LEAK3"}}`,
		`{"credentialKind":"Key","code":"","LEAK1":null}`,
	} {
		doc, _ := specschema.Decode([]byte(body))
		vs := op.Request.Validate(doc)
		if vs == nil {
			t.Fatalf("%s: valid", body)
		}
		if msg := fmt.Sprintf("%+v", vs); strings.Contains(msg, "LEAK") {
			t.Errorf("%s: %s", body, msg)
		}
	}
	doc := mutate(t, answers(t)[dfns.CredentialKindFido2], func(m map[string]any) {
		m["user"] = map[string]any{"id": 1, "name": "LEAK-NAME"}
		m["challenge"] = 42
		m["kind"] = "LEAK-KIND"
	})
	vs := op.OK.Validate(doc)
	if msg := fmt.Sprintf("%+v", vs); vs == nil || strings.Contains(msg, "LEAK") || strings.Contains(msg, "42") {
		t.Errorf("%s", msg)
	}
}

// TestFlowOperations loads verify, mint and the error envelope.
func TestFlowOperations(t *testing.T) {
	for name, load := range map[string]func() (*specschema.Operation, error){
		"verify": specschema.Verify, "mint": specschema.Mint,
	} {
		op, err := load()
		if err != nil || op.Request == nil || op.OK == nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	env, err := specschema.ErrorEnvelope()
	if err != nil {
		t.Fatal(err)
	}
	if vs := env.Validate(map[string]any{"error": map[string]any{"message": "m"}}); vs != nil {
		t.Errorf("envelope: %+v", vs)
	}
	if vs := env.Validate(map[string]any{"message": "m"}); vs == nil {
		t.Error("a body without error passed")
	}
	op, _ := specschema.Mint()
	if vs := op.OK.Validate(map[string]any{"code": "A", "expiration": "not a date"}); len(vs) != 1 || vs[0].Rule != "format" {
		t.Errorf("mint answer: %+v", vs)
	}
}

// BenchmarkValidate is the validation step alone on the sandbox's Fido2
// answer (the largest): the built-in validator, and the 2020-12 validator
// that openapi3filter uses on a 3.1 document (compiled per call).
func BenchmarkValidate(b *testing.B) {
	op := mustInit(b)
	doc, err := specschema.Decode(answers(b)[dfns.CredentialKindFido2])
	if err != nil {
		b.Fatal(err)
	}
	b.Run("builtin", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if vs := op.OK.Validate(doc); vs != nil {
				b.Fatal(vs)
			}
		}
	})
	b.Run("jsonschema2020-per-call", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := op.OK.ValidateJSONSchema2020(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
