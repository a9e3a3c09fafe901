package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

const registerHelp = `Registers a new key credential from a one-time code, the whole "Create Credential
With Code" flow in one command: init (POST /auth/credentials/code/init), the key
attestation, and verify (POST /auth/credentials/code/verify). It prints the new
credential and writes its secret to --out:

  Key                   a new private key of --alg, PKCS #8 PEM
  PasswordProtectedKey  a new P-256 private key, PKCS #8 PEM (Dfns also keeps it,
                        encrypted with the password)
  RecoveryKey           the recovery code (D1-…), the only way to use the credential

--out is created with mode 0600 and never overwritten: an existing file is refused
before any request. If anything fails after the code was redeemed, the file is
removed and the code is spent: mint a new one.

Secrets never come from the command line (shells and ps keep it):
  the one-time code   --code - (stdin), --code-file FILE, or DFNS_CODE
  the password        --password - (stdin), --password-file FILE, or DFNS_PASSWORD
                      (PasswordProtectedKey only; only a trailing newline is removed)
stdin can carry one of them only. DFNS_API_URL sets the base URL when --api-url and
--region are absent.`

// registerKinds are the kinds register makes.
var registerKinds = []dfns.CredentialKind{dfns.CredentialKindKey, dfns.CredentialKindPasswordProtectedKey, dfns.CredentialKindRecoveryKey}

// algorithms by the names --alg takes.
var algorithmNames = map[string]credential.Algorithm{
	"ES256": credential.AlgorithmES256, "EDDSA": credential.AlgorithmEdDSA, "ED25519": credential.AlgorithmEdDSA, "RS256": credential.AlgorithmRS256,
}

func runRegister(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "register",
		"register --kind Key|PasswordProtectedKey|RecoveryKey --name NAME --out FILE [--code - | --code-file FILE]\n"+
			"                     [--alg ES256|EdDSA|RS256] [--password - | --password-file FILE]\n"+
			"                     [--region eu|uae | --api-url URL] [--json] [--timeout D] [--strict]",
		registerHelp+"\n\n"+exitCodesHelp)
	kind := fs.String("kind", "Key", "credential kind: Key, PasswordProtectedKey or RecoveryKey")
	name := fs.String("name", "", "the credential's `NAME` (credentialName); required")
	out := fs.String("out", "", "write the private key (or recovery code) to `FILE`, created 0600; required")
	alg := fs.String("alg", "ES256", "Key only: the new key's algorithm, ES256, EdDSA or RS256 (RSA 3072)")
	passwordFlag := fs.String("password", "", "PasswordProtectedKey only: '-' to read the password from stdin")
	passwordFile := fs.String("password-file", "", "PasswordProtectedKey only: read the password from `FILE`")
	api := addAPIFlags(fs, "credential")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "dfns register: "+format+"\n", a...)
		return exitUsage
	}
	k := dfns.CredentialKind(*kind)
	algorithm, ok := algorithmNames[strings.ToUpper(*alg)]
	switch {
	case *name == "":
		return usageErr("--name is required")
	case *out == "":
		return usageErr("--out is required: the new credential's secret must be kept")
	case !ok:
		return usageErr("--alg %q: want ES256, EdDSA or RS256", *alg)
	case k != dfns.CredentialKindKey && algorithm != credential.AlgorithmES256:
		return usageErr("--alg: %s keys are always ES256 (P-256)", k)
	case *api.code == "-" && *passwordFlag == "-":
		return usageErr("the code and the password cannot both come from stdin")
	case k != dfns.CredentialKindPasswordProtectedKey && (*passwordFlag != "" || *passwordFile != ""):
		return usageErr("--password and --password-file are for PasswordProtectedKey only")
	}
	if !isRegisterKind(k) {
		fmt.Fprintf(e.stderr, "dfns register: --kind %q: register makes Key, PasswordProtectedKey and RecoveryKey credentials"+
			" (a Fido2 credential needs an authenticator)\n", *kind)
		return exitInvalid
	}
	opts, err := api.clientOptions(e)
	if err != nil {
		return usageErr("%v", err)
	}
	code, err := api.readCode(e)
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns register: %v\n", err)
		return exitInvalid
	}
	var password string
	if k == dfns.CredentialKindPasswordProtectedKey {
		if password, err = readPassword(e, *passwordFlag, *passwordFile); err != nil {
			fmt.Fprintf(e.stderr, "dfns register: %v\n", err)
			return exitInvalid
		}
	}
	client, err := dfns.New(opts...)
	if err != nil {
		return usageErr("%v", err)
	}

	// The file is created before the code is redeemed: a name that cannot
	// be written must not cost the code.
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			fmt.Fprintf(e.stderr, "dfns register: %s exists: refusing to overwrite it\n", *out)
		} else {
			fmt.Fprintf(e.stderr, "dfns register: %v\n", err)
		}
		return exitInvalid
	}
	fail := func(code int, format string, a ...any) int {
		f.Close()
		os.Remove(*out)
		fmt.Fprintf(e.stderr, "dfns register: "+format+"\n", a...)
		return code
	}

	reg, err := credential.Register(ctx, client, code, credential.RegisterOptions{
		Kind: k, Name: *name, Algorithm: algorithm, Password: password,
	})
	if err != nil {
		return fail(exitCodeFor(err), "%v", err)
	}
	secret, what, err := credentialSecret(reg)
	if err == nil {
		_, err = f.Write(secret)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		// The credential exists, but its secret is lost.
		os.Remove(*out)
		fmt.Fprintf(e.stderr, "dfns register: the credential %s was registered, but writing its %s to %s failed: %v\n",
			reg.Credential.CredentialUUID, what, *out, err)
		return exitFailure
	}

	if *api.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reg.Credential); err != nil {
			fmt.Fprintf(e.stderr, "dfns register: %v\n", err)
			return exitFailure
		}
		return exitOK
	}
	printCredential(e.stdout, reg.Credential)
	fmt.Fprintf(e.stdout, "  %-20s  written to %s (mode 0600)\n", what+":", *out)
	if k == dfns.CredentialKindRecoveryKey {
		fmt.Fprintln(e.stdout, "Keep the recovery code offline: it is the only way to use this credential.")
	}
	return exitOK
}

func isRegisterKind(k dfns.CredentialKind) bool {
	for _, r := range registerKinds {
		if k == r {
			return true
		}
	}
	return false
}

// credentialSecret is what --out receives, and what to call it.
func credentialSecret(reg *credential.Registration) ([]byte, string, error) {
	if reg.Kind == dfns.CredentialKindRecoveryKey {
		return []byte(reg.RecoveryCode + "\n"), "recovery code", nil
	}
	der, err := x509.MarshalPKCS8PrivateKey(reg.Signer)
	if err != nil {
		return nil, "private key", err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), "private key", nil
}

// printCredential prints a registered credential.
func printCredential(w io.Writer, c *dfns.Credential) {
	fmt.Fprintf(w, "Registered %s credential %q\n", c.Kind, c.Name)
	fmt.Fprintf(w, "  %-20s  %s\n", "credentialUuid:", c.CredentialUUID)
	fmt.Fprintf(w, "  %-20s  %s\n", "credentialId:", c.CredentialID)
	fmt.Fprintf(w, "  %-20s  %s\n", "created:", c.DateCreated.Format("2006-01-02T15:04:05.000Z07:00"))
	fmt.Fprintf(w, "  %-20s  %v\n", "active:", c.IsActive)
	fmt.Fprintf(w, "  %-20s  %s\n", "relying party:", c.RelyingPartyID)
	fmt.Fprintf(w, "  %-20s  %s\n", "origin:", c.Origin)
	if c.PublicKey != "" {
		fmt.Fprintf(w, "  %-20s  %s\n", "public key:", describeKey(c.PublicKey))
	}
}

// describeKey names the algorithm of a PEM public key.
func describeKey(pemKey string) string {
	block, _ := pem.Decode([]byte(pemKey))
	if block == nil {
		return "(not PEM)"
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return "(unreadable)"
	}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d bits", k.N.BitLen())
	}
	return fmt.Sprintf("%T", pub)
}
