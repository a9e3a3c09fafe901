package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"

	"github.com/dfnskit/dfns-go/internal/webauthntest"
	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// fido2Request answers a Fido2 challenge as a browser would, with the
// software authenticator of internal/webauthntest and a packed self
// attestation, for the origin https://<rp id>.
func fido2Request(ch *dfns.Fido2Challenge, name string) (req dfns.VerifyRequest, err error) {
	opts, err := credential.CreationOptions(ch)
	if err != nil {
		return req, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return req, err
	}
	a := webauthntest.New(key, opts.RelyingParty.ID)
	cdj := webauthntest.ClientDataJSON("webauthn.create", opts.Challenge.String(), "https://"+opts.RelyingParty.ID)
	att, err := a.Attestation("packed", cdj)
	if err != nil {
		return req, fmt.Errorf("software authenticator: %w", err)
	}
	info, err := credential.Fido2Info(webauthntest.BrowserJSON(a.CredID, cdj, att))
	if err != nil {
		return req, err
	}
	return dfns.VerifyRequest{Kind: dfns.CredentialKindFido2, Name: name, ChallengeIdentifier: ch.ChallengeIdentifier(), CredentialInfo: *info}, nil
}
