// Package credential answers the challenge of the Dfns "Create Credential
// With Code" flow: it makes the credentialInfo (and, for the password kinds,
// the encryptedPrivateKey) of POST /auth/credentials/code/verify, and it
// verifies them as the server would. It uses the standard library's crypto
// throughout, and go-webauthn only to read and check WebAuthn data.
//
// # Use
//
// The whole flow in one call (init, the attestation, verify), for a Key,
// PasswordProtectedKey or RecoveryKey credential:
//
//	cred, key, err := credential.RegisterKeyCredential(ctx, client, code, "laptop", credential.AlgorithmES256)
//	reg, err := credential.Register(ctx, client, code, credential.RegisterOptions{
//		Kind: dfns.CredentialKindRecoveryKey, Name: "backup"}) // show reg.RecoveryCode once
//
// Step by step, Key (a key pair the caller holds; any crypto.Signer, HSM or
// KMS included):
//
//	key, _ := credential.NewKey(credential.AlgorithmES256)
//	att, err := credential.AttestKeyChallenge(ch.(*dfns.KeyChallenge), key)
//	cred, err := client.CreateCredentialWithCode(ctx, att.VerifyRequest("laptop")) // keep key
//
// PasswordProtectedKey (Dfns stores the key encrypted with the password):
//
//	att, err := credential.AttestPasswordProtectedKey(ch, password)
//	// send att.CredentialInfo and att.EncryptedPrivateKey
//
// RecoveryKey (the key encrypted with a new recovery code):
//
//	att, err := credential.AttestRecoveryKey(ch)
//	// send att.CredentialInfo and att.EncryptedPrivateKey; show att.RecoveryCode once
//
// Fido2 (WebAuthn, done by a browser or another authenticator):
//
//	opts, err := credential.CreationOptions(ch)
//	optsJSON, _ := json.Marshal(opts) // to PublicKeyCredential.parseCreationOptionsFromJSON
//	// ... navigator.credentials.create({publicKey}), then credential.toJSON() comes back:
//	info, err := credential.Fido2Info(browserJSON)
//
// Verifying (a sandbox server, or a self-check):
//
//	pub, err := credential.VerifyKeyAttestation(info, challenge)
//	cred, err := credential.VerifyFido2Attestation(info, challenge, rpID, origin)
//
// Every error about an input wraps exactly one of the Err values of this
// package (test with errors.Is); a failing randomness source or
// crypto.Signer comes back wrapped as it is.
//
// # Choices
//
// The protocol notes leave these open; the reference is the official
// TypeScript SDK (@dfns/sdk-browser) and testdata/vectors.json holds bytes
// computed by Node's WebCrypto the way that SDK computes them
// (testdata/gen-vectors.mjs; the tests never run Node).
//
//   - clientData is {"type":"key.create","challenge":"<challenge>"}: type
//     first, no spaces, the challenge verbatim (never re-encoded), written by
//     encoding/json with HTML escaping off, so < > & stay as they are. For a
//     base64url challenge (all Dfns sends) and any challenge without U+2028
//     and U+2029 the bytes equal JavaScript's JSON.stringify; those two are
//     written as \u2028 and \u2029 (valid JSON, other bytes). An empty
//     challenge or invalid UTF-8 is ErrInvalidChallenge rather than a
//     U+FFFD-substituted signature. Pinned by TestKnownAnswers (vectors for
//     a base64url challenge and for one with < > & " \ control characters
//     and non-ASCII), TestClientDataBytes and FuzzClientData.
//   - The public key PEM is "-----BEGIN PUBLIC KEY-----\n", the SPKI base64
//     in 64-character lines, "\n-----END PUBLIC KEY-----" with NO trailing
//     newline: byte-identical to the SDK's exportPublicKeyInPemFormatBrowser
//     (every TypeScript signer writes it so), unlike Node's
//     KeyObject.export, which ends in "\n". The verifier rebuilds the
//     fingerprint from the PEM string as sent, so it accepts both, and a PEM
//     on one line. Pinned by TestKnownAnswers, TestPublicKeyPEM and
//     TestVerifyKeyAttestationVariants.
//   - The fingerprint is {"clientDataHash":"<lowercase hex>","publicKey":"<PEM>"};
//     the signature is lowercase hex of ECDSA P-256/SHA-256 DER, Ed25519
//     over the fingerprint itself, or RSA PKCS #1 v1.5/SHA-256. Every
//     signature is checked against the signer's public key before it is
//     sent, so a crypto.Signer answering raw r||s fails early. Pinned by
//     TestKnownAnswers (Ed25519 and RSA signatures compared, ECDSA verified)
//     and TestUserSigner.
//   - attestationData is {"publicKey","signature"} for Key (as
//     BrowserKeySigner writes it) and {"algorithm":"SHA256","publicKey",
//     "signature"} for PasswordProtectedKey and RecoveryKey (the SDK's
//     current order). The verifier reads algorithm as Node's crypto.verify
//     would: absent, SHA256 or RSA-SHA256 mean SHA-256, SHA512 SHA-512;
//     Ed25519 takes none. Pinned by TestAttestationDataShape and
//     TestVerifyKeyAttestationVariants.
//   - credentialInfo fields are base64url without padding. The Key and
//     PasswordProtectedKey credId is 32 bytes from crypto/rand (the SDK's
//     BrowserKeySigner draws 32 random bytes too; its worker-based signers
//     use SHA-256 of the SPKI; the notes call it the client's choice). Pinned by TestCredIDRandom.
//   - RecoveryKey credId is base64url(SHA-256(encryptedPrivateKey)), hashing
//     the bytes of the base64 string itself (the SDK's
//     TextEncoder().encode(encryptedPrivateKey)), as the notes and the
//     older SDK signer say; the newer worker-based signers hash the SPKI
//     instead. Pinned by TestWrapKnownAnswers and TestAttestRecoveryKey.
//   - RecoveryKey clientData carries the challenge verbatim, as the Dfns
//     docs and the Key and PasswordProtectedKey signers do. The SDK's older
//     RecoveryKey signer (signers/recoveryKey.ts) base64url-encodes the
//     challenge once more; the newer, worker-based signers/recovery.ts does
//     not. The notes call this an unresolved inconsistency; this package
//     follows the docs. Pinned by TestAttestRecoveryKey.
//   - encryptedPrivateKey: salt = SHA-256 of the user name as JavaScript's
//     toLowerCase().trim() leaves it (full case mapping: final sigma,
//     U+0130; JavaScript's white space: U+FEFF trimmed, U+0085 kept), so a
//     blob opens in both implementations whatever the name; PBKDF2-SHA256,
//     100,000 iterations (crypto/pbkdf2); AES-256-GCM with a 16-byte IV
//     (cipher.NewGCMWithNonceSize) over the PKCS #8 DER; standard base64
//     (padded) of {"key":"<base64 ciphertext||tag>","iv":"<base64>"}.
//     UnwrapKey also takes unpadded base64 and IVs of 12 to 128 bytes
//     (CheckEncryptedPrivateKey: the rules, checked against Node's
//     WebCrypto by TestEncryptedKeyRules). A password or user name that
//     does not open a blob is ErrWrongPassword. Pinned by
//     TestWrapKnownAnswers (byte-identical to WebCrypto's wrapKey with the
//     same IV), TestSalts and TestWrapRoundTrip.
//   - Recovery codes are D1-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXXX over
//     ABCDEFGHJKLMNPQRSTUVWXYZ23456789, each letter drawn by rejection
//     sampling from crypto/rand (160 bits); ParseRecoveryCode trims white
//     space and upper-cases ASCII letters. Pinned by
//     TestNewRecoveryCodeStream, TestNewRecoveryCodeSamples,
//     TestParseRecoveryCode and FuzzParseRecoveryCode.
//   - Fido2 options: challenge and user.id are the UTF-8 bytes of the Dfns
//     strings (the browser SDK's choice; the mobile SDKs base64url-decode
//     the challenge, and VerifyFido2Attestation accepts both forms);
//     excludeCredentials[].id is the id base64url-decoded as the SDK's
//     fromBase64Url does it (a cr- id is base64url-alphabet text: a
//     29-character one loses its dangling last character, as in Node);
//     timeout 60000 ms; rp, pubKeyCredParams, attestation and
//     authenticatorSelection passed through. Pinned by
//     TestCreationOptionsJSON and TestDecodeBase64URLLenient.
//   - Fido2Info: credId = id, clientData = base64url(clientDataJSON),
//     attestationData = base64url(attestationObject), re-encoded
//     canonically. Pinned by TestFido2RoundTrip and TestFido2InfoErrors.
//   - AttestKeyChallenge refuses a signer whose algorithm the challenge's
//     pubKeyCredParams do not list (an empty list accepts any). Pinned by
//     TestAttestKeyChallenge.
package credential
