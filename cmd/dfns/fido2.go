package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"testing"

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
	defer func() { // webauthntest reports through testing.TB's Fatal
		if r := recover(); r != nil {
			f, ok := r.(authenticatorFailure)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("software authenticator: %s", string(f))
		}
	}()
	a := webauthntest.New(key, opts.RelyingParty.ID)
	cdj := webauthntest.ClientDataJSON("webauthn.create", opts.Challenge.String(), "https://"+opts.RelyingParty.ID)
	info, err := credential.Fido2Info(webauthntest.BrowserJSON(a.CredID, cdj, a.Attest(authenticatorTB{}, "packed", cdj)))
	if err != nil {
		return req, err
	}
	return dfns.VerifyRequest{Kind: dfns.CredentialKindFido2, Name: name, ChallengeIdentifier: ch.ChallengeIdentifier(), CredentialInfo: *info}, nil
}

// authenticatorTB lets the demo drive webauthntest, which is written for
// tests: its Fatal panics with an authenticatorFailure, which fido2Request
// recovers as an error. Only Helper, Fatal and Fatalf are called.
type authenticatorTB struct{ testing.TB }

type authenticatorFailure string

func (authenticatorTB) Helper()           {}
func (authenticatorTB) Fatal(args ...any) { panic(authenticatorFailure(fmt.Sprint(args...))) }
func (authenticatorTB) Fatalf(f string, args ...any) {
	panic(authenticatorFailure(fmt.Sprintf(f, args...)))
}
