package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// binary is the dfns command built once for the subprocess tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dfns-cli-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "dfns")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building the dfns command: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a run of the binary gave.
type result struct {
	stdout, stderr string
	exit           int
}

// runBinary runs the built command with args, stdin and extra environment,
// bounded in time.
func runBinary(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(cleanEnv(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	exit := 0
	if ee, ok := err.(*exec.ExitError); ok {
		exit = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running dfns %v: %v", args, err)
	}
	return result{out.String(), errOut.String(), exit}
}

// cleanEnv is the test's environment without DFNS_* variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DFNS_") {
			env = append(env, kv)
		}
	}
	return env
}

func TestDemo(t *testing.T) {
	r := runBinary(t, "", nil, "demo")
	if r.exit != 0 {
		t.Fatalf("demo exit %d\nstdout:\n%s\nstderr:\n%s", r.exit, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) > 40 {
		t.Errorf("demo prints %d lines, want <= 40:\n%s", len(lines), r.stdout)
	}
	for _, run := range demoRuns {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), run.label()+" ") && strings.Contains(l, " cr-") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d lines register %s, want 1:\n%s", n, run.label(), r.stdout)
		}
	}
	squeezed := strings.Join(strings.Fields(r.stdout), " ")
	for _, want := range []string{"unwrapped with the password: same key", "recovery code unwraps", "software authenticator",
		"a used code, again refused: 401", "a used challenge, again refused: 401", "6 credentials registered"} {
		if !strings.Contains(squeezed, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, l := range lines {
		if len(l) > 120 {
			t.Errorf("line of %d characters: %q", len(l), l)
		}
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, "dfns sandbox") {
		t.Errorf("demo does not end with the command to try next: %q", last)
	}
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
}

func TestInitAgainstSandbox(t *testing.T) {
	srv := dfnstest.NewServer()
	defer srv.Close()
	env := []string{"DFNS_API_URL=" + srv.URL}

	t.Run("code on stdin, human output", func(t *testing.T) {
		code := srv.MintCode()
		r := runBinary(t, string(code)+"\n", env, "init", "--kind", "Key", "--code", "-")
		if r.exit != 0 {
			t.Fatalf("exit %d: %s", r.exit, r.stderr)
		}
		if !strings.Contains(r.stdout, "Key challenge for ") || !strings.Contains(r.stdout, "challengeIdentifier:") {
			t.Errorf("unexpected summary:\n%s", r.stdout)
		}
	})
	t.Run("code in DFNS_CODE, JSON output", func(t *testing.T) {
		code := srv.MintCode()
		r := runBinary(t, "", append(env, "DFNS_CODE="+string(code)), "init", "--kind", "Fido2", "--json")
		if r.exit != 0 {
			t.Fatalf("exit %d: %s", r.exit, r.stderr)
		}
		ch, err := dfns.ParseChallengeStrict([]byte(r.stdout))
		if err != nil {
			t.Fatalf("--json output is not a strict-valid challenge: %v\n%s", err, r.stdout)
		}
		if _, ok := ch.(*dfns.Fido2Challenge); !ok {
			t.Errorf("got %T, want *dfns.Fido2Challenge", ch)
		}
	})
	t.Run("code in a file, used twice", func(t *testing.T) {
		code := srv.MintCode()
		file := filepath.Join(t.TempDir(), "code")
		if err := os.WriteFile(file, []byte(string(code)), 0o600); err != nil {
			t.Fatal(err)
		}
		if r := runBinary(t, "", env, "init", "--kind", "RecoveryKey", "--code-file", file); r.exit != 0 {
			t.Fatalf("first use: exit %d: %s", r.exit, r.stderr)
		}
		r := runBinary(t, "", env, "init", "--kind", "RecoveryKey", "--code-file", file)
		if r.exit != exitRejected {
			t.Fatalf("second use: exit %d, want %d: %s", r.exit, exitRejected, r.stderr)
		}
		if strings.Contains(r.stderr, string(code)) || strings.Contains(r.stdout, string(code)) {
			t.Errorf("the code leaked into the output: %q %q", r.stdout, r.stderr)
		}
	})
	t.Run("no code anywhere", func(t *testing.T) {
		r := runBinary(t, "", env, "init", "--kind", "Key")
		if r.exit != exitInvalid || !strings.Contains(r.stderr, "DFNS_CODE") {
			t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
		}
	})
	t.Run("code on the command line is refused", func(t *testing.T) {
		r := runBinary(t, "", env, "init", "--kind", "Key", "--code", "ABC-DEF-GHJ")
		if r.exit != exitInvalid || strings.Contains(r.stderr, "ABC-DEF-GHJ") {
			t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
		}
	})
	t.Run("unknown kind", func(t *testing.T) {
		r := runBinary(t, "ABC-DEF-GHJ", env, "init", "--kind", "Passkey", "--code", "-")
		if r.exit != exitInvalid {
			t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
		}
	})
	t.Run("plain http to a remote host", func(t *testing.T) {
		r := runBinary(t, "ABC-DEF-GHJ", nil, "init", "--kind", "Key", "--code", "-", "--api-url", "http://example.com")
		if r.exit != exitUsage || !strings.Contains(r.stderr, "loopback") {
			t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
		}
	})
}

func TestSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "sandbox", "--addr", "127.0.0.1:0", "--seed", "7", "--codes", "3", "--code-ttl", "1h")
	cmd.Env = cleanEnv()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	var apiURL string
	var codes []string
	for len(codes) < 3 && lines.Scan() {
		k, v, ok := strings.Cut(lines.Text(), "=")
		switch {
		case ok && k == "DFNS_API_URL":
			apiURL = v
		case ok && k == "DFNS_CODE":
			codes = append(codes, v)
		default:
			t.Fatalf("unexpected line %q", lines.Text())
		}
	}
	errLines := bufio.NewScanner(stderr)
	var info []string
	for len(info) < 4 && errLines.Scan() {
		info = append(info, errLines.Text())
	}
	if apiURL == "" || len(codes) != 3 || codes[0] == codes[1] || codes[1] == codes[2] {
		t.Fatalf("sandbox printed %s %v", apiURL, codes)
	}
	if len(info) != 4 || !strings.Contains(info[0], "3 single-use codes, valid until ") || !strings.Contains(info[0], "(1h0m0s)") ||
		!strings.Contains(info[1], "export DFNS_API_URL="+apiURL) || !strings.Contains(info[2], "dfns register --name laptop") ||
		!strings.Contains(info[3], "dfns mint") {
		t.Errorf("stderr %q", info)
	}
	go io.Copy(io.Discard, stderr)

	// Each printed code works against the printed URL, through the client.
	c, err := dfns.New(dfns.WithBaseURL(apiURL))
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range codes {
		ch, err := c.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, dfns.OneTimeCode(code))
		if err != nil {
			t.Fatalf("redeeming a printed code: %v", err)
		}
		if _, ok := ch.(*dfns.KeyChallenge); !ok {
			t.Fatalf("got %T", ch)
		}
	}

	// More codes later: dfns mint prints one alone on stdout, for a pipe.
	env := []string{"DFNS_API_URL=" + apiURL}
	m := runBinary(t, "", env, "mint", "--ttl", "2m")
	if m.exit != 0 || !strings.Contains(m.stderr, "valid until") || !strings.Contains(m.stderr, "(2m0s)") {
		t.Fatalf("mint: exit %d, stderr %q", m.exit, m.stderr)
	}
	out := filepath.Join(t.TempDir(), "key.pem")
	if r := runBinary(t, m.stdout, env, "register", "--name", "n", "--out", out, "--code", "-"); r.exit != 0 {
		t.Fatalf("registering with the minted code: exit %d: %s", r.exit, r.stderr)
	}
	if m := runBinary(t, "", nil, "mint"); m.exit != exitUsage || !strings.Contains(m.stderr, "set DFNS_API_URL") {
		t.Errorf("mint without an API: exit %d, stderr %q", m.exit, m.stderr)
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sandbox did not exit cleanly on SIGINT: %v", err)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"nope"},
		{"init", "--no-such-flag"},
		{"init"},
		{"init", "--kind", "Key", "extra"},
		{"sandbox", "--seed", "x"},
		{"sandbox", "--code-ttl", "0"},
		{"sandbox", "--codes", "-1"},
		{"demo", "--bogus"},
		{"init", "--kind", "Key", "--region", "mars"},
		{"init", "--kind", "Key", "--region", "eu", "--api-url", "https://x.example"},
	} {
		r := runBinary(t, "", nil, args...)
		if r.exit != exitUsage {
			t.Errorf("dfns %v: exit %d, want %d (stderr %q)", args, r.exit, exitUsage, r.stderr)
		}
		if !strings.Contains(r.stderr, "Usage") && !strings.Contains(r.stderr, "dfns") {
			t.Errorf("dfns %v: no usage on stderr: %q", args, r.stderr)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, c := range commands {
		r := runBinary(t, "", nil, c.name, "--help")
		if r.exit != 0 || !strings.Contains(r.stdout, "Usage: dfns "+c.name) {
			t.Errorf("%s --help: exit %d, stdout %q", c.name, r.exit, r.stdout)
		}
	}
	for _, c := range []string{"init", "register"} {
		if r := runBinary(t, "", nil, c, "--help"); !strings.Contains(r.stdout, "Exit codes:") {
			t.Errorf("%s --help does not document the exit codes:\n%s", c, r.stdout)
		}
	}
	if r := runBinary(t, "", nil, "register", "--help"); !strings.Contains(r.stdout, "0600") || !strings.Contains(r.stdout, "DFNS_PASSWORD") {
		t.Errorf("register --help does not document --out and the password:\n%s", r.stdout)
	}
	r := runBinary(t, "", nil, "version")
	if r.exit != 0 || !strings.HasPrefix(r.stdout, "dfns "+dfns.Version) {
		t.Errorf("version: %d %q", r.exit, r.stdout)
	}
}
