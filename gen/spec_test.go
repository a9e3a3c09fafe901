package gen_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/dfnskit/dfns-go/gen"
)

const (
	specFile    = "../openapi.yaml"
	overlayFile = "../openapi.overlay.yaml"
	genFile     = "dfns.gen.go"
	// pinFile pins the vendored spec (sha256sum format): openapi.yaml is
	// copied from the Dfns docs and never edited by hand; `make
	// drift-update` rewrites both together.
	pinFile = "../openapi.yaml.sha256"
	// seedVersion and seedSHA256 are the docs page the spec was first
	// vendored from (info.version 1.807.0).
	seedVersion = "1.807.0"
	seedSHA256  = "2048c0f91a98fb9a3a872846a18ec1fd46a1ba81bc201ce9fab5d90a9c54a7c1"
	// seedFile is the Dfns docs page the spec was taken from; it exists in
	// the workspace the module was vendored in, not in every clone.
	seedFile = "../../shared/seeds/000_c238ec458910b4db.txt"
	// operation is the one path of the spec.
	operation = "/auth/credentials/code/init"
)

// TestVendoredSpecPinned: openapi.yaml has the hash openapi.yaml.sha256
// pins; while it is still version 1.807.0 that hash is the seed's and, where
// the docs page it came from is at hand, the file is that page's ````yaml
// block byte for byte.
func TestVendoredSpecPinned(t *testing.T) {
	spec, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	pin, err := os.ReadFile(pinFile)
	if err != nil {
		t.Fatal(err)
	}
	want, name, ok := strings.Cut(strings.TrimSpace(string(pin)), "  ")
	if !ok || name != "openapi.yaml" {
		t.Fatalf("%s: want one sha256sum line for openapi.yaml, got %q", pinFile, pin)
	}
	sum := sha256.Sum256(spec)
	if got := hex.EncodeToString(sum[:]); got != want {
		t.Fatalf("sha256(%s) = %s, %s pins %s: the vendored spec changed by hand; re-vendor it (make drift-update) instead", specFile, got, pinFile, want)
	}
	if !bytes.Contains(spec, []byte("\n  version: "+seedVersion+"\n")) {
		t.Skipf("openapi.yaml is no longer version %s (updated from upstream): only the pin is checked", seedVersion)
	}
	if want != seedSHA256 {
		t.Errorf("openapi.yaml is version %s but not the vendored seed (sha256 %s)", seedVersion, seedSHA256)
	}

	seed, err := os.ReadFile(seedFile)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is not here (a clone without the workspace): only the hashes are checked", seedFile)
	}
	if err != nil {
		t.Fatal(err)
	}
	block, err := yamlFence(seed)
	if err != nil {
		t.Fatalf("%s: %v", seedFile, err)
	}
	if !bytes.Equal(block, spec) {
		t.Errorf("%s differs from the ````yaml block of %s (%d bytes vs %d)", specFile, seedFile, len(spec), len(block))
	}
}

// yamlFence returns the content of the first ````yaml fenced block of a
// Markdown page: the lines after the opening fence line, up to and including
// the newline before the closing ```` line.
func yamlFence(page []byte) ([]byte, error) {
	open := bytes.Index(page, []byte("\n````yaml"))
	if open < 0 {
		return nil, errors.New("no ````yaml block")
	}
	eol := bytes.IndexByte(page[open+1:], '\n')
	if eol < 0 {
		return nil, errors.New("the ````yaml fence line does not end")
	}
	start := open + 1 + eol + 1
	end := bytes.Index(page[start:], []byte("\n````"))
	if end < 0 {
		return nil, errors.New("the ````yaml block is not closed")
	}
	return page[start : start+end+1], nil
}

func TestYAMLFence(t *testing.T) {
	for page, want := range map[string]string{
		"# t\n\n````yaml /openapi.yaml post /x\na: 1\n\nb: 2\n\n````\nafter\n": "a: 1\n\nb: 2\n\n",
		"````yaml\na\n````":             "", // the fence must start a line after the first
		"x\n````yaml x\n````\n":         "",
		"x\n````yaml\nline\n````\n````": "line\n",
	} {
		got, err := yamlFence([]byte(page))
		if want == "" {
			if err == nil && len(got) != 0 {
				t.Errorf("%q: got %q", page, got)
			}
			continue
		}
		if err != nil || string(got) != want {
			t.Errorf("%q: got %q, %v; want %q", page, got, err, want)
		}
	}
}

// loadSpec loads and validates the vendored spec with kin-openapi.
func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

// stringEnum returns a schema's enum values, failing on a non-string.
func stringEnum(t *testing.T, where string, s *openapi3.Schema) []string {
	t.Helper()
	if s == nil || len(s.Enum) == 0 {
		t.Fatalf("%s: no enum", where)
	}
	var out []string
	for _, v := range s.Enum {
		str, ok := v.(string)
		if !ok {
			t.Fatalf("%s: enum value %v is not a string", where, v)
		}
		out = append(out, str)
	}
	return out
}

// set makes a sorted, duplicate-free list.
func set(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// genCredentialKinds parses the generated code for the constants of type
// CredentialKind, so that a kind the generator adds is seen without editing
// this test.
func genCredentialKinds(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), genFile, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string) // value -> constant name
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "CredentialKind" {
				continue
			}
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					t.Fatalf("%s: %s is not a string literal", genFile, name.Name)
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				out[v] = name.Name
			}
		}
	}
	return out
}

// overlayMapping returns the discriminator mapping of the overlay's
// CredentialChallenge (kind -> $ref), and the overlay's copy actions
// (target -> copy source).
func overlayMapping(t *testing.T) (mapping, copies map[string]string) {
	t.Helper()
	data, err := os.ReadFile(overlayFile)
	if err != nil {
		t.Fatal(err)
	}
	var overlay struct {
		Actions []struct {
			Target string         `yaml:"target"`
			Copy   string         `yaml:"copy"`
			Update map[string]any `yaml:"update"`
		} `yaml:"actions"`
	}
	if err := yaml.Unmarshal(data, &overlay); err != nil {
		t.Fatalf("%s: %v", overlayFile, err)
	}
	copies = make(map[string]string)
	var found int
	for _, a := range overlay.Actions {
		if a.Copy != "" {
			copies[a.Target] = a.Copy
		}
		cc, ok := a.Update["CredentialChallenge"].(map[string]any)
		if !ok {
			continue
		}
		found++
		disc, _ := cc["discriminator"].(map[string]any)
		if disc["propertyName"] != "kind" {
			t.Fatalf("%s: CredentialChallenge's discriminator is %v, want propertyName kind", overlayFile, disc)
		}
		m, _ := disc["mapping"].(map[string]any)
		mapping = make(map[string]string, len(m))
		for k, v := range m {
			ref, ok := v.(string)
			if !ok {
				t.Fatalf("%s: mapping %s: %v is not a $ref string", overlayFile, k, v)
			}
			mapping[k] = ref
		}
	}
	if found != 1 || len(mapping) == 0 {
		t.Fatalf("%s: want one CredentialChallenge with a discriminator mapping, found %d (mapping %v)", overlayFile, found, mapping)
	}
	return mapping, copies
}

// TestOverlayCoversEveryKind: the `kind` values of the vendored response
// oneOf, the overlay's discriminator mapping, the generated CredentialKind
// values and the request's credentialKind enum are one and the same set. The
// overlay lists the variants by hand: a variant Dfns adds upstream would
// otherwise be dropped silently.
func TestOverlayCoversEveryKind(t *testing.T) {
	doc := loadSpec(t)
	item := doc.Paths.Value(operation)
	if item == nil || item.Post == nil {
		t.Fatalf("no POST %s", operation)
	}
	op := item.Post

	// The response oneOf: one single-value kind enum per branch.
	resp := op.Responses.Status(200)
	if resp == nil || resp.Value == nil || resp.Value.Content.Get("application/json") == nil {
		t.Fatal("no application/json 200 response")
	}
	union := resp.Value.Content.Get("application/json").Schema.Value
	if len(union.OneOf) == 0 {
		t.Fatal("the 200 response is not a oneOf")
	}
	var responseKinds []string
	for i, branch := range union.OneOf {
		kind := branch.Value.Properties["kind"]
		if kind == nil {
			t.Fatalf("oneOf[%d] has no kind property", i)
		}
		values := stringEnum(t, "oneOf["+strconv.Itoa(i)+"].kind", kind.Value)
		if len(values) != 1 {
			t.Errorf("oneOf[%d].kind has %d values %v, want 1 (the overlay selects branches by enum[0])", i, len(values), values)
		}
		responseKinds = append(responseKinds, values...)
	}
	if s := set(responseKinds); len(s) != len(responseKinds) {
		t.Errorf("a kind is in two oneOf branches: %v", responseKinds)
	}
	responseKinds = set(responseKinds)

	// The request's credentialKind enum.
	req := op.RequestBody.Value.Content.Get("application/json").Schema.Value
	requestKinds := set(stringEnum(t, "credentialKind", req.Properties["credentialKind"].Value))

	// The overlay's discriminator mapping, and the copy action behind each
	// $ref: it must select the branch of the same kind.
	mapping, copies := overlayMapping(t)
	overlayKinds := set(slices.Collect(maps.Keys(mapping)))
	for kind, ref := range mapping {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if !ok {
			t.Errorf("mapping %s: %q is not a components.schemas $ref", kind, ref)
			continue
		}
		src := copies["$.components.schemas."+name]
		want := regexp.MustCompile(`\.oneOf\[\?@\.properties\.kind\.enum\[0\]=='` + regexp.QuoteMeta(kind) + `'\]$`)
		if !want.MatchString(src) {
			t.Errorf("mapping %s -> %s: the overlay copies %q into it, want the oneOf branch of kind %s", kind, name, src, kind)
		}
	}

	// The generated enum, parsed from the generated code and checked
	// through Valid() both ways.
	genKinds := genCredentialKinds(t)
	genValues := set(slices.Collect(maps.Keys(genKinds)))
	for _, k := range responseKinds {
		if !gen.CredentialKind(k).Valid() {
			t.Errorf("gen.CredentialKind(%q).Valid() = false for a kind of the spec", k)
		}
	}
	for v, name := range genKinds {
		if !slices.Contains(responseKinds, v) {
			t.Errorf("gen.%s = %q is not a kind of the spec", name, v)
		}
		if !gen.CredentialKind(v).Valid() {
			t.Errorf("gen.%s = %q: Valid() = false", name, v)
		}
	}
	for _, v := range []string{"", "fido2", "FIDO2", "Unknown", "Passkey"} {
		if gen.CredentialKind(v).Valid() {
			t.Errorf("gen.CredentialKind(%q).Valid() = true", v)
		}
	}
	// The constants this module's code relies on, by name.
	for _, k := range []gen.CredentialKind{
		gen.CredentialKindFido2, gen.CredentialKindKey, gen.CredentialKindPassword,
		gen.CredentialKindPasswordProtectedKey, gen.CredentialKindRecoveryKey, gen.CredentialKindTotp,
	} {
		if !slices.Contains(responseKinds, string(k)) {
			t.Errorf("gen constant %q is not a kind of the spec", k)
		}
	}

	for name, got := range map[string][]string{
		"the overlay's discriminator mapping": overlayKinds,
		"gen's CredentialKind constants":      genValues,
		"the request's credentialKind enum":   requestKinds,
	} {
		if !slices.Equal(got, responseKinds) {
			t.Errorf("%s: %v; the response oneOf: %v", name, got, responseKinds)
		}
	}
	t.Logf("kinds: %v", responseKinds)
}
