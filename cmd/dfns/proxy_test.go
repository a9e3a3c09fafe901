package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnsproxy"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// TestProxyCommand runs `dfns proxy --strict --record DIR` in front of a
// sandbox: the client works through the printed URL, a broken answer is
// logged and flagged, the exchanges are recorded, and cancelling (what
// SIGINT and SIGTERM do) stops it with a summary line.
func TestProxyCommand(t *testing.T) {
	sb := dfnstest.NewServer(dfnstest.WithFaults())
	defer sb.Close()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outW := io.Pipe()
	// A file takes the handlers' concurrent log lines whole.
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	logged := func() string { b, _ := os.ReadFile(stderr.Name()); return string(b) }
	e := env{stdin: strings.NewReader(""), stdout: outW, stderr: stderr, getenv: func(string) string { return "" }}
	done := make(chan int, 1)
	go func() {
		done <- runProxy(ctx, e, []string{"--upstream", sb.URL, "--strict", "--record", dir, "--log-format", "json"})
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("%v; stderr %s", err, logged())
	}
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "DFNS_API_URL=")
	if !ok {
		t.Fatalf("stdout %q", line)
	}

	c, err := dfns.New(dfns.WithBaseURL(url))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, sb.MintCode()); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/auth/credentials/code/init",
		strings.NewReader(`{"credentialKind":"Key","code":"`+string(sb.MintCode())+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(dfnstest.FaultHeader, "no-temporary-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := resp.Header.Get(dfnsproxy.ViolationsHeader); h != "response /temporaryAuthenticationToken required" {
		t.Errorf("header %q", h)
	}

	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, logged())
	}
	log := logged()
	if !strings.Contains(log, `"pointer":"/temporaryAuthenticationToken","rule":"required"`) {
		t.Errorf("no violation line: %s", log)
	}
	if !strings.HasSuffix(log, "dfns proxy: stopped: 2 exchanges, 2 checked, 1 with violations (1 violation, 0 notes), 0 upstream errors, 2 recorded\n") {
		t.Errorf("no summary line: %s", log)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.json")); len(files) != 2 {
		t.Errorf("recorded %v", files)
	}
}

// TestProxySignal stops the built command with SIGTERM.
func TestProxySignal(t *testing.T) {
	sb := dfnstest.NewServer()
	defer sb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "proxy", "--upstream", sb.URL)
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "DFNS_API_URL=http://127.0.0.1:") {
		t.Fatalf("stdout %q, %v", line, err)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v; stderr %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "dfns proxy: stopped: 0 exchanges") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// TestProxyUsage refuses what it cannot run with, with exit code 2.
func TestProxyUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--upstream", "http://api.dfns.io"},
		{"--upstream", "https://api.dfns.io", "--log-format", "xml"},
		{"--upstream", "https://api.dfns.io", "extra"},
	} {
		var stderr bytes.Buffer
		e := env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: os.Getenv}
		if code := runProxy(context.Background(), e, args); code != exitUsage || !strings.Contains(stderr.String(), "dfns proxy") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
	}
}
