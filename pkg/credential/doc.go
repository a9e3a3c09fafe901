// Package credential answers the challenge of the Dfns "Create Credential
// With Code" flow: it makes the credentialInfo (and, for the password kinds,
// the encryptedPrivateKey) of POST /auth/credentials/code/verify, and
// verifies them as the server would, with the standard library's crypto
// (go-webauthn only reads and checks WebAuthn data).
//
// The whole flow in one call, for Key, PasswordProtectedKey or RecoveryKey:
//
//	cred, key, err := credential.RegisterKeyCredential(ctx, client, code, "laptop", credential.AlgorithmES256)
//	reg, err := credential.Register(ctx, client, code, credential.RegisterOptions{
//		Kind: dfns.CredentialKindRecoveryKey, Name: "backup"}) // show reg.RecoveryCode once
//
// Step by step, answer the challenge init returned, then send
// att.VerifyRequest(name) with Client.CreateCredentialWithCode:
//
//	AttestKeyChallenge(ch, signer)        Key: any crypto.Signer (HSM, KMS)
//	AttestPasswordProtectedKey(ch, pw)    the key goes too, encrypted with pw
//	AttestRecoveryKey(ch)                 show att.RecoveryCode once
//	CreationOptions(ch), Fido2Info(json)  Fido2: to a browser and back
//
// VerifyKeyAttestation and VerifyFido2Attestation check an answer as a
// server would. Every error about an input wraps exactly one Err value of
// this package (errors.Is); a failing randomness source or crypto.Signer
// comes back wrapped as it is.
//
// The byte-level choices (clientData, PEM, fingerprint, key wrapping,
// recovery codes, Fido2 options), each matched to the official TypeScript
// SDK and pinned by a test, are in docs/credential.md.
package credential
