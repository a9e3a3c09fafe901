package credential_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/dfnskit/dfns-go/pkg/credential"
)

// Attest a fixed Ed25519 key (the RFC 8032 test 1 seed) to a fixed
// challenge. Ed25519 signatures are deterministic, so all but the random
// credId is fixed.
func ExampleAttestKey() {
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	key := ed25519.NewKeyFromSeed(seed)
	const challenge = "Y2gtMWE2N2ItNGY5aWYtOHJwN2dwNjVpMmxuNGp2dg"

	info, err := credential.AttestKey(challenge, key)
	if err != nil {
		panic(err)
	}
	clientData, _ := base64.RawURLEncoding.DecodeString(info.ClientData)
	fmt.Printf("clientData:  %s\n", clientData)

	pem, _ := credential.PublicKeyPEM(key.Public())
	fmt.Printf("fingerprint: %s\n", credential.Fingerprint(clientData, pem))

	attestationData, _ := base64.RawURLEncoding.DecodeString(info.AttestationData)
	fmt.Printf("attestationData: %s\n", attestationData)

	_, err = credential.VerifyKeyAttestation(*info, challenge)
	fmt.Println("verified:", err == nil)
	// Output:
	// clientData:  {"type":"key.create","challenge":"Y2gtMWE2N2ItNGY5aWYtOHJwN2dwNjVpMmxuNGp2dg"}
	// fingerprint: {"clientDataHash":"aa0d88bf63e5f56c45fb1d10223e9b44edb92e51d0565ae3c4396dd70bdb410f","publicKey":"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----"}
	// attestationData: {"publicKey":"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----","signature":"37450af4e8e584632215cd33291ec0e1de8c4a01a87a192ee8c574f1ee731323413aa510d2a9469c5b157c264e92dd4cacc4d76ad308fa200c6e792c4816ab01"}
	// verified: true
}
