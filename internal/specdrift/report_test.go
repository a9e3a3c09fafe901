package specdrift

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestTextReport checks the human format: notes, one line per change
// ("class pointer breaking|additive: detail"), and a summary line.
func TestTextReport(t *testing.T) {
	root := vendoredTree(t)
	must(t, root, "/info/version").Value = "1.808.0"
	appendItem(t, root, respPtr+"/oneOf[kind=Fido2]/properties/attestation/enum", "self")
	dropValue(t, root, reqPtr+"/properties/credentialKind/enum", "Totp")
	res := run(t, "-upstream", writeTree(t, root, "upstream.yaml"), "-vendored", vendoredPath)
	if res.code != ExitDrift {
		t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
	}
	want := []string{
		"note: info.version: 1.807.0 -> 1.808.0 (not drift by itself)",
		"enum-values-removed " + reqPtr + `/properties/credentialKind breaking: values removed: "Totp"`,
		"enum-values-added " + respPtr + `/oneOf[kind=Fido2]/properties/attestation additive: values added: "self"`,
		"drift: 2 change(s), 1 breaking (upstream 1.808.0, vendored 1.807.0)",
	}
	if got := strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("stdout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	res = run(t, "-upstream", vendoredPath, "-vendored", vendoredPath)
	if res.code != ExitNoDrift || res.stdout != "no drift (upstream 1.807.0, vendored 1.807.0)\n" {
		t.Errorf("no drift: exit %d, stdout %q", res.code, res.stdout)
	}
}

// TestJSONReportShape pins the -json format: its field names and types, and
// empty arrays (never null) when there is nothing to say.
func TestJSONReportShape(t *testing.T) {
	root := vendoredTree(t)
	set(t, root, opPtr+"/responses", "429", "{description: Too Many Requests}")
	cases := []struct {
		name     string
		upstream string
		exit     int
		changes  int
	}{
		{"no drift", vendoredPath, ExitNoDrift, 0},
		{"drift", writeTree(t, root, "upstream.yaml"), ExitDrift, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, "-upstream", tc.upstream, "-vendored", vendoredPath, "-json")
			if res.code != tc.exit {
				t.Fatalf("exit %d; stderr %s", res.code, res.stderr)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil {
				t.Fatal(err)
			}
			keys := slices.Sorted(func(yield func(string) bool) {
				for k := range doc {
					if !yield(k) {
						return
					}
				}
			})
			if want := []string{"changes", "drift", "notes", "upstreamVersion", "vendoredVersion"}; !slices.Equal(keys, want) {
				t.Errorf("keys %q, want %q", keys, want)
			}
			if doc["drift"] != (tc.exit == ExitDrift) {
				t.Errorf("drift %v", doc["drift"])
			}
			notes, ok := doc["notes"].([]any)
			if !ok || len(notes) != 0 {
				t.Errorf("notes %#v, want []", doc["notes"])
			}
			changes, ok := doc["changes"].([]any)
			if !ok || len(changes) != tc.changes {
				t.Fatalf("changes %#v, want %d", doc["changes"], tc.changes)
			}
			for _, c := range changes {
				c := c.(map[string]any)
				if _, ok := c["class"].(string); !ok {
					t.Errorf("class %#v", c["class"])
				}
				if p, ok := c["pointer"].(string); !ok || !strings.HasPrefix(p, "/") {
					t.Errorf("pointer %#v", c["pointer"])
				}
				if _, ok := c["breaking"].(bool); !ok {
					t.Errorf("breaking %#v", c["breaking"])
				}
				if d, ok := c["detail"].(string); !ok || d == "" || strings.Contains(res.stdout, `\u003e`) {
					t.Errorf("detail %#v (HTML-escaped?)", c["detail"])
				}
				if len(c) != 4 {
					t.Errorf("change has %d fields, want 4: %v", len(c), c)
				}
			}
		})
	}
}

// TestFlags checks the command line: required -upstream, unknown flags and
// arguments are exit 2 with usage; -h is exit 0.
func TestFlags(t *testing.T) {
	cases := []struct {
		args   []string
		exit   int
		stderr string
	}{
		{nil, ExitUndecided, "-upstream is required"},
		{[]string{"-vendored", vendoredPath}, ExitUndecided, "usage: specdrift"},
		{[]string{"-upstream", vendoredPath, "-nope"}, ExitUndecided, "flag provided but not defined: -nope"},
		{[]string{"-upstream", vendoredPath, "extra"}, ExitUndecided, `unexpected argument "extra"`},
		{[]string{"-h"}, ExitNoDrift, "Exit status: 0 no drift, 1 drift, 2 could not decide."},
		{[]string{"-upstream", vendoredPath, "-vendored", "testdata/not-openapi.yaml"}, ExitUndecided, "vendored testdata/not-openapi.yaml: not an OpenAPI 3 document"},
	}
	for _, tc := range cases {
		res := run(t, tc.args...)
		if res.code != tc.exit || !strings.Contains(res.stderr, tc.stderr) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tc.args, res.code, res.stderr, tc.exit, tc.stderr)
		}
	}
}

// TestBranchesWithoutKind checks the fallback for a oneOf whose branches
// have no kind: they are compared by index.
func TestBranchesWithoutKind(t *testing.T) {
	d := &differ{}
	v := []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
	u := []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}, map[string]any{"type": "boolean"}}
	d.oneOf("/x", v, u, request)
	got := []string{}
	for _, c := range d.changes {
		got = append(got, string(c.Class)+" "+c.Pointer)
	}
	if want := []string{"type-changed /x/oneOf/1", "variant-added /x/oneOf/2"}; !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
}

// TestToPlainScalars checks how YAML scalars become plain values: an
// unquoted 200 key is the string "200", numbers compare as numbers.
func TestToPlainScalars(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("200: {a: 1, b: 1.0, c: '1', d: true, e: null, f: ~, g: 0x10}"), &doc); err != nil {
		t.Fatal(err)
	}
	got := canonical(toPlain(&doc))
	if want := `{"200":{"a":1,"b":1,"c":"1","d":true,"e":null,"f":null,"g":16}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
