package specdrift

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/speakeasy-api/openapi/overlay/loader"
	"gopkg.in/yaml.v3"
)

// copyVendored copies the vendored spec into t.TempDir(): -write tests never
// touch the real file.
func copyVendored(t *testing.T) string {
	t.Helper()
	return writeFile(t, "openapi.yaml", readFixture(t, vendoredPath))
}

// topKeys is the top-level keys of a YAML document, in order.
func topKeys(t *testing.T, data []byte) []string {
	t.Helper()
	root, err := parseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := 0; i < len(root.Content); i += 2 {
		keys = append(keys, root.Content[i].Value)
	}
	return keys
}

// TestWriteRoundTrip writes the whole-document fixture (and others) over a
// copy of the vendored spec, then checks that the result has today's shape,
// reads back as the upstream operation, compares clean with itself, and is
// accepted by kin-openapi.
func TestWriteRoundTrip(t *testing.T) {
	drifted := func(t *testing.T) string {
		root := vendoredTree(t)
		set(t, root, respPtr+"/oneOf[kind=Fido2]/properties", "expiresAt", "{type: string, format: date-time}")
		must(t, root, "/info/version").Value = "1.808.0"
		return writeTree(t, root, "upstream.yaml")
	}
	cases := []struct {
		name     string
		upstream func(t *testing.T) string
		exit     int
		keys     string
	}{
		{"whole document with $refs", func(t *testing.T) string { return "testdata/full-document.yaml" }, ExitNoDrift,
			"openapi info servers security paths components"},
		{"JSON-like reordered document", func(t *testing.T) string { return "testdata/reordered-reworded.yaml" }, ExitNoDrift,
			"openapi info servers security paths"},
		{"drifted upstream", drifted, ExitDrift, "openapi info servers security paths"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := copyVendored(t)
			upstream := tc.upstream(t)
			res := run(t, "-upstream", upstream, "-vendored", target, "-write")
			if res.code != tc.exit {
				t.Fatalf("-write: exit %d, want %d; stderr %s", res.code, tc.exit, res.stderr)
			}
			if !strings.Contains(res.stderr, "wrote "+target) {
				t.Errorf("stderr %q does not say what was written", res.stderr)
			}
			written, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}

			if got := strings.Join(topKeys(t, written), " "); got != tc.keys {
				t.Errorf("top-level keys %q, want %q", got, tc.keys)
			}
			if !bytes.Contains(written, []byte("\npaths:\n  /auth/credentials/code/init:\n")) || !bytes.Contains(written, []byte("\n    post:\n      ")) {
				t.Error("not 2-space block YAML with the operation under paths")
			}
			if n := bytes.Count(written, []byte("$ref")); n != 0 {
				t.Errorf("%d $refs left", n)
			}
			if got := strings.Count(string(written), "\n  /"); got != 1 {
				t.Errorf("%d paths written, want 1", got)
			}

			// Reads back as the upstream operation, against both sides.
			for _, args := range [][]string{
				{"-upstream", upstream, "-vendored", target},
				{"-upstream", target, "-vendored", target},
			} {
				if res := run(t, args...); res.code != ExitNoDrift {
					t.Errorf("%v: exit %d, want 0; stdout %s stderr %s", args, res.code, res.stdout, res.stderr)
				}
			}
			// The written file is vendored-equivalent only when the upstream was.
			if res := run(t, "-upstream", target, "-vendored", vendoredPath); res.code != tc.exit {
				t.Errorf("against the vendored spec: exit %d, want %d", res.code, tc.exit)
			}
			// Not only the semantics: descriptions survive the rewrite word for word.
			up, err := Load(readFixture(t, upstream))
			if err != nil {
				t.Fatal(err)
			}
			back, err := Load(written)
			if err != nil {
				t.Fatal(err)
			}
			if canonical(toPlain(up.op)) != canonical(toPlain(back.op)) {
				t.Error("the written operation is not the upstream one, annotations included")
			}

			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromData(written)
			if err != nil {
				t.Fatalf("kin-openapi load: %v", err)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Errorf("kin-openapi validate: %v", err)
			}
		})
	}
}

// TestWriteKeepsOverlayApplicable rewrites a copy of the live openapi.yaml
// from itself and applies the overlay to the result in strict mode, as go
// generate does: what -write produces is what the generator accepts.
func TestWriteKeepsOverlayApplicable(t *testing.T) {
	target := writeFile(t, "openapi.yaml", readFixture(t, liveVendoredPath))
	if res := run(t, "-upstream", liveVendoredPath, "-vendored", target, "-write"); res.code != ExitNoDrift {
		t.Fatalf("-write: exit %d; stderr %s", res.code, res.stderr)
	}
	if res := run(t, "-upstream", target, "-vendored", liveVendoredPath); res.code != ExitNoDrift {
		t.Errorf("the rewrite drifted: %s", res.stdout)
	}
	applyOverlay(t, readFixture(t, target))
}

// applyOverlay applies openapi.overlay.yaml in strict mode to a spec, as
// go generate does, and fails the test on an error.
func applyOverlay(t *testing.T, spec []byte) {
	t.Helper()
	o, err := loader.LoadOverlay(overlayPath)
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(spec, &root); err != nil {
		t.Fatal(err)
	}
	if _, err := o.ApplyToStrict(&root); err != nil {
		t.Errorf("overlay (strict): %v", err)
	}
}

// TestWriteRefusals checks that -write leaves the vendored file alone when
// the tool cannot decide or the target is not a file.
func TestWriteRefusals(t *testing.T) {
	target := copyVendored(t)
	before := readFixture(t, target)
	for _, args := range [][]string{
		{"-upstream", "testdata/operation-missing.yaml", "-vendored", target, "-write"},
		{"-upstream", "testdata/not-openapi.yaml", "-vendored", target, "-write"},
		{"-upstream", target, "-vendored", "https://docs.dfns.example/openapi.yaml", "-write"},
	} {
		if res := run(t, args...); res.code != ExitUndecided {
			t.Errorf("%v: exit %d, want 2", args, res.code)
		}
	}
	if !bytes.Equal(before, readFixture(t, target)) {
		t.Error("the vendored copy changed")
	}
	if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 1 {
		t.Errorf("%d files next to the target, want it alone (no temporary file left)", len(entries))
	}
}

// TestMarshalJSONUpstream checks that a JSON upstream is written as block
// YAML, with strings that would read as another type quoted.
func TestMarshalJSONUpstream(t *testing.T) {
	op, err := Load([]byte(`{"openapi": "3.1.0", "info": {"title": "Dfns", "version": "1.807.0", "description": "dropped"},
		"paths": {"/auth/credentials/code/init": {"post": {"responses": {"200": {"description": "true"}}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	data, err := Marshal(op)
	if err != nil {
		t.Fatal(err)
	}
	want := `openapi: 3.1.0
info:
  title: Dfns
  version: 1.807.0
paths:
  /auth/credentials/code/init:
    post:
      responses:
        '200':
          description: 'true'
`
	if string(data) != want {
		t.Errorf("got\n%s\nwant\n%s", data, want)
	}
}
