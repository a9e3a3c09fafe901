package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"strings"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// printSummary prints what a user wants to see of a challenge: who it is for,
// what to sign and with which algorithms, and the handle that finalizes it.
func printSummary(w io.Writer, ch dfns.Challenge) {
	u := ch.User()
	fmt.Fprintf(w, "%s challenge for %s <%s> (%s)\n", ch.Kind(), u.DisplayName, u.Name, u.ID)
	if rp, ok := ch.RelyingParty(); ok {
		fmt.Fprintf(w, "  relying party:        %s (%s)\n", rp.ID, rp.Name)
	}
	switch ch := ch.(type) {
	case *dfns.Fido2Challenge:
		fmt.Fprintf(w, "  challenge:            %s\n", ch.Challenge)
		fmt.Fprintf(w, "  algorithms:           %s\n", algorithms(ch.PubKeyCredParams))
		fmt.Fprintf(w, "  attestation:          %s\n", ch.Attestation)
		fmt.Fprintf(w, "  user verification:    %s, resident key %s\n",
			ch.AuthenticatorSelection.UserVerification, ch.AuthenticatorSelection.ResidentKey)
		fmt.Fprintf(w, "  excluded credentials: %d\n", len(ch.ExcludeCredentials))
	case *dfns.KeyChallenge:
		keySummary(w, ch.Challenge, ch.PubKeyCredParams, ch.Attestation)
	case *dfns.PasswordProtectedKeyChallenge:
		keySummary(w, ch.Challenge, ch.PubKeyCredParams, ch.Attestation)
	case *dfns.RecoveryKeyChallenge:
		keySummary(w, ch.Challenge, ch.PubKeyCredParams, ch.Attestation)
	//lint:ignore SA1019 the CLI still shows the deprecated kinds the API may answer
	case *dfns.TotpChallenge:
		fmt.Fprintf(w, "  otp URL:              %s\n", ch.OtpURL)
		fmt.Fprintln(w, "  (deprecated kind: Dfns no longer supports TOTP credentials)")
	//lint:ignore SA1019 the CLI still shows the deprecated kinds the API may answer
	case *dfns.PasswordChallenge:
		fmt.Fprintln(w, "  (deprecated kind: Dfns no longer supports Password credentials)")
	case *dfns.UnknownChallenge:
		fmt.Fprintf(w, "  (a kind this version of dfns does not know; %d bytes, see --json)\n", len(ch.Raw))
	}
	fmt.Fprintf(w, "  challengeIdentifier:  %s\n", ch.ChallengeIdentifier())
}

func keySummary(w io.Writer, challenge string, params []dfns.PubKeyCredParam, att gen.AttestationConveyance) {
	fmt.Fprintf(w, "  challenge:            %s\n", challenge)
	fmt.Fprintf(w, "  algorithms:           %s\n", algorithms(params))
	fmt.Fprintf(w, "  attestation:          %s\n", att)
}

// coseNames names the COSE algorithm ids Dfns uses.
var coseNames = map[float64]string{-7: "ES256", -8: "EdDSA", -257: "RS256"}

func algorithms(params []dfns.PubKeyCredParam) string {
	if len(params) == 0 {
		return "(none given)"
	}
	names := make([]string, len(params))
	for i, p := range params {
		name, ok := coseNames[p.Alg]
		if !ok {
			name = "COSE"
		}
		names[i] = fmt.Sprintf("%s (%g)", name, p.Alg)
	}
	return strings.Join(names, ", ")
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
