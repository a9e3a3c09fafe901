package credential

import "errors"

// The errors of this package. Every error about an input wraps exactly one
// of them (test with errors.Is); a failing randomness source or
// crypto.Signer comes back wrapped as it is. Messages say what failed and
// never hold a secret (no password, recovery code or private key material).
var (
	// ErrMalformed means an input could not be decoded: bad base64, bad
	// JSON, bad PEM, bad CBOR, a missing or mistyped field.
	ErrMalformed = errors.New("credential: malformed input")

	// ErrInvalidChallenge means a challenge this package refuses to sign or
	// map: empty, or not valid UTF-8.
	ErrInvalidChallenge = errors.New("credential: invalid challenge")

	// ErrUnsupportedKey means a key (or algorithm) outside what Dfns accepts
	// and this package implements: ECDSA P-256, Ed25519, RSA of at least
	// 2048 bits; P-256 only for PasswordProtectedKey and RecoveryKey.
	ErrUnsupportedKey = errors.New("credential: unsupported key")

	// ErrWrongType means the client data is not of the expected ceremony
	// type ("key.create" or "webauthn.create").
	ErrWrongType = errors.New("credential: wrong client data type")

	// ErrWrongChallenge means the client data answers another challenge.
	ErrWrongChallenge = errors.New("credential: wrong challenge")

	// ErrWrongOrigin means a Fido2 client data names another origin (or is
	// cross-origin).
	ErrWrongOrigin = errors.New("credential: wrong origin")

	// ErrWrongRPID means a Fido2 authenticator data is scoped to another
	// relying party (its rpIdHash is not SHA-256 of the RP ID).
	ErrWrongRPID = errors.New("credential: wrong relying party")

	// ErrBadSignature means a signature (or a Fido2 attestation statement)
	// does not verify.
	ErrBadSignature = errors.New("credential: bad signature")

	// ErrUserNotPresent means a Fido2 authenticator data lacks the
	// user-present (UP) flag: no one touched the authenticator.
	ErrUserNotPresent = errors.New("credential: user not present")

	// ErrWrongPassword means an encrypted private key does not open with
	// this password and user name. AES-GCM cannot tell a wrong password
	// from a wrong user name or an altered blob: all three land here.
	ErrWrongPassword = errors.New("credential: wrong password")

	// ErrEmptyPassword means WrapKey (or AttestPasswordProtectedKey) was
	// given an empty password.
	ErrEmptyPassword = errors.New("credential: empty password")

	// ErrInvalidRecoveryCode means a string is not a recovery code of the
	// form D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX.
	ErrInvalidRecoveryCode = errors.New("credential: invalid recovery code")
)
