package specdrift

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Files the tests read (never write). The tests compare against a frozen
// copy of openapi.yaml, so that they keep passing after `make drift-update`
// rewrites it; the overlay guards read the live spec and overlay.
const (
	vendoredPath     = "testdata/vendored.yaml"
	liveVendoredPath = "../../openapi.yaml"
	overlayPath      = "../../openapi.overlay.yaml"
)

// Pointers into the vendored document's shape.
const (
	opPtr   = "/paths/~1auth~1credentials~1code~1init/post"
	reqPtr  = opPtr + "/requestBody/content/application~1json/schema"
	respPtr = opPtr + "/responses/200/content/application~1json/schema"
)

// vendoredTree parses the frozen vendored spec into a fresh tree (its
// top-level mapping) for a test to mutate.
func vendoredTree(t *testing.T) *yaml.Node {
	t.Helper()
	return treeOf(t, vendoredPath)
}

// treeOf parses a document into a fresh tree (its top-level mapping).
func treeOf(t *testing.T, path string) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	root, err := parseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// writeTree writes a tree as YAML to a new file in t.TempDir().
func writeTree(t *testing.T, root *yaml.Node, name string) string {
	t.Helper()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name, buf.Bytes())
}

// writeFile writes data to a new file in t.TempDir().
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// kindToken matches a "oneOf[kind=K]" token of the pointer convention.
var kindToken = regexp.MustCompile(`^(.*)\[kind=(.*)\]$`)

// at returns the node at ptr (the package's pointer convention) under root,
// or nil.
func at(root *yaml.Node, ptr string) *yaml.Node {
	n := root
	if ptr == "" {
		return n
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		if m := kindToken.FindStringSubmatch(tok); m != nil {
			seq := mapGet(n, unescapeToken(m[1]))
			n = nil
			if seq == nil {
				return nil
			}
			for _, b := range seq.Content {
				if scalarString(at(b, "/properties/kind/enum/0")) == unescapeToken(m[2]) {
					n = b
				}
			}
			if n == nil {
				return nil
			}
			continue
		}
		tok = unescapeToken(tok)
		switch n.Kind {
		case yaml.MappingNode:
			n = mapGet(n, tok)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
		if n == nil {
			return nil
		}
	}
	return n
}

// must is at that fails the test when nothing is there.
func must(t *testing.T, root *yaml.Node, ptr string) *yaml.Node {
	t.Helper()
	n := at(root, ptr)
	if n == nil {
		t.Fatalf("nothing at %s", ptr)
	}
	return n
}

// node parses a YAML snippet into a node.
func node(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatalf("snippet %q: %v", src, err)
	}
	return doc.Content[0]
}

// set sets key in the mapping at ptr to the YAML snippet src.
func set(t *testing.T, root *yaml.Node, ptr, key, src string) {
	t.Helper()
	mapSet(must(t, root, ptr), key, node(t, src))
}

// del deletes key from the mapping at ptr.
func del(t *testing.T, root *yaml.Node, ptr, key string) {
	t.Helper()
	m := must(t, root, ptr)
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
	t.Fatalf("no %q at %s", key, ptr)
}

// dropItem removes the items of the sequence at ptr for which drop is true.
func dropItem(t *testing.T, root *yaml.Node, ptr string, drop func(*yaml.Node) bool) {
	t.Helper()
	seq := must(t, root, ptr)
	before := len(seq.Content)
	kept := seq.Content[:0]
	for _, item := range seq.Content {
		if !drop(item) {
			kept = append(kept, item)
		}
	}
	seq.Content = kept
	if len(kept) == before {
		t.Fatalf("nothing dropped at %s", ptr)
	}
}

// dropValue removes the scalar value from the sequence at ptr.
func dropValue(t *testing.T, root *yaml.Node, ptr, value string) {
	t.Helper()
	dropItem(t, root, ptr, func(n *yaml.Node) bool { return n.Value == value })
}

// appendItem appends the YAML snippet src to the sequence at ptr.
func appendItem(t *testing.T, root *yaml.Node, ptr, src string) {
	t.Helper()
	seq := must(t, root, ptr)
	seq.Content = append(seq.Content, node(t, src))
}

// cloneNode deep-copies a tree.
func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, item := range n.Content {
		c.Content[i] = cloneNode(item)
	}
	return &c
}

// result is what Run did.
type result struct {
	code           int
	stdout, stderr string
}

// run runs the command with args.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(args, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// runJSON runs the command with -json and decodes the report; it fails the
// test unless the exit code is want.
func runJSON(t *testing.T, want int, args ...string) Report {
	t.Helper()
	res := run(t, append(args, "-json")...)
	if res.code != want {
		t.Fatalf("exit %d, want %d; stderr: %s; stdout: %s", res.code, want, res.stderr, res.stdout)
	}
	var r Report
	if err := json.Unmarshal([]byte(res.stdout), &r); err != nil {
		t.Fatalf("decoding the -json report: %v\n%s", err, res.stdout)
	}
	return r
}
