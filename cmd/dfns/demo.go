package main

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// demoPassword is the demo's PasswordProtectedKey password.
const demoPassword = "correct horse battery staple"

// demoRun is one credential the demo registers: its kind, and for a Key
// the algorithm.
type demoRun struct {
	kind dfns.CredentialKind
	alg  credential.Algorithm
}

// demoRuns are every kind the library answers offline, each Key algorithm.
var demoRuns = []demoRun{
	{dfns.CredentialKindKey, credential.AlgorithmES256},
	{dfns.CredentialKindKey, credential.AlgorithmEdDSA},
	{dfns.CredentialKindKey, credential.AlgorithmRS256},
	{dfns.CredentialKindPasswordProtectedKey, 0},
	{dfns.CredentialKindRecoveryKey, 0},
	{dfns.CredentialKindFido2, 0},
}

// demo is a run of dfns demo against an in-process sandbox.
type demo struct {
	e      env
	srv    *dfnstest.Server
	client *dfns.Client
}

func runDemo(ctx context.Context, e env, args []string) int {
	fs := newFlagSet(e, "demo", "demo [--seed N]",
		"Starts the sandbox in-process on loopback and registers one credential of every\n"+
			"kind the library can answer offline: Key (ES256, EdDSA, RS256), PasswordProtectedKey\n"+
			"(its stored key unwrapped again with the password), RecoveryKey (unwrapped with the\n"+
			"recovery code) and Fido2 (a software authenticator). Each takes a fresh one-time\n"+
			"code through init, the attestation and verify. Needs no network.")
	seed := fs.Uint64("seed", 0, "make the sandbox's ids, users and challenges deterministic (0: random)")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	var opts []dfnstest.Option
	if *seed != 0 {
		opts = append(opts, dfnstest.WithSeed(*seed))
	}
	srv := dfnstest.NewServer(opts...)
	defer srv.Close()
	client, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithStrictValidation())
	if err != nil {
		fmt.Fprintf(e.stderr, "dfns demo: %v\n", err)
		return exitFailure
	}
	d := demo{e: e, srv: srv, client: client}
	fmt.Fprintf(e.stdout, "Sandbox at %s (in-process). Each line: mint a code, init, answer, verify.\n\n", srv.URL)
	var used dfns.VerifyRequest
	for _, r := range demoRuns {
		req, detail, err := d.register(ctx, r)
		if err != nil {
			fmt.Fprintf(e.stderr, "dfns demo: %s: %s\n", r.label(), explain(stepVerify, err, dfns.DefaultTimeout))
			return exitCodeFor(err)
		}
		reg := d.srv.Credentials()
		fmt.Fprintf(e.stdout, "  %-24s %s  %s\n", r.label(), short(reg[len(reg)-1].CredentialUUID), detail)
		used = req
	}
	if code := d.refusals(ctx, used); code != exitOK {
		return code
	}
	fmt.Fprintf(e.stdout, "\n%d credentials registered; every answer passed strict validation.\n", len(d.srv.Credentials()))
	fmt.Fprintln(e.stdout, "Next, the same from the shell: a sandbox that prints its URL, codes and what to type:")
	fmt.Fprintf(e.stdout, "  %s sandbox\n", e.self)
	return exitOK
}

// label names a run: "Key ES256", "RecoveryKey".
func (r demoRun) label() string {
	if r.kind == dfns.CredentialKindKey {
		return string(r.kind) + " " + r.alg.String()
	}
	return string(r.kind)
}

// register runs the flow for one kind with a fresh code, and returns the
// verify request it sent and a few words on what was checked.
func (d demo) register(ctx context.Context, r demoRun) (dfns.VerifyRequest, string, error) {
	var signer crypto.Signer
	if r.kind == dfns.CredentialKindKey {
		var err error
		if signer, err = credential.NewKey(r.alg); err != nil {
			return dfns.VerifyRequest{}, "", err
		}
	}
	ch, err := d.client.CreateCredentialChallengeWithCode(ctx, r.kind, d.srv.MintCode())
	if err != nil {
		return dfns.VerifyRequest{}, "", err
	}
	var (
		req    dfns.VerifyRequest
		detail string
		att    *credential.Attestation
	)
	if fido, ok := ch.(*dfns.Fido2Challenge); ok {
		req, err = fido2Request(fido, "demo passkey")
		detail = "software authenticator, packed ES256, origin https://" + dfnstest.DefaultRPID
	} else if att, err = attest(ch, r.kind, signer, demoPassword); err == nil {
		req = att.VerifyRequest("demo " + strings.ToLower(r.label()))
	}
	if err != nil {
		return req, "", err
	}
	cred, err := d.client.CreateCredentialWithCode(ctx, req)
	if err != nil {
		return req, "", err
	}
	if att == nil {
		return req, detail, nil
	}
	detail = describeKey(cred.PublicKey) + ", private key kept by the caller"
	switch r.kind {
	case dfns.CredentialKindPasswordProtectedKey:
		detail, err = d.unwrap(att, demoPassword, ch.User().Name, "stored key unwrapped with the password: same key")
	case dfns.CredentialKindRecoveryKey:
		detail, err = d.unwrap(att, att.RecoveryCode, ch.User().Name, "the new recovery code unwraps the stored key")
	}
	return req, detail, err
}

// unwrap opens the encryptedPrivateKey the sandbox stored with secret and
// checks it is the attestation's key.
func (d demo) unwrap(att *credential.Attestation, secret, userName, ok string) (string, error) {
	reg := d.srv.Credentials()
	priv, err := credential.UnwrapKey(reg[len(reg)-1].EncryptedPrivateKey, secret, userName)
	if err != nil {
		return "", err
	}
	if s, isSigner := priv.(crypto.Signer); !isSigner || !samePublic(s.Public(), att.Signer.Public()) {
		return "", errors.New("the unwrapped key is not the registered one")
	}
	return ok, nil
}

// refusals shows that a code and a challenge are single-use.
func (d demo) refusals(ctx context.Context, used dfns.VerifyRequest) int {
	code := d.srv.MintCode()
	if _, err := d.client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, code); err != nil {
		fmt.Fprintf(d.e.stderr, "dfns demo: init: %s\n", explain(stepInit, err, dfns.DefaultTimeout))
		return exitCodeFor(err)
	}
	_, errCode := d.client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindKey, code)
	_, errChallenge := d.client.CreateCredentialWithCode(ctx, used)
	if errCode == nil || errChallenge == nil {
		fmt.Fprintln(d.e.stderr, "dfns demo: the sandbox accepted a used code or challenge")
		return exitFailure
	}
	fmt.Fprintf(d.e.stdout, "  %-24s refused: %s\n", "a used code, again", status(errCode))
	fmt.Fprintf(d.e.stdout, "  %-24s refused: %s\n", "a used challenge, again", status(errChallenge))
	return exitOK
}

// status is the status line of an API error.
func status(err error) string {
	var apiErr *dfns.APIError
	if errors.As(err, &apiErr) {
		return fmt.Sprintf("%d %s", apiErr.StatusCode, apiErr.Message)
	}
	return err.Error()
}

// short shortens an identifier for a one-line display.
func short(id string) string {
	if len(id) <= 12 {
		return id
	}
	return id[:12] + "…"
}

// samePublic reports whether two public keys are equal.
func samePublic(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}
