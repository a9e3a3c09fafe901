package credential

import (
	"context"
	"crypto"
	"errors"
	"fmt"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// VerifyRequest returns the request that finalizes the flow with this
// attestation (dfns.Client.CreateCredentialWithCode), naming the new
// credential name.
func (a *Attestation) VerifyRequest(name string) dfns.VerifyRequest {
	return dfns.VerifyRequest{
		Kind:                a.Kind,
		Name:                name,
		ChallengeIdentifier: a.ChallengeIdentifier,
		CredentialInfo:      a.CredentialInfo,
		EncryptedPrivateKey: a.EncryptedPrivateKey,
	}
}

// RegisterOptions says which credential Register makes.
type RegisterOptions struct {
	// Kind is Key (the zero value means Key), PasswordProtectedKey or
	// RecoveryKey. Fido2 needs an authenticator and the deprecated kinds
	// have no key: Register refuses them.
	Kind dfns.CredentialKind
	// Name names the credential (credentialName); required.
	Name string
	// Algorithm is the algorithm of the new Key credential's key (default
	// AlgorithmES256). PasswordProtectedKey and RecoveryKey keys are always
	// P-256: any other algorithm is refused for them.
	Algorithm Algorithm
	// Signer, for a Key credential, is the key to register instead of a new
	// one (an HSM or KMS key, say); Algorithm is then ignored.
	Signer crypto.Signer
	// Password encrypts a PasswordProtectedKey's private key; required for
	// that kind, refused for the others.
	Password string
}

// Registration is a registered credential and the secrets that go with it.
type Registration struct {
	// Credential is the credential Dfns registered.
	Credential *dfns.Credential
	// Attestation is the answered challenge: its Signer is the credential's
	// private key, and for a RecoveryKey RecoveryCode is the code to show
	// the user once.
	*Attestation
}

// Register runs the whole "Create Credential With Code" flow for a key
// credential in one call: init (redeeming code), the attestation, and
// verify. Everything Register can check is checked before the code is
// redeemed (the options, and for a Key credential the new key is made
// first), since a redeemed code cannot be used again.
//
// Errors: a *dfns.ValidationError (In "request") or ErrEmptyPassword before
// any I/O; then the client's errors (match them as documented in pkg/dfns),
// or this package's errors for a challenge it cannot answer, each wrapped
// with the step that failed. A failure after init has consumed the code:
// mint a new one.
func Register(ctx context.Context, c *dfns.Client, code dfns.OneTimeCode, opts RegisterOptions) (*Registration, error) {
	if c == nil {
		return nil, errNoClient
	}
	kind := opts.Kind
	if kind == "" {
		kind = dfns.CredentialKindKey
	}
	if err := checkRegisterOptions(kind, opts); err != nil {
		return nil, err
	}
	if err := dfns.ValidateRequest(kind, code); err != nil {
		return nil, err
	}
	signer := opts.Signer
	if kind == dfns.CredentialKindKey && signer == nil {
		var err error
		if signer, err = NewKey(opts.Algorithm); err != nil {
			return nil, err
		}
	}

	ch, err := c.CreateCredentialChallengeWithCode(ctx, kind, code)
	if err != nil {
		return nil, fmt.Errorf("credential: register: init: %w", err)
	}
	var att *Attestation
	switch ch := ch.(type) {
	case *dfns.KeyChallenge:
		att, err = AttestKeyChallenge(ch, signer)
	case *dfns.PasswordProtectedKeyChallenge:
		att, err = AttestPasswordProtectedKey(ch, opts.Password)
	case *dfns.RecoveryKeyChallenge:
		att, err = AttestRecoveryKey(ch)
	default:
		err = fmt.Errorf("%w: the server answered a %s challenge to a %s request", ErrMalformed, ch.Kind(), kind)
	}
	if err != nil {
		return nil, fmt.Errorf("credential: register: answering the challenge: %w", err)
	}
	cred, err := c.CreateCredentialWithCode(ctx, att.VerifyRequest(opts.Name))
	if err != nil {
		return nil, fmt.Errorf("credential: register: verify: %w", err)
	}
	return &Registration{Credential: cred, Attestation: att}, nil
}

// RegisterKeyCredential registers a Key credential named name from a
// one-time code in one call (init, attestation, verify) with a new key of
// alg (the zero Algorithm is ES256), and returns the credential and its
// private key. See Register for the errors.
func RegisterKeyCredential(ctx context.Context, c *dfns.Client, code dfns.OneTimeCode, name string, alg Algorithm) (*dfns.Credential, crypto.Signer, error) {
	r, err := Register(ctx, c, code, RegisterOptions{Kind: dfns.CredentialKindKey, Name: name, Algorithm: alg})
	if err != nil {
		return nil, nil, err
	}
	return r.Credential, r.Signer, nil
}

// errNoClient is Register's answer to a nil client.
var errNoClient = errors.New("credential: register: nil *dfns.Client")

// checkRegisterOptions refuses, before any I/O, what Register cannot do.
func checkRegisterOptions(kind dfns.CredentialKind, opts RegisterOptions) error {
	invalid := func(path, rule, want string) error {
		return &dfns.ValidationError{In: "request", Path: path, Rule: rule, Want: want}
	}
	switch kind {
	case dfns.CredentialKindKey:
		// NewKey refuses an unknown Algorithm, before any I/O too.
	case dfns.CredentialKindPasswordProtectedKey, dfns.CredentialKindRecoveryKey:
		if opts.Signer != nil {
			return fmt.Errorf("%w: a %s key is made by Register, not passed in", ErrUnsupportedKey, kind)
		}
		if opts.Algorithm != 0 && opts.Algorithm != AlgorithmES256 {
			return fmt.Errorf("%w: %s keys are P-256 (ES256), not %v", ErrUnsupportedKey, kind, opts.Algorithm)
		}
	default:
		return invalid("/credentialKind", dfns.RuleEnum, "one of Key, PasswordProtectedKey, RecoveryKey (Register makes key credentials)")
	}
	switch {
	case kind == dfns.CredentialKindPasswordProtectedKey && opts.Password == "":
		return ErrEmptyPassword
	case kind != dfns.CredentialKindPasswordProtectedKey && opts.Password != "":
		return invalid("/password", dfns.RuleAdditionalProperties, "only for PasswordProtectedKey")
	case opts.Name == "":
		return invalid("/credentialName", dfns.RuleMinLength, "1")
	}
	return nil
}
