package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// readKeyFile checks --out's mode and parses the PKCS #8 PEM in it.
func readKeyFile(t *testing.T, path string) crypto.Signer {
	t.Helper()
	checkMode(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" || len(rest) != 0 {
		t.Fatalf("--out is not one PKCS #8 PEM block:\n%s", b)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k.(crypto.Signer)
}

func checkMode(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
}

// lastCredential is the sandbox's newest credential.
func lastCredential(t *testing.T, srv *dfnstest.Server) dfnstest.RegisteredCredential {
	t.Helper()
	creds := srv.Credentials()
	if len(creds) == 0 {
		t.Fatal("no credential registered")
	}
	return creds[len(creds)-1]
}

func samePublicKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

func TestRegisterAgainstSandbox(t *testing.T) {
	srv := dfnstest.NewServer()
	defer srv.Close()
	env := []string{"DFNS_API_URL=" + srv.URL}
	dir := t.TempDir()

	for _, alg := range []string{"ES256", "EdDSA", "RS256"} {
		t.Run("Key "+alg, func(t *testing.T) {
			out := filepath.Join(dir, "key-"+alg+".pem")
			code := srv.MintCode()
			r := runBinary(t, string(code)+"\n", env, "register", "--kind", "Key", "--alg", alg, "--name", "laptop", "--out", out, "--code", "-")
			if r.exit != 0 {
				t.Fatalf("exit %d: %s", r.exit, r.stderr)
			}
			key := readKeyFile(t, out)
			reg := lastCredential(t, srv)
			if !samePublicKey(key.Public(), reg.Key) || reg.Name != "laptop" || reg.Kind != dfns.CredentialKindKey {
				t.Errorf("the file's key is not the registered one (%+v)", reg.Credential)
			}
			if !strings.Contains(r.stdout, `Registered Key credential "laptop"`) || !strings.Contains(r.stdout, reg.CredentialUUID) {
				t.Errorf("stdout:\n%s", r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, string(code)) {
				t.Error("the code was printed")
			}
		})
	}

	t.Run("refuses to overwrite, before redeeming the code", func(t *testing.T) {
		out := filepath.Join(dir, "exists.pem")
		if err := os.WriteFile(out, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		code := srv.MintCode()
		r := runBinary(t, string(code), env, "register", "--name", "n", "--out", out, "--code", "-")
		if r.exit != exitInvalid || !strings.Contains(r.stderr, "refusing to overwrite") {
			t.Fatalf("exit %d: %s", r.exit, r.stderr)
		}
		if b, _ := os.ReadFile(out); string(b) != "precious" {
			t.Errorf("the file was changed: %q", b)
		}
		// The code is still good.
		out2 := filepath.Join(dir, "fresh.pem")
		if r := runBinary(t, string(code), env, "register", "--name", "n", "--out", out2, "--code", "-"); r.exit != 0 {
			t.Errorf("the code was spent: exit %d: %s", r.exit, r.stderr)
		}
	})

	t.Run("code on the command line is refused", func(t *testing.T) {
		out := filepath.Join(dir, "never.pem")
		r := runBinary(t, "", env, "register", "--name", "n", "--out", out, "--code", "ABC-DEF-GHJ")
		if r.exit != exitInvalid || strings.Contains(r.stderr+r.stdout, "ABC-DEF-GHJ") {
			t.Fatalf("exit %d, stderr %q", r.exit, r.stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--out was created: %v", err)
		}
	})

	t.Run("PasswordProtectedKey, password in a file, code in DFNS_CODE", func(t *testing.T) {
		user := dfns.User{ID: "us-cliclicliclicliclicl", Name: "cli@example.com", DisplayName: "Cli"}
		code := srv.MintCode(dfnstest.ForUser(user))
		pwFile := filepath.Join(dir, "pw")
		if err := os.WriteFile(pwFile, []byte(" spaces kept \n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "ppk.pem")
		r := runBinary(t, "", append(env, "DFNS_CODE="+string(code)), "register", "--kind", "PasswordProtectedKey",
			"--name", "ppk", "--out", out, "--password-file", pwFile)
		if r.exit != 0 {
			t.Fatalf("exit %d: %s", r.exit, r.stderr)
		}
		key := readKeyFile(t, out)
		reg := lastCredential(t, srv)
		priv, err := credential.UnwrapKey(reg.EncryptedPrivateKey, " spaces kept ", user.Name)
		if err != nil {
			t.Fatalf("the stored blob does not open with the file's password: %v", err)
		}
		if !samePublicKey(key.Public(), priv.(*ecdsa.PrivateKey).Public()) || !samePublicKey(key.Public(), reg.Key) {
			t.Error("keys differ")
		}
	})

	t.Run("PasswordProtectedKey, password in DFNS_PASSWORD, JSON output", func(t *testing.T) {
		out := filepath.Join(dir, "ppk2.pem")
		r := runBinary(t, string(srv.MintCode()), append(env, "DFNS_PASSWORD=hunter2"), "register", "--kind", "PasswordProtectedKey",
			"--name", "ppk2", "--out", out, "--code", "-", "--json")
		if r.exit != 0 {
			t.Fatalf("exit %d: %s", r.exit, r.stderr)
		}
		cred, err := dfns.ParseCredentialStrict([]byte(r.stdout))
		if err != nil || cred.CredentialUUID != lastCredential(t, srv).CredentialUUID {
			t.Errorf("--json: %v\n%s", err, r.stdout)
		}
		if strings.Contains(r.stdout+r.stderr, "hunter2") {
			t.Error("the password was printed")
		}
	})

	t.Run("RecoveryKey writes the recovery code", func(t *testing.T) {
		user := dfns.User{ID: "us-recrecrecrecrecrecre", Name: "rec@example.com", DisplayName: "Rec"}
		out := filepath.Join(dir, "recovery.txt")
		r := runBinary(t, string(srv.MintCode(dfnstest.ForUser(user))), env, "register", "--kind", "RecoveryKey", "--name", "backup", "--out", out, "--code", "-")
		if r.exit != 0 {
			t.Fatalf("exit %d: %s", r.exit, r.stderr)
		}
		checkMode(t, out)
		b, _ := os.ReadFile(out)
		rc, err := credential.ParseRecoveryCode(string(b))
		if err != nil {
			t.Fatalf("--out is not a recovery code: %v", err)
		}
		if strings.Contains(r.stdout, rc) {
			t.Error("the recovery code was printed")
		}
		reg := lastCredential(t, srv)
		if _, err := credential.UnwrapKey(reg.EncryptedPrivateKey, rc, user.Name); err != nil {
			t.Errorf("the stored blob does not open with the recovery code: %v", err)
		}
	})

	t.Run("a used code: exit 4, no file left", func(t *testing.T) {
		code := srv.MintCode()
		if r := runBinary(t, string(code), env, "init", "--kind", "Key", "--code", "-"); r.exit != 0 {
			t.Fatal(r.stderr)
		}
		out := filepath.Join(dir, "used.pem")
		r := runBinary(t, string(code), env, "register", "--name", "n", "--out", out, "--code", "-")
		if r.exit != exitRejected {
			t.Fatalf("exit %d: %s", r.exit, r.stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--out left behind: %v", err)
		}
	})

	for _, tc := range []struct {
		name  string
		stdin string
		env   []string
		args  []string
		exit  int
	}{
		{"no name", "", nil, []string{"--out", "x"}, exitUsage},
		{"no out", "", nil, []string{"--name", "n"}, exitUsage},
		{"unknown alg", "", nil, []string{"--name", "n", "--out", "x", "--alg", "ES512"}, exitUsage},
		{"RecoveryKey with EdDSA", "", nil, []string{"--kind", "RecoveryKey", "--name", "n", "--out", "x", "--alg", "EdDSA"}, exitUsage},
		{"both on stdin", "", nil, []string{"--kind", "PasswordProtectedKey", "--name", "n", "--out", "x", "--code", "-", "--password", "-"}, exitUsage},
		{"password for Key", "", nil, []string{"--name", "n", "--out", "x", "--password-file", "pw"}, exitUsage},
		{"password on the command line", "ABC-DEF-GHJ", nil, []string{"--kind", "PasswordProtectedKey", "--name", "n", "--out", "x", "--code", "-", "--password", "s3cret"}, exitInvalid},
		{"no password", "ABC-DEF-GHJ", nil, []string{"--kind", "PasswordProtectedKey", "--name", "n", "--out", "x", "--code", "-"}, exitInvalid},
		{"Fido2", "ABC-DEF-GHJ", nil, []string{"--kind", "Fido2", "--name", "n", "--out", "x", "--code", "-"}, exitInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"register"}, tc.args...)
			for i, a := range args {
				if a == "x" {
					args[i] = filepath.Join(dir, "never-"+strings.ReplaceAll(tc.name, " ", "-"))
				}
			}
			r := runBinary(t, tc.stdin, append(env, tc.env...), args...)
			if r.exit != tc.exit {
				t.Fatalf("exit %d, want %d: %s", r.exit, tc.exit, r.stderr)
			}
			if strings.Contains(r.stderr, "s3cret") {
				t.Error("the password was echoed")
			}
		})
	}
	if n := len(srv.Credentials()); n != 7 {
		t.Errorf("%d credentials registered, want 7", n)
	}
}

// outcomeUser is the user of the codes the outcome tests mint.
var outcomeUser = dfns.User{ID: "us-outoutoutoutoutoutou", Name: "out@example.com", DisplayName: "Out"}

// unwrapWith opens a registered credential of outcomeUser with secret.
func unwrapWith(reg dfnstest.RegisteredCredential, secret string) (any, error) {
	return credential.UnwrapKey(reg.EncryptedPrivateKey, secret, outcomeUser.Name)
}
