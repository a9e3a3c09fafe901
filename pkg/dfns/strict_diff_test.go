package dfns

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// This file proves that validateStrict (strict.go) gives kin-openapi's
// verdict, against the vendored spec, on the corpus in testdata/corpus and on
// mutants generated from its valid bodies. kin-openapi gives two verdicts:
// its JSON Schema 2020-12 validator (what OpenAPI 3.1 means) and its legacy
// built-in validator; all three must agree on every body.

// specPath is the vendored spec, relative to this package.
const specPath = "../../openapi.yaml"

// corpusDir holds valid/*.json and invalid/*.json.
const corpusDir = "testdata/corpus"

var (
	specOnce   sync.Once
	specSchema *openapi3.Schema
	specErr    error
)

// responseSchema is the 200 response schema of POST
// /auth/credentials/code/init in the vendored spec, loaded and validated once.
func responseSchema(tb testing.TB) *openapi3.Schema {
	tb.Helper()
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(specPath)
		if err != nil {
			specErr = fmt.Errorf("load %s: %w", specPath, err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			specErr = fmt.Errorf("validate %s: %w", specPath, err)
			return
		}
		item := doc.Paths.Value("/auth/credentials/code/init")
		if item == nil || item.Post == nil {
			specErr = fmt.Errorf("%s: no POST /auth/credentials/code/init", specPath)
			return
		}
		resp := item.Post.Responses.Status(200)
		if resp == nil || resp.Value == nil {
			specErr = fmt.Errorf("%s: no 200 response", specPath)
			return
		}
		mt := resp.Value.Content.Get("application/json")
		if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
			specErr = fmt.Errorf("%s: no application/json schema for the 200 response", specPath)
			return
		}
		specSchema = mt.Schema.Value
	})
	if specErr != nil {
		tb.Fatal(specErr)
	}
	return specSchema
}

// kinVerdicts is kin-openapi's verdict on a body: with its JSON Schema
// 2020-12 validator and with its legacy validator (no MultiErrors). A body
// encoding/json cannot decode into an any is invalid for both.
func kinVerdicts(schema *openapi3.Schema, data []byte) (v2020, legacy bool) {
	decode := func() (any, bool) {
		var v any
		return v, json.Unmarshal(data, &v) == nil
	}
	v, ok := decode()
	if !ok {
		return false, false
	}
	v2020 = schema.VisitJSON(v, openapi3.EnableJSONSchema2020()) == nil
	v, _ = decode() // a fresh copy: a validator may not touch the other's value
	legacy = schema.VisitJSON(v) == nil
	return v2020, legacy
}

// corpusBody is one body of the differential corpus.
type corpusBody struct {
	name string
	data []byte
	// dir is "valid" or "invalid" for a testdata file, "" for a mutant.
	dir string
}

// loadCorpusFiles reads testdata/corpus/{valid,invalid}/*.json.
func loadCorpusFiles(tb testing.TB) []corpusBody {
	tb.Helper()
	var out []corpusBody
	for _, dir := range []string{"valid", "invalid"} {
		files, err := filepath.Glob(filepath.Join(corpusDir, dir, "*.json"))
		if err != nil {
			tb.Fatal(err)
		}
		if len(files) == 0 {
			tb.Fatalf("no files in %s/%s", corpusDir, dir)
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, corpusBody{name: dir + "/" + filepath.Base(f), data: data, dir: dir})
		}
	}
	return out
}

// baseFiles are the valid base body of each kind that the mutations start
// from.
var baseFiles = map[CredentialKind]string{
	CredentialKindFido2:                "fido2.json",
	CredentialKindKey:                  "key.json",
	CredentialKindPasswordProtectedKey: "password-protected-key.json",
	CredentialKindRecoveryKey:          "recovery-key.json",
	CredentialKindPassword:             "password.json",
	CredentialKindTotp:                 "totp.json",
}

// enumProps are the properties whose schema is an enum, with a value the
// spec does not know.
var enumProps = map[string]string{
	"kind":                    "Unknown",
	"attestation":             "self",
	"residentKey":             "mandatory",
	"userVerification":        "always",
	"authenticatorAttachment": "hybrid",
	"type":                    "private-key",
}

// jsonPath is a path into a decoded JSON value: string keys and int indexes.
type jsonPath []any

func (p jsonPath) String() string {
	var b strings.Builder
	for _, x := range p {
		b.WriteString("/")
		b.WriteString(fmt.Sprint(x))
	}
	return b.String()
}

// decodeAny decodes data into an any, failing the test on error.
func decodeAny(tb testing.TB, data []byte) any {
	tb.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return v
}

// deepCopy copies a decoded JSON value.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		a := make([]any, len(v))
		for i, x := range v {
			a[i] = deepCopy(x)
		}
		return a
	}
	return v
}

// paths lists the path of every object member and array element under v.
func paths(v any, prefix jsonPath) []jsonPath {
	var out []jsonPath
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := append(slices.Clone(prefix), k)
			out = append(out, p)
			out = append(out, paths(v[k], p)...)
		}
	case []any:
		for i, x := range v {
			p := append(slices.Clone(prefix), i)
			out = append(out, p)
			out = append(out, paths(x, p)...)
		}
	}
	return out
}

// edit returns a copy of root with the value at p replaced by f's result;
// f returning del deletes it (an array element is removed).
func edit(root any, p jsonPath, f func(old any) any) any {
	return editInPlace(deepCopy(root), p, f)
}

func editInPlace(v any, p jsonPath, f func(old any) any) any {
	if len(p) == 0 {
		return f(v)
	}
	switch k := p[0].(type) {
	case string:
		m := v.(map[string]any)
		if nv := editInPlace(m[k], p[1:], f); nv == del {
			delete(m, k)
		} else {
			m[k] = nv
		}
	case int:
		a := v.([]any)
		nv := editInPlace(a[k], p[1:], f)
		if nv == del {
			return slices.Delete(a, k, k+1)
		}
		a[k] = nv
	}
	return v
}

// del is the sentinel edit result that deletes a member.
var del any = &struct{ deleted bool }{true}

// setTo returns an edit function that sets a constant.
func setTo(v any) func(any) any { return func(any) any { return v } }

// mustMarshal encodes v (keys sorted, like every mutant).
func mustMarshal(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// mutants generates the mutations of one valid base body of a kind.
func mutants(tb testing.TB, kind CredentialKind, data []byte) []corpusBody {
	tb.Helper()
	base := decodeAny(tb, data)
	var out []corpusBody
	add := func(name string, b []byte) {
		out = append(out, corpusBody{name: string(kind) + ":" + name, data: b})
	}
	addV := func(name string, v any) { add(name, mustMarshal(tb, v)) }

	// Every member and element: deleted, and set to each JSON type.
	replacements := []struct {
		name string
		v    any
	}{
		{"null", nil}, {"number", 1.0}, {"string", "x"}, {"object", map[string]any{}}, {"array", []any{}}, {"true", true},
	}
	for _, p := range paths(base, nil) {
		addV("delete"+p.String(), edit(base, p, setTo(del)))
		for _, r := range replacements {
			addV("set"+p.String()+"="+r.name, edit(base, p, setTo(r.v)))
		}
		// Unknown enum values, and the known value in the wrong case.
		if key, ok := p[len(p)-1].(string); ok {
			if unknown, ok := enumProps[key]; ok {
				addV("enum"+p.String()+"=unknown", edit(base, p, setTo(unknown)))
				addV("enum"+p.String()+"=upper", edit(base, p, func(old any) any {
					s, _ := old.(string)
					return strings.ToUpper(s)
				}))
			}
		}
	}

	// Unknown properties are allowed, at every level.
	addV("extra-property", edit(base, nil, func(v any) any {
		v.(map[string]any)["x-extra"] = []any{1.0, "two", nil}
		return v
	}))
	for _, p := range paths(base, nil) {
		if _, ok := valueAt(base, p).(map[string]any); ok {
			addV("extra-property"+p.String(), edit(base, p, func(v any) any {
				v.(map[string]any)["x-extra"] = map[string]any{"nested": true}
				return v
			}))
		}
	}

	// Other kinds: valid only when this body has every field that kind
	// requires.
	for _, other := range CredentialKinds() {
		if other != kind {
			addV("kind="+string(other), edit(base, jsonPath{"kind"}, setTo(string(other))))
		}
	}
	for _, k := range []string{"Unknown", "", "FIDO2", "key", " Key", "Key "} {
		addV("kind="+strconv.Quote(k), edit(base, jsonPath{"kind"}, setTo(k)))
	}

	// The body itself of another type.
	for _, b := range []string{`[]`, `[` + string(data) + `]`, `"` + string(kind) + `"`, `null`, `0`, `true`, `{}`} {
		add("body="+b[:min(len(b), 8)], []byte(b))
	}

	// excludeCredentials ids, pubKeyCredParams algs.
	if m := base.(map[string]any); m["excludeCredentials"] != nil {
		idPath := jsonPath{"excludeCredentials", 0, "id"}
		for name, id := range map[string]string{
			"65-chars":           "cr-6uunn-bm6ja-" + strings.Repeat("a", 50),
			"64-chars":           "cr-6uunn-bm6ja-" + strings.Repeat("a", 49),
			"empty":              "",
			"wrong-pattern":      "credential-1",
			"underscores":        "cr_6uunn_bm6ja_f6rmod5kqrk5rbel",
			"uppercase":          "CR-6UUNN-BM6JA-F6RMOD5KQRK5RBEL",
			"uppercase-tail":     "cr-6uunn-bm6ja-F6RMOD5KQRK5RBEL",
			"13-trailing":        "cr-6uunn-bm6ja-" + strings.Repeat("b", 13),
			"14-trailing":        "cr-6uunn-bm6ja-" + strings.Repeat("b", 14),
			"15-trailing":        "cr-6uunn-bm6ja-" + strings.Repeat("b", 15),
			"16-trailing":        "cr-6uunn-bm6ja-" + strings.Repeat("b", 16),
			"17-trailing":        "cr-6uunn-bm6ja-" + strings.Repeat("b", 17),
			"4-chars-second":     "cr-6uunn-bm6j-f6rmod5kqrk5rbel",
			"6-chars-first":      "cr-6uunnn-bm6ja-f6rmod5kqrk5rbel",
			"trailing-newline":   "cr-6uunn-bm6ja-f6rmod5kqrk5rbel\n",
			"leading-newline":    "\ncr-6uunn-bm6ja-f6rmod5kqrk5rbel",
			"inner-newline":      "cr-6uunn-bm6ja-f6rmod5\nkqrk5rbel",
			"trailing-space":     "cr-6uunn-bm6ja-f6rmod5kqrk5rbel ",
			"nul":                "cr-6uunn-bm6ja-f6rmod5kqrk5rbe\x00",
			"multibyte-tail":     "cr-6uunn-bm6ja-f6rmod5kqrk5rbé",
			"64-multibyte-runes": strings.Repeat("é", 64),
			"65-multibyte-runes": strings.Repeat("é", 65),
			"32-emoji":           strings.Repeat("🙂", 32),
			"fullwidth-digits":   "cr-６uunn-bm6ja-f6rmod5kqrk5rbel",
			"kelvin-sign":        "cr-6uunn-bm6ja-f6rmod5kqrk5rbe\u212a",
		} {
			addV("id="+name, edit(base, idPath, setTo(id)))
		}
		addV("id=second-item-bad", edit(base, jsonPath{"excludeCredentials"}, func(v any) any {
			return append(v.([]any), map[string]any{"type": "public-key", "id": "cr-bad"})
		}))
		addV("id=second-item-good", edit(base, jsonPath{"excludeCredentials"}, func(v any) any {
			return append(v.([]any), map[string]any{"type": "public-key", "id": "cr-00000-11111-22222222222222"})
		}))
	}
	if m := base.(map[string]any); m["pubKeyCredParams"] != nil {
		algPath := jsonPath{"pubKeyCredParams", 0, "alg"}
		for name, alg := range map[string]any{
			"string": "-7", "fraction": 1.5, "zero": 0.0, "huge": 1e300, "tiny": 5e-324, "max-int": 9007199254740993.0,
		} {
			addV("alg="+name, edit(base, algPath, setTo(alg)))
		}
		addV("params=third-item-bad", edit(base, jsonPath{"pubKeyCredParams"}, func(v any) any {
			return append(v.([]any), map[string]any{"type": "public-key"})
		}))
	}

	// Raw-text mutations, on the compact encoding of the base.
	compact := mustMarshal(tb, base)
	inner := string(compact[1 : len(compact)-1]) // members without the braces
	for _, other := range CredentialKinds() {
		if other == kind {
			continue
		}
		// Duplicate keys: encoding/json keeps the last one.
		add("dup-kind-first="+string(other), []byte(`{"kind":"`+string(other)+`",`+inner+`}`))
		add("dup-kind-last="+string(other), []byte(`{`+inner+`,"kind":"`+string(other)+`"}`))
		// A key differing only in case is another property.
		add("Kind-besides="+string(other), []byte(`{`+inner+`,"Kind":"`+string(other)+`"}`))
	}
	add("dup-challengeIdentifier-null-last", []byte(`{`+inner+`,"challengeIdentifier":null}`))
	add("dup-challengeIdentifier-number-first", []byte(`{"challengeIdentifier":1,`+inner+`}`))
	add("dup-user-string-first", []byte(`{"user":"u",`+inner+`}`))
	for _, variant := range []string{"Kind", "KIND", "kinD", "\u212aind"} { // \u212a: KELVIN SIGN, folds to k
		add("kind-key="+variant, bytes.Replace(compact, []byte(`"kind":`), []byte(`"`+variant+`":`), 1))
		add("kind-key-besides="+variant, []byte(`{`+inner+`,"`+variant+`":5}`))
	}
	for _, key := range []string{"challengeIdentifier", "user", "temporaryAuthenticationToken", "challenge", "otpUrl", "excludeCredentials"} {
		if !bytes.Contains(compact, []byte(`"`+key+`":`)) {
			continue
		}
		upper := strings.ToUpper(key[:1]) + key[1:]
		add("key-case="+upper, bytes.Replace(compact, []byte(`"`+key+`":`), []byte(`"`+upper+`":`), 1))
		add("key-case-besides="+upper, []byte(`{`+inner+`,"`+upper+`":null}`))
	}
	// Unicode escapes: in a key, in the kind, in every string value.
	add("escaped-key", bytes.Replace(compact, []byte(`"kind":`), []byte(`"\u006b\u0069nd":`), 1))
	add("escaped-kind", bytes.Replace(compact, []byte(`"kind":"`+string(kind)), []byte(`"kind":"\u00`+strconv.FormatInt(int64(kind[0]), 16)+string(kind[1:])), 1))
	add("escaped-all-strings", escapeStrings(compact))
	add("escaped-kind-wrong-case", bytes.Replace(compact, []byte(`"kind":"`+string(kind)), []byte(`"kind":"\u00`+strconv.FormatInt(int64(kind[0]|0x20), 16)+string(kind[1:])), 1))
	// Strings JSON decodes to U+FFFD: lone surrogates, invalid UTF-8.
	add("lone-surrogate", bytes.Replace(compact, []byte(`"challengeIdentifier":"`), []byte(`"challengeIdentifier":"\ud800`), 1))
	add("invalid-utf8", bytes.Replace(compact, []byte(`"challengeIdentifier":"`), []byte("\"challengeIdentifier\":\"\xff"), 1))
	add("invalid-utf8-kind", bytes.Replace(compact, []byte(`"kind":"`+string(kind)), []byte("\"kind\":\""+string(kind)+"\xff"), 1))
	add("multibyte-user", bytes.Replace(compact, []byte(`"name":"`), []byte(`"name":"ünïcødé 🙂 名前 `), 1))
	if bytes.Contains(compact, []byte(`"excludeCredentials"`)) {
		add("id-escaped-newline", bytes.Replace(compact, []byte(`rbel"`), []byte(`rbel\n"`), 1))
		add("id-escaped-chars", bytes.Replace(compact, []byte(`"cr-`), []byte(`"\u0063\u0072\u002d`), 1))
		add("id-escaped-uppercase", bytes.Replace(compact, []byte(`"cr-`), []byte(`"\u0043r-`), 1))
	}
	// Not JSON, or not only JSON.
	add("truncated", compact[:len(compact)/2])
	add("trailing-data", append(slices.Clone(compact), []byte(` {}`)...))
	add("trailing-comma", []byte(`{`+inner+`,}`))
	add("bom", append([]byte("\xef\xbb\xbf"), compact...))
	add("whitespace", append(append([]byte(" \t\r\n"), compact...), " \n"...))
	add("single-quotes", bytes.ReplaceAll(compact, []byte(`"kind"`), []byte(`'kind'`)))
	return out
}

// valueAt returns the value at p in v, nil when absent.
func valueAt(v any, p jsonPath) any {
	for _, x := range p {
		switch x := x.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[x]
		case int:
			a, ok := v.([]any)
			if !ok || x >= len(a) {
				return nil
			}
			v = a[x]
		}
	}
	return v
}

// escapeStrings writes the first ASCII letter of every JSON string (keys and
// values) of a compact encoding as a \u escape.
func escapeStrings(compact []byte) []byte {
	var out []byte
	inString, escaped := false, false
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		switch {
		case !inString:
			out = append(out, c)
			if c == '"' {
				inString = true
				if i+1 < len(compact) && (compact[i+1]|0x20) >= 'a' && (compact[i+1]|0x20) <= 'z' {
					out = fmt.Appendf(out, `\u%04x`, compact[i+1])
					i++
				}
			}
		case escaped:
			out = append(out, c)
			escaped = false
		case c == '\\':
			out = append(out, c)
			escaped = true
		default:
			out = append(out, c)
			if c == '"' {
				inString = false
			}
		}
	}
	return out
}

// diffCorpus is every body of the differential test: the testdata files, then
// the mutants of each kind's base body, without duplicates.
func diffCorpus(tb testing.TB) []corpusBody {
	tb.Helper()
	files := loadCorpusFiles(tb)
	seen := make(map[string]bool)
	var out []corpusBody
	for _, b := range files { // every file, even one a mutant repeats
		seen[string(b.data)] = true
		out = append(out, b)
	}
	for _, kind := range CredentialKinds() {
		data, err := os.ReadFile(filepath.Join(corpusDir, "valid", baseFiles[kind]))
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range mutants(tb, kind, data) {
			if !seen[string(m.data)] {
				seen[string(m.data)] = true
				out = append(out, m)
			}
		}
	}
	return out
}

// verdict is the three validators' verdicts on one body.
type verdict struct {
	strict, kin2020, kinLegacy bool
}

// verdicts computes every body's verdicts. kin-openapi's 2020-12 validator
// compiles the schema on each call, so it runs once per distinct decoded
// value (its verdict depends on nothing else; escapes, key order, spacing
// and overwritten duplicate keys do not matter to it), on every core.
func verdicts(tb testing.TB, bodies []corpusBody) []verdict {
	tb.Helper()
	schema := responseSchema(tb)
	out := make([]verdict, len(bodies))
	canon := make([]string, len(bodies)) // "" when not JSON
	first := make(map[string]int)        // canonical value -> first body
	var work []int
	for i, b := range bodies {
		out[i].strict = validateStrict(b.data) == nil
		var v any
		if json.Unmarshal(b.data, &v) != nil {
			continue // invalid for both kin validators
		}
		canon[i] = string(mustMarshal(tb, v))
		if _, ok := first[canon[i]]; !ok {
			first[canon[i]] = i
			work = append(work, i)
		}
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				out[i].kin2020, out[i].kinLegacy = kinVerdicts(schema, bodies[i].data)
			}
		})
	}
	for _, i := range work {
		next <- i
	}
	close(next)
	wg.Wait()
	for i := range bodies {
		if canon[i] != "" {
			j := first[canon[i]]
			out[i].kin2020, out[i].kinLegacy = out[j].kin2020, out[j].kinLegacy
		}
	}
	tb.Logf("%d bodies, %d distinct JSON values validated by kin-openapi", len(bodies), len(work))
	return out
}

// TestStrictMatchesKinOpenAPI is the differential test: validateStrict and
// kin-openapi (both validators) agree on every body, and every testdata file
// sits in the directory of its verdict.
func TestStrictMatchesKinOpenAPI(t *testing.T) {
	bodies := diffCorpus(t)
	results := verdicts(t, bodies)
	var valid, invalid, files, mutantCount int
	for i, b := range bodies {
		r := results[i]
		if r.strict != r.kin2020 || r.strict != r.kinLegacy {
			t.Errorf("%s: verdicts differ: strict=%v kin 2020-12=%v kin legacy=%v\nbody: %s",
				b.name, r.strict, r.kin2020, r.kinLegacy, snippet(b.data))
			continue
		}
		if b.dir != "" {
			files++
			if want := b.dir == "valid"; r.strict != want {
				t.Errorf("%s: verdict valid=%v, but the file is in %s/", b.name, r.strict, b.dir)
			}
		} else {
			mutantCount++
		}
		if r.strict {
			valid++
		} else {
			invalid++
		}
	}
	t.Logf("%d bodies (%d files, %d mutants): %d valid, %d invalid", len(bodies), files, mutantCount, valid, invalid)
	if valid == 0 || invalid == 0 {
		t.Errorf("the corpus must hold both verdicts: %d valid, %d invalid", valid, invalid)
	}
	// Every kind has valid and invalid bodies among the mutants.
	for _, kind := range CredentialKinds() {
		var v, iv int
		for i, b := range bodies {
			if strings.HasPrefix(b.name, string(kind)+":") {
				if results[i].strict {
					v++
				} else {
					iv++
				}
			}
		}
		if v == 0 || iv == 0 {
			t.Errorf("%s mutants: %d valid, %d invalid; want both", kind, v, iv)
		}
	}
}

// snippet shows a body in a failure message.
func snippet(data []byte) string {
	const max = 400
	if len(data) > max {
		return strconv.Quote(string(data[:max])) + "…"
	}
	return strconv.Quote(string(data))
}

// TestStrictPrimitivesMatchKinOpenAPI compares the rule builders of strict.go
// with kin-openapi on one-keyword schemas, where a value can break one rule
// alone (in the spec, the id pattern hides its length bounds: a non-ASCII id
// never matches it).
func TestStrictPrimitivesMatchKinOpenAPI(t *testing.T) {
	maxLen := uint64(4)
	cases := []struct {
		name   string
		schema *openapi3.Schema
		check  check
		values []any
	}{
		{
			name:   "minLength 1, maxLength 4",
			schema: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, MinLength: 1, MaxLength: &maxLen},
			check:  str(1, 4, nil),
			values: []any{"", "a", "abcd", "abcde", "é", "éééé", "ééééé", "🙂🙂🙂🙂", "🙂🙂🙂🙂🙂", "\u0301\u0301\u0301\u0301", "e\u0301e\u0301", "e\u0301e\u0301e", "\x00\x00\x00\x00", 4.0, nil, true},
		},
		{
			name:   "pattern",
			schema: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Pattern: credentialIDPattern.String()},
			check:  str(0, -1, credentialIDPattern),
			values: []any{"cr-aaaaa-bbbbb-cccccccccccccc", "cr-aaaaa-bbbbb-cccccccccccccc\n", "\ncr-aaaaa-bbbbb-cccccccccccccc", "xcr-aaaaa-bbbbb-cccccccccccccc", "cr-aaaaa-bbbbb-ccccccccccccccccc", "cr-aaaaa-bbbbb-ccccccccccccc", "cr-AAAAA-bbbbb-cccccccccccccc", "cr-ａaaaa-bbbbb-cccccccccccccc"},
		},
		{
			name:   "enum",
			schema: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: []any{"none", "direct"}},
			check:  enum[AttestationConveyance]("none", "direct"),
			values: []any{"none", "direct", "None", "", "none ", nil, 0.0},
		},
		{
			name:   "number",
			schema: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeNumber}},
			check:  number,
			values: []any{0.0, -7.0, 1.5, 1e300, "1", nil, true, []any{}},
		},
		{
			name:   "boolean",
			schema: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeBoolean}},
			check:  boolean,
			values: []any{true, false, "true", 0.0, nil},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range c.values {
				strict := c.check("", v) == nil
				v2020 := c.schema.VisitJSON(v, openapi3.EnableJSONSchema2020()) == nil
				legacy := c.schema.VisitJSON(v) == nil
				if strict != v2020 || strict != legacy {
					t.Errorf("%q: strict=%v kin 2020-12=%v kin legacy=%v", v, strict, v2020, legacy)
				}
			}
		})
	}
}
