package readmetest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// screenLines is what a package's `go doc` may take: one screen.
const screenLines = 60

// godocPackages are the packages whose `go doc` is held to one screen.
var godocPackages = []string{"./cmd/dfns", "./pkg/credential"}

// TestGoDocFitsAScreen: `go doc` of each package is at most 60 lines, the
// long sections living in docs/.
func TestGoDocFitsAScreen(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range godocPackages {
		cmd := exec.Command("go", "doc", pkg)
		cmd.Dir = root
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go doc %s: %v", pkg, err)
		}
		if n := strings.Count(string(out), "\n"); n > screenLines || n < 5 {
			t.Errorf("go doc %s is %d lines, want 5 to %d", pkg, n, screenLines)
		}
	}
}
