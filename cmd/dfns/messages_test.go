package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// TestMessages: each error is one line with one "dfns <command>:" prefix,
// the cause and the next step, and never holds the code.
func TestMessages(t *testing.T) {
	srv := dfnstest.NewServer()
	defer srv.Close()
	sandbox := []string{"DFNS_API_URL=" + srv.URL}
	used := srv.MintCode()
	if r := runBinary(t, string(used), sandbox, "init", "--kind", "Key", "--code", "-"); r.exit != 0 {
		t.Fatal(r.stderr)
	}
	dir := t.TempDir()
	exists := filepath.Join(dir, "exists.pem")
	if err := os.WriteFile(exists, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	const code = "ABC-DEF-GHJ"
	for _, tc := range []struct {
		name  string
		env   []string
		stdin string
		args  []string
		exit  int
		want  string
	}{
		{"used code", sandbox, string(used), []string{"init", "--kind", "key", "--code", "-"}, exitRejected,
			"dfns init: the one-time code was refused (401 "},
		{"used code, register", sandbox, string(used), []string{"register", "--kind", "KEY", "--name", "n", "--out", filepath.Join(dir, "k"), "--code", "-"},
			exitRejected, "dfns register: init: the one-time code was refused (401 "},
		{"timeout 0", nil, code, []string{"init", "--kind", "Key", "--code", "-", "--timeout", "0"}, exitUsage,
			"--timeout must be positive"},
		{"bad DFNS_API_URL", []string{"DFNS_API_URL=ftp://h"}, code, []string{"init", "--kind", "Key", "--code", "-"}, exitUsage,
			`dfns init: DFNS_API_URL "ftp://h" is not a usable base URL (the scheme must be https)`},
		{"no scheme", nil, code, []string{"init", "--kind", "Key", "--code", "-", "--api-url", "api.example.com"}, exitUsage,
			"add https:// (e.g. https://api.example.com)"},
		{"http remote", nil, code, []string{"register", "--name", "n", "--out", "k", "--code", "-", "--api-url", "http://example.com"}, exitUsage,
			"use https://, or run the sandbox on 127.0.0.1"},
		{"nothing listening", []string{"DFNS_API_URL=http://127.0.0.1:1"}, code, []string{"init", "--kind", "Key", "--code", "-"}, exitNetwork,
			"cannot reach the API at 127.0.0.1:1"},
		{"unknown kind", nil, code, []string{"init", "--kind", "passkey", "--code", "-"}, exitInvalid,
			`--kind "passkey": want one of Fido2, Key`},
		{"Fido2 register", nil, code, []string{"register", "--kind", "fido2", "--name", "n", "--out", "k", "--code", "-"}, exitInvalid,
			"made by an authenticator"},
		{"out exists", sandbox, code, []string{"register", "--name", "n", "--out", exists, "--code", "-"}, exitInvalid,
			"exists: refusing to overwrite it; choose another name"},
		{"code on the command line", nil, "", []string{"init", "--kind", "Key", "--code", code}, exitInvalid,
			"never put the one-time code on the command line"},
		{"empty code file", nil, "", []string{"init", "--kind", "Key", "--code-file", os.DevNull}, exitInvalid,
			"the one-time code from " + os.DevNull + " is empty"},
		{"bad flag", nil, "", []string{"register", "--nmae", "x"}, exitUsage, "run 'dfns register --help' for the flags"},
		{"unknown command", nil, "", []string{"regster"}, exitUsage, "dfns: unknown command \"regster\": run 'dfns help'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runBinary(t, tc.stdin, tc.env, tc.args...)
			if r.exit != tc.exit || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, want %d; stderr %q, want %q", r.exit, tc.exit, r.stderr, tc.want)
			}
			msg := strings.TrimSuffix(r.stderr, "\n")
			prefix := "dfns " + tc.args[0] + ": "
			if tc.exit == exitUsage && tc.name == "unknown command" {
				prefix = "dfns: "
			}
			rest, ok := strings.CutPrefix(msg, prefix)
			if !ok || strings.Contains(msg, "\n") || strings.Contains(rest, "dfns: ") || strings.Contains(rest, "credential: ") {
				t.Errorf("not one line with one prefix %q: %q", prefix, msg)
			}
			if strings.Contains(r.stdout+r.stderr, code) || strings.Contains(r.stdout+r.stderr, string(used)) {
				t.Error("the code was printed")
			}
		})
	}
}
