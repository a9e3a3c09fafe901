package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// withholder sits between the CLI and the sandbox. It forwards every
// request, but treats the call named by step ("/init" or "/verify") as mode
// says: forward it and then withhold the answer (close the connection, block
// until the client gives up, or answer 502), or refuse it without
// forwarding (401). reached is closed once that call was forwarded and
// answered (refused, for "refuse").
type withholder struct {
	srv     *httptest.Server
	reached chan struct{}
}

func newWithholder(t *testing.T, sandbox *dfnstest.Server, step, mode string) *withholder {
	t.Helper()
	target, _ := url.Parse(sandbox.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	w := &withholder{reached: make(chan struct{})}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, step) {
			proxy.ServeHTTP(rw, r)
			return
		}
		if mode == "refuse" {
			close(w.reached)
			rw.Header().Set("Content-Type", "application/json")
			rw.WriteHeader(http.StatusUnauthorized)
			io.WriteString(rw, `{"error":{"status":401,"message":"challenge_invalid"}}`)
			return
		}
		// Forward, and read the answer: the sandbox has done its part.
		resp, err := http.Post(sandbox.URL+r.URL.Path, "application/json", r.Body)
		if err != nil {
			t.Errorf("forwarding: %v", err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		// Only now: a test that kills the client on reached must find the
		// credential registered.
		close(w.reached)
		switch mode {
		case "close":
			conn, _, err := rw.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case "block":
			<-r.Context().Done() // until the client goes away
		case "502":
			rw.WriteHeader(http.StatusBadGateway)
		}
	}))
	t.Cleanup(w.srv.Close)
	return w
}

// started is a run of the binary in the background.
type started struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func startBinary(t *testing.T, stdin string, env []string, args ...string) *started {
	t.Helper()
	s := &started{cmd: exec.Command(binary, args...)}
	s.cmd.Stdin = strings.NewReader(stdin)
	s.cmd.Env = append(cleanEnv(), env...)
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill() })
	return s
}

// wait returns the exit code, or -1 for a process killed by a signal.
func (s *started) wait(t *testing.T) int {
	t.Helper()
	err := s.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

// waitReached waits for the withheld call, bounded.
func waitReached(t *testing.T, w *withholder) {
	t.Helper()
	select {
	case <-w.reached:
	case <-time.After(30 * time.Second):
		t.Fatal("the withheld call never came")
	}
}

// TestRegisterOutcomeUnknown: verify reached the sandbox, which registered
// the credential, but its answer never came back. --out is kept, holds the
// registered credential's key, and the exit code says so.
func TestRegisterOutcomeUnknown(t *testing.T) {
	sandbox := dfnstest.NewServer()
	defer sandbox.Close()
	for _, tc := range []struct {
		mode, kind string
		signal     os.Signal
		exit       int
	}{
		{"close", "Key", nil, exitUnknown},
		{"502", "RecoveryKey", nil, exitUnknown},
		{"block", "Key", os.Interrupt, exitInterrupted},
		{"block", "PasswordProtectedKey", syscall.SIGTERM, 128 + int(syscall.SIGTERM)},
		{"block", "Key", os.Kill, -1},
	} {
		t.Run(tc.mode+" "+tc.kind+" "+sigName(tc.signal), func(t *testing.T) {
			w := newWithholder(t, sandbox, "/verify", tc.mode)
			out := filepath.Join(t.TempDir(), "secret")
			before := len(sandbox.Credentials())
			code := sandbox.MintCode(dfnstest.ForUser(outcomeUser))
			s := startBinary(t, string(code), []string{"DFNS_API_URL=" + w.srv.URL, "DFNS_PASSWORD=pw"},
				"register", "--kind", tc.kind, "--name", "n", "--out", out, "--code", "-")
			if tc.signal != nil {
				waitReached(t, w)
				if err := s.cmd.Process.Signal(tc.signal); err != nil {
					t.Fatal(err)
				}
			}
			if got := s.wait(t); got != tc.exit {
				t.Fatalf("exit %d, want %d; stderr %s", got, tc.exit, s.stderr.String())
			}
			creds := sandbox.Credentials()
			if len(creds) != before+1 {
				t.Fatalf("the sandbox registered %d credentials, want 1", len(creds)-before)
			}
			checkSecretMatches(t, out, tc.kind, creds[len(creds)-1])
			if tc.signal != os.Kill {
				msg := s.stderr.String()
				t.Logf("stderr: %s", msg)
				if !strings.HasPrefix(msg, "dfns register: ") || !strings.Contains(msg, "may have been registered") ||
					!strings.Contains(msg, out+" holds its only") || strings.Count(msg, "\n") != 1 {
					t.Errorf("stderr %q", msg)
				}
				if strings.Contains(msg+s.stdout.String(), string(code)) {
					t.Error("the code was printed")
				}
			}
			if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(leftovers) != 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

func sigName(s os.Signal) string {
	if s == nil {
		return "no signal"
	}
	return s.String()
}

// checkSecretMatches checks that --out opens the registered credential.
func checkSecretMatches(t *testing.T, out, kind string, reg dfnstest.RegisteredCredential) {
	t.Helper()
	if kind == "RecoveryKey" {
		checkMode(t, out)
		b, _ := os.ReadFile(out)
		if _, err := unwrapWith(reg, strings.TrimSpace(string(b))); err != nil {
			t.Errorf("--out does not open the registered credential: %v", err)
		}
		return
	}
	if key := readKeyFile(t, out); !samePublicKey(key.Public(), reg.Key) {
		t.Error("--out is not the registered credential's key")
	}
}

// TestRegisterCertainFailure: when the flow certainly registered nothing,
// --out is not left behind, and a rerun with the same --out works.
func TestRegisterCertainFailure(t *testing.T) {
	sandbox := dfnstest.NewServer()
	defer sandbox.Close()
	for _, tc := range []struct {
		name, step, mode string
		signal           os.Signal
		exit             int
		stderr           string
	}{
		{"verify refused", "/verify", "refuse", nil, exitRejected, "mint a new code and run again; "},
		{"Ctrl-C during init", "/init", "block", os.Interrupt, exitInterrupted, "init: interrupted: nothing was registered"},
		{"killed during init", "/init", "block", os.Kill, -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWithholder(t, sandbox, tc.step, tc.mode)
			dir := t.TempDir()
			out := filepath.Join(dir, "key.pem")
			before := len(sandbox.Credentials())
			s := startBinary(t, string(sandbox.MintCode()), []string{"DFNS_API_URL=" + w.srv.URL},
				"register", "--name", "n", "--out", out, "--code", "-")
			if tc.signal != nil {
				waitReached(t, w)
				s.cmd.Process.Signal(tc.signal)
			}
			got := s.wait(t)
			t.Logf("stderr: %s", s.stderr.String())
			if got != tc.exit || !strings.Contains(s.stderr.String(), tc.stderr) {
				t.Fatalf("exit %d, want %d; stderr %q", got, tc.exit, s.stderr.String())
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("--out left behind: %v", err)
			}
			if len(sandbox.Credentials()) != before {
				t.Fatal("a credential was registered")
			}
			// Nothing blocks the next run.
			r := runBinary(t, string(sandbox.MintCode()), []string{"DFNS_API_URL=" + sandbox.URL},
				"register", "--name", "n", "--out", out, "--code", "-")
			if r.exit != 0 {
				t.Fatalf("rerun: exit %d: %s", r.exit, r.stderr)
			}
			readKeyFile(t, out)
		})
	}
}
