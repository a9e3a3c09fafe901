package main

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

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

--out is refused before any request if it exists. The secret is on disk (0600, a
hidden temporary file beside --out) before verify is sent, a Key's before init,
and takes the name --out through a link just before verify: --out exists exactly
when the credential may exist, so a killed run never leaves an --out that blocks
the next one. --out is removed only when the flow certainly failed. When verify
was sent and its answer never came (timeout, Ctrl-C, a lost connection), --out is
kept and the exit code is 9 (130 after Ctrl-C): the credential may exist, and
--out holds its only key.

Secrets never come from the command line (shells and ps keep it):
  the one-time code   --code - (stdin), --code-file FILE, or DFNS_CODE
  the password        --password - (stdin), --password-file FILE, or DFNS_PASSWORD
                      (PasswordProtectedKey only; only a trailing newline is removed)
At a terminal, '-' prompts on stderr and reads one line without echo; otherwise
stdin can carry one of them only. DFNS_API_URL sets the base URL when --api-url
and --region are absent.`

// registerKinds are the kinds register makes.
var registerKinds = []dfns.CredentialKind{dfns.CredentialKindKey, dfns.CredentialKindPasswordProtectedKey, dfns.CredentialKindRecoveryKey}

// algorithms by the names --alg takes.
var algorithmNames = map[string]credential.Algorithm{
	"ES256": credential.AlgorithmES256, "EDDSA": credential.AlgorithmEdDSA, "ED25519": credential.AlgorithmEdDSA, "RS256": credential.AlgorithmRS256,
}

// registration is one run of register, its inputs checked.
type registration struct {
	e        env
	client   *dfns.Client
	kind     dfns.CredentialKind
	alg      credential.Algorithm
	name     string
	password string
	out      *secretFile
	timeout  time.Duration
	asJSON   bool
}

func runRegister(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "register",
		"register --kind Key|PasswordProtectedKey|RecoveryKey --name NAME --out FILE [--code - | --code-file FILE]\n"+
			"                     [--alg ES256|EdDSA|RS256] [--password - | --password-file FILE]\n"+
			"                     [--region eu|uae | --api-url URL] [--json] [--timeout D] [--strict]",
		registerHelp+"\n\n"+exitCodesHelp)
	kind := fs.String("kind", "Key", "credential kind, in any case: Key, PasswordProtectedKey or RecoveryKey")
	name := fs.String("name", "", "the credential's `NAME` (credentialName); required")
	out := fs.String("out", "", "write the private key (or recovery code) to `FILE`, created 0600; required")
	alg := fs.String("alg", "ES256", "Key only: the new key's algorithm, ES256, EdDSA or RS256 (RSA 3072)")
	passwordFlag := fs.String("password", "", "PasswordProtectedKey only: '-' to read the password from stdin")
	passwordFile := fs.String("password-file", "", "PasswordProtectedKey only: read the password from `FILE`")
	api := addAPIFlags(fs, "credential")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "dfns register: "+format+"\n", a...)
		return code
	}
	k, kindErr := parseKind(*kind, registerKinds)
	algorithm, algOK := algorithmNames[strings.ToUpper(*alg)]
	switch {
	case *name == "":
		return fail(exitUsage, "--name is required: the credential's name, e.g. --name laptop")
	case *out == "":
		return fail(exitUsage, "--out is required: the file that keeps the new credential's secret, e.g. --out key.pem")
	case !algOK:
		return fail(exitUsage, "--alg %q: want ES256, EdDSA or RS256", *alg)
	case kindErr != nil && strings.EqualFold(*kind, string(dfns.CredentialKindFido2)):
		return fail(exitInvalid, "--kind Fido2: a Fido2 credential is made by an authenticator (a browser), not by this command; "+
			"register makes Key, PasswordProtectedKey and RecoveryKey")
	case kindErr != nil:
		return fail(exitInvalid, "%v", kindErr)
	case k != dfns.CredentialKindKey && algorithm != credential.AlgorithmES256:
		return fail(exitUsage, "--alg %s: %s keys are always ES256 (P-256); drop --alg", *alg, k)
	case *api.code == "-" && *passwordFlag == "-" && e.tty == nil:
		return fail(exitUsage, "the code and the password cannot both come from stdin: use --password-file or DFNS_PASSWORD")
	case k != dfns.CredentialKindPasswordProtectedKey && (*passwordFlag != "" || *passwordFile != ""):
		return fail(exitUsage, "--password and --password-file are for --kind PasswordProtectedKey only")
	}
	opts, err := api.clientOptions(e)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	client, err := dfns.New(opts...)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	for _, src := range []secretSource{codeSource(*api.code, *api.codeFile), passwordSource(*passwordFlag, *passwordFile)} {
		if err := src.check(); err != nil { // before a prompt
			return fail(exitInvalid, "%v", err)
		}
	}
	r := &registration{e: e, client: client, kind: k, alg: algorithm, name: *name, timeout: *api.timeout, asJSON: *api.asJSON}
	if r.out, err = reserveSecretFile(*out); err != nil { // before a prompt too
		return fail(exitInvalid, "%v", err)
	}
	code, err := api.readCode(ctx, e)
	if err == nil && k == dfns.CredentialKindPasswordProtectedKey {
		r.password, err = readPassword(ctx, e, *passwordFlag, *passwordFile)
	}
	if err != nil {
		r.out.discard()
		if ctx.Err() != nil {
			return fail(exitInterrupted, "interrupted: nothing was sent")
		}
		return fail(exitInvalid, "%v", err)
	}
	return r.run(ctx, code)
}

// run is the flow. The secret is on disk before the code is redeemed (a
// Key's) or before verify is sent (the others', which init's answer
// makes), and --out gets its name just before verify: it exists exactly
// when the credential may exist, and is removed only when the flow
// certainly failed.
func (r *registration) run(ctx context.Context, code dfns.OneTimeCode) int {
	published := false
	// failed ends a run that certainly registered nothing.
	failed := func(exit int, msg string) int {
		if published {
			r.out.remove()
		} else {
			r.out.discard()
		}
		return r.fail(exit, "%s", msg)
	}
	var signer crypto.Signer
	if r.kind == dfns.CredentialKindKey { // the key exists before the code is redeemed
		var err error
		if signer, err = credential.NewKey(r.alg); err == nil {
			err = r.write(signer, "")
		}
		if err != nil {
			return failed(exitFailure, fmt.Sprintf("%v: nothing was sent", err))
		}
	}

	ch, err := r.client.CreateCredentialChallengeWithCode(ctx, r.kind, code)
	if err != nil && ctx.Err() != nil {
		return failed(exitInterrupted, "init: interrupted: nothing was registered; if the code is refused next time, mint a new one")
	}
	if err != nil {
		return failed(exitCodeFor(err), "init: "+explain(stepInit, err, r.timeout))
	}
	att, err := attest(ch, r.kind, signer, r.password)
	if err == nil && r.kind != dfns.CredentialKindKey {
		err = r.write(att.Signer, att.RecoveryCode)
	}
	if err == nil {
		err = r.out.publish()
	}
	if err != nil {
		return failed(exitFailure, fmt.Sprintf("%s: verify was not sent, nothing was registered; mint a new code",
			explain(stepInit, err, r.timeout)))
	}
	published = true
	if ctx.Err() != nil {
		return failed(exitInterrupted, "interrupted before verify: nothing was registered; mint a new code")
	}

	cred, err := r.client.CreateCredentialWithCode(ctx, att.VerifyRequest(r.name))
	switch {
	case err != nil && notProcessed(err):
		return failed(exitCodeFor(err), "verify: "+explain(stepVerify, err, r.timeout)+"; "+r.out.path+" removed")
	case err != nil:
		exit := exitUnknown
		if ctx.Err() != nil {
			exit = exitInterrupted
		}
		return r.fail(exit, "verify was sent but its answer was lost (%s): the credential may have been registered, "+
			"and %s holds its only %s: keep it", lostCause(err, r.timeout), r.out.path, secretName(r.kind))
	}
	return r.print(cred)
}

// fail prints the one line a failed run ends with.
func (r *registration) fail(exit int, format string, a ...any) int {
	fmt.Fprintf(r.e.stderr, "dfns register: "+format+"\n", a...)
	return exit
}

// write puts the secret (a private key, or a recovery code) on disk.
func (r *registration) write(signer crypto.Signer, recoveryCode string) error {
	if r.kind == dfns.CredentialKindRecoveryKey {
		return r.out.write([]byte(recoveryCode + "\n"))
	}
	der, err := x509.MarshalPKCS8PrivateKey(signer)
	if err != nil {
		return err
	}
	return r.out.write(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// attest answers a challenge of one of registerKinds.
func attest(ch dfns.Challenge, kind dfns.CredentialKind, signer crypto.Signer, password string) (*credential.Attestation, error) {
	switch ch := ch.(type) {
	case *dfns.KeyChallenge:
		return credential.AttestKeyChallenge(ch, signer)
	case *dfns.PasswordProtectedKeyChallenge:
		return credential.AttestPasswordProtectedKey(ch, password)
	case *dfns.RecoveryKeyChallenge:
		return credential.AttestRecoveryKey(ch)
	}
	return nil, fmt.Errorf("%w: the API answered a %s challenge to a %s request", credential.ErrMalformed, ch.Kind(), kind)
}

// secretName names what --out holds.
func secretName(k dfns.CredentialKind) string {
	if k == dfns.CredentialKindRecoveryKey {
		return "recovery code"
	}
	return "private key"
}

// print shows the registered credential.
func (r *registration) print(cred *dfns.Credential) int {
	if r.asJSON {
		enc := json.NewEncoder(r.e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(cred); err != nil {
			return r.fail(exitFailure, "%v", err)
		}
		return exitOK
	}
	printCredential(r.e.stdout, cred)
	fmt.Fprintf(r.e.stdout, "  %-20s  written to %s (mode 0600)\n", secretName(r.kind)+":", r.out.path)
	if r.kind == dfns.CredentialKindRecoveryKey {
		fmt.Fprintln(r.e.stdout, "Keep the recovery code offline: it is the only way to use this credential.")
	}
	return exitOK
}
