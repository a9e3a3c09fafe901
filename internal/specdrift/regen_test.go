package specdrift

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRegenerationCarriesAdditiveDrift is part 5 of the "generated models
// are the API" promise, end to end: an additive upstream change (a new
// optional property on the Fido2 and Key challenges, the cr- id pattern
// widened, a new version) goes through specdrift -write and go generate in
// a copy of the module, with no hand edit, and then
//   - the drift report calls every change additive, the pattern change
//     carried by regeneration;
//   - the library and the sandbox build, vet and pass their tests;
//   - a program reads the new property as a field of the typed variants,
//     from the sandbox-independent JSON, and strict validation accepts the
//     widened id.
//
// It copies the module and compiles it twice, so it is slow (a minute or
// two): `make drift-regen-test` runs it (and .ci/run), `make check` skips it.
func TestRegenerationCarriesAdditiveDrift(t *testing.T) {
	if os.Getenv("DFNS_DRIFT_REGEN") == "" {
		t.Skip("slow: run with DFNS_DRIFT_REGEN=1 (make drift-regen-test)")
	}
	root := moduleRoot(t)
	tree := t.TempDir()
	copyModule(t, root, tree)

	up := treeOf(t, filepath.Join(tree, "openapi.yaml"))
	must(t, up, "/info/version").Value = "1.900.0"
	for _, kind := range []string{"Fido2", "Key"} {
		props := must(t, up, respPtr+"/oneOf[kind="+kind+"]/properties")
		props.Content = append(props.Content, node(t, "timeout"), node(t, "{type: number, description: Milliseconds the client may take.}"))
	}
	excludeID := respPtr + "/oneOf[kind=Fido2]/properties/excludeCredentials/items/properties/id"
	must(t, up, excludeID+"/pattern").Value = "^cr-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{14,20}$"
	upstream := writeTree(t, up, "upstream.yaml")

	var out, errOut strings.Builder
	code := Run([]string{"-upstream", upstream, "-vendored", filepath.Join(tree, "openapi.yaml"), "-write"}, &out, &errOut)
	report := out.String()
	if code != 1 || strings.Contains(report, " breaking:") || !strings.Contains(report, "regenerated code carries it") {
		t.Fatalf("specdrift exit %d, report:\n%s%s", code, report, errOut.String())
	}
	t.Logf("drift report:\n%s", report)

	runIn(t, tree, "sh", "-c", "sha256sum openapi.yaml > openapi.yaml.sha256")
	runIn(t, tree, "go", "generate", "./...")
	runIn(t, tree, "go", "vet", "./gen/...", "./pkg/...", "./internal/specschema/...", "./cmd/...")
	runIn(t, tree, "go", "test", "-count=1", "./gen/...", "./pkg/dfns/...", "./pkg/dfnstest/...", "./internal/specschema/...")

	prog := filepath.Join(tree, "cmd", "drifted")
	if err := os.MkdirAll(prog, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prog, "main.go"), []byte(driftedProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := runIn(t, tree, "go", "run", "./cmd/drifted"); strings.TrimSpace(got) != "Fido2 timeout 60000, Key timeout 30000" {
		t.Fatalf("the program printed %q", got)
	}
}

// driftedProgram reads the new property through the typed variants, as a
// user would after `make drift-update`.
const driftedProgram = `package main

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

func main() {
	fido2, err := os.ReadFile("pkg/dfns/testdata/responses/fido2.json")
	if err != nil {
		log.Fatal(err)
	}
	key, err := os.ReadFile("pkg/dfns/testdata/responses/key.json")
	if err != nil {
		log.Fatal(err)
	}
	widened := strings.Replace(string(fido2), "\"kind\"", "\"timeout\": 60000, \"kind\"", 1)
	widened = strings.Replace(widened, "\"excludeCredentials\": [", "\"excludeCredentials\": [{\"type\": \"public-key\", \"id\": \"cr-aaaaa-bbbbb-cccccccccccccccccccc\"}, ", 1)
	ch, err := dfns.ParseChallengeStrict([]byte(widened))
	if err != nil {
		log.Fatal(err)
	}
	kc, err := dfns.ParseChallenge([]byte(strings.Replace(string(key), "\"kind\"", "\"timeout\": 30000, \"kind\"", 1)))
	if err != nil {
		log.Fatal(err)
	}
	f := ch.(*dfns.Fido2Challenge)
	k := kc.(*dfns.KeyChallenge)
	fmt.Printf("Fido2 timeout %v, Key timeout %v\n", *f.Timeout, *k.Timeout)
}
`

// moduleRoot is the directory of this module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// copyModule copies what building, generating and testing the library
// needs: the module files, the specs and configs, and the source trees.
func copyModule(t *testing.T, from, to string) {
	t.Helper()
	for _, rel := range []string{"go.mod", "go.sum", "tools.go", "openapi.yaml", "openapi.yaml.sha256", "openapi.overlay.yaml",
		"openapi.flow.yaml", "oapi-codegen.yaml", "oapi-codegen.flow.yaml", "gen", "pkg", "internal", "cmd"} {
		err := filepath.WalkDir(filepath.Join(from, rel), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			dst := filepath.Join(to, strings.TrimPrefix(path, from))
			if d.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// runIn runs a command in dir, bounded in time, and returns its output.
func runIn(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
