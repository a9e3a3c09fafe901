package specdrift

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestNoDrift runs specdrift on upstreams that differ from the vendored spec
// only in what must not count.
func TestNoDrift(t *testing.T) {
	cases := []struct {
		name     string
		upstream func(t *testing.T) string
	}{
		{"the vendored file itself", func(t *testing.T) string { return vendoredPath }},
		{"whole document with $refs into components", func(t *testing.T) string { return "testdata/full-document.yaml" }},
		{"branches reordered, descriptions reworded", func(t *testing.T) string { return "testdata/reordered-reworded.yaml" }},
		{"JSON", func(t *testing.T) string {
			var v any
			if err := must(t, vendoredTree(t), "").Decode(&v); err != nil {
				t.Fatal(err)
			}
			data, err := json.MarshalIndent(v, "", "\t") // tabs and sorted keys: valid JSON, not valid YAML to yaml.v3
			if err != nil {
				t.Fatal(err)
			}
			data = []byte(strings.Replace(string(data), "https://api.dfns.io", `https:\/\/api.dfns.io`, 1))
			return writeFile(t, "upstream.json", data)
		}},
		{"path item behind a $ref", func(t *testing.T) string {
			root := vendoredTree(t)
			item := must(t, root, "/paths/~1auth~1credentials~1code~1init")
			set(t, root, "", "components", "{pathItems: {}}")
			mapSet(must(t, root, "/components/pathItems"), "CodeInit", item)
			mapSet(must(t, root, "/paths"), OperationPath, node(t, "{$ref: '#/components/pathItems/CodeInit'}"))
			return writeTree(t, root, "upstream.yaml")
		}},
		{"YAML anchors and aliases", func(t *testing.T) string {
			root := vendoredTree(t)
			user := must(t, root, respPtr+"/oneOf[kind=Fido2]/properties/user")
			user.Anchor = "user"
			for _, k := range []string{"Key", "Password", "Totp"} {
				mapSet(must(t, root, respPtr+"/oneOf[kind="+k+"]/properties"), "user", &yaml.Node{Kind: yaml.AliasNode, Value: "user", Alias: user})
			}
			return writeTree(t, root, "upstream.yaml")
		}},
		{"refs with escaped tokens, percent-encoding and indexes", func(t *testing.T) string {
			root := vendoredTree(t)
			user := must(t, root, respPtr+"/oneOf[kind=Fido2]/properties/user")
			set(t, root, "", "components", "{schemas: {}}")
			mapSet(must(t, root, "/components/schemas"), "users/v1 ~beta", user)
			mapSet(must(t, root, respPtr+"/oneOf[kind=Fido2]/properties"), "user", node(t, "{$ref: '#/components/schemas/users~1v1%20~0beta'}"))
			mapSet(must(t, root, respPtr+"/oneOf[kind=Key]/properties"), "user",
				node(t, "{$ref: '#/paths/~1auth~1credentials~1code~1init/post/responses/200/content/application~1json/schema/oneOf/0/properties/user'}"))
			return writeTree(t, root, "upstream.yaml")
		}},
		{"security moved to the top level", func(t *testing.T) string {
			root := vendoredTree(t)
			del(t, root, opPtr, "security")
			set(t, root, "", "security", "[{}]")
			return writeTree(t, root, "upstream.yaml")
		}},
		{"servers repeated on the path item", func(t *testing.T) string {
			root := vendoredTree(t)
			mapSet(must(t, root, "/paths/~1auth~1credentials~1code~1init"), "servers", cloneNode(must(t, root, "/servers")))
			set(t, root, "", "servers", "[{url: 'https://elsewhere.example'}]")
			return writeTree(t, root, "upstream.yaml")
		}},
		{"other operations on the path are ignored, even unresolvable", func(t *testing.T) string {
			root := vendoredTree(t)
			set(t, root, "/paths/~1auth~1credentials~1code~1init", "get", "{responses: {'200': {$ref: '#/components/responses/Nowhere'}}}")
			return writeTree(t, root, "upstream.yaml")
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runJSON(t, ExitNoDrift, "-upstream", tc.upstream(t), "-vendored", vendoredPath)
			if r.Drift || len(r.Changes) != 0 {
				t.Errorf("drift %v: %+v", r.Drift, r.Changes)
			}
			if r.UpstreamVersion != "1.807.0" {
				t.Errorf("upstreamVersion %q", r.UpstreamVersion)
			}
		})
	}
}

// TestUndecided checks the inputs on which specdrift cannot decide: exit 2
// with a message that says why, and nothing on stdout.
func TestUndecided(t *testing.T) {
	cycle := func(t *testing.T) string {
		root := vendoredTree(t)
		set(t, root, "", "components", `{schemas: {A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}, B: {type: object, properties: {a: {$ref: '#/components/schemas/A'}}}}}`)
		set(t, root, respPtr+"/oneOf[kind=Key]/properties", "tree", "{$ref: '#/components/schemas/A'}")
		return writeTree(t, root, "upstream.yaml")
	}
	withRef := func(ref string) func(t *testing.T) string {
		return func(t *testing.T) string {
			root := vendoredTree(t)
			set(t, root, reqPtr+"/properties", "code", "{$ref: '"+ref+"'}")
			return writeTree(t, root, "upstream.yaml")
		}
	}
	file := func(name string) func(t *testing.T) string { return func(t *testing.T) string { return name } }
	content := func(s string) func(t *testing.T) string {
		return func(t *testing.T) string { return writeFile(t, "upstream.yaml", []byte(s)) }
	}
	cases := []struct {
		name     string
		upstream func(t *testing.T) string
		stderr   string
	}{
		{"not OpenAPI", file("testdata/not-openapi.yaml"), "not an OpenAPI 3 document"},
		{"operation missing", file("testdata/operation-missing.yaml"), "operation not found"},
		{"path without POST", func(t *testing.T) string {
			root := vendoredTree(t)
			item := must(t, root, "/paths/~1auth~1credentials~1code~1init")
			item.Content[0].Value = "put"
			return writeTree(t, root, "upstream.yaml")
		}, "operation not found"},
		{"Swagger 2.0", content("swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n"), "Swagger 2.0"},
		{"OpenAPI 2", content("openapi: 2.0.0\npaths: {}\n"), `openapi is "2.0.0"`},
		{"a YAML list", content("- openapi: 3.1.0\n"), "not a mapping"},
		{"broken YAML", content("openapi: 3.1.0\npaths: {\n"), "parsing YAML"},
		{"empty file", content("\n\n"), "empty document"},
		{"missing file", file("testdata/does-not-exist.yaml"), "no such file"},
		{"$ref cycle", cycle, "$ref cycle: #/components/schemas/A -> #/components/schemas/B -> #/components/schemas/A"},
		{"external $ref", withRef("common.yaml#/components/schemas/Code"), "external $ref"},
		{"unresolvable $ref", withRef("#/components/schemas/Nowhere"), `$ref "#/components/schemas/Nowhere"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := run(t, "-upstream", tc.upstream(t), "-vendored", vendoredPath)
			if res.code != ExitUndecided {
				t.Fatalf("exit %d, want %d; stdout: %s", res.code, ExitUndecided, res.stdout)
			}
			if !strings.Contains(res.stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", res.stderr, tc.stderr)
			}
			if res.stdout != "" {
				t.Errorf("stdout %q, want nothing", res.stdout)
			}
		})
	}
}

// TestExpansionBudget checks that refs which expand exponentially are
// refused instead of exhausting memory (with a small budget, to stay fast).
func TestExpansionBudget(t *testing.T) {
	root := vendoredTree(t)
	schemas := node(t, "{L0: {type: string}}")
	for i := 1; i <= 30; i++ { // 2^30 leaves once expanded
		prev := "'#/components/schemas/L" + strconv.Itoa(i-1) + "'"
		mapSet(schemas, "L"+strconv.Itoa(i), node(t, "{type: object, properties: {a: {$ref: "+prev+"}, b: {$ref: "+prev+"}}}"))
	}
	mapSet(root, "components", &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{strNode("schemas"), schemas}})
	set(t, root, respPtr+"/oneOf[kind=Key]/properties", "bomb", "{$ref: '#/components/schemas/L30'}")

	r := &resolver{root: root, limit: 50_000}
	_, err := r.resolve(must(t, root, opPtr))
	if err == nil || !strings.Contains(err.Error(), "expansion too large") {
		t.Errorf("error %v, want an expansion error", err)
	}
	if r.nodes > r.limit+1 {
		t.Errorf("created %d nodes, beyond the limit %d", r.nodes, r.limit)
	}

	// The vendored operation is far below the default budget.
	r = &resolver{root: vendoredTree(t)}
	if _, err := r.resolve(must(t, r.root, opPtr)); err != nil || r.nodes > maxResolvedNodes/100 {
		t.Errorf("vendored operation: %d nodes, error %v", r.nodes, err)
	}
}
