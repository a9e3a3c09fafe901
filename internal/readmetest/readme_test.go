package readmetest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// goBlocks returns the ```go blocks of a Markdown document.
func goBlocks(markdown string) []string {
	var blocks []string
	for _, part := range strings.Split(markdown, "```go\n")[1:] {
		block, _, ok := strings.Cut(part, "```")
		if ok {
			blocks = append(blocks, block)
		}
	}
	return blocks
}

// TestReadmeBlocks builds each Go block of README.md as a program of this
// module (through a go build overlay: nothing is written to the tree) and
// runs it against a sandbox, with DFNS_API_URL and a fresh DFNS_CODE.
func TestReadmeBlocks(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlocks(string(readme))
	if len(blocks) < 3 {
		t.Fatalf("README.md has %d Go blocks, want the flow in one call, step by step, and the sandbox", len(blocks))
	}
	srv := dfnstest.NewServer()
	defer srv.Close()
	tmp := t.TempDir()
	for i, block := range blocks {
		if !strings.HasPrefix(block, "package main\n") || !strings.Contains(block, "\nfunc main() {") {
			t.Errorf("block %d is not a whole program:\n%s", i, block)
			continue
		}
		// Build: the block becomes internal/readmetest/block<i>/main.go.
		src := filepath.Join(tmp, "block.go")
		if err := os.WriteFile(src, []byte(block), 0o600); err != nil {
			t.Fatal(err)
		}
		pkg := filepath.Join(root, "internal", "readmetest", "block"+strconv.Itoa(i))
		overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(pkg, "main.go"): src}})
		overlayFile := filepath.Join(tmp, "overlay.json")
		if err := os.WriteFile(overlayFile, overlay, 0o600); err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(tmp, "block"+strconv.Itoa(i))
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		build := exec.Command("go", "build", "-overlay", overlayFile, "-o", bin, pkg)
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			t.Errorf("block %d does not build: %v\n%s\n%s", i, err, out, block)
			continue
		}
		// Run, in a directory of its own (the flow programs write key.pem).
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		run := exec.CommandContext(ctx, bin)
		run.Dir = t.TempDir()
		run.Env = append(os.Environ(), "DFNS_API_URL="+srv.URL, "DFNS_CODE="+string(srv.MintCode()))
		var stdout, stderr bytes.Buffer
		run.Stdout, run.Stderr = &stdout, &stderr
		err = run.Run()
		cancel()
		if err != nil {
			t.Errorf("block %d failed: %v\n%s", i, err, stderr.String())
			continue
		}
		if strings.Contains(stdout.String(), "false") || stdout.Len() == 0 {
			t.Errorf("block %d printed %q", i, stdout.String())
		}
		if strings.Contains(block, `"key.pem"`) {
			if fi, err := os.Stat(filepath.Join(run.Dir, "key.pem")); err != nil || fi.Size() == 0 {
				t.Errorf("block %d wrote no key.pem: %v", i, err)
			}
		}
	}
	if got := len(srv.Credentials()); got != 2 {
		t.Errorf("the flow blocks registered %d credentials, want 2", got)
	}
}
