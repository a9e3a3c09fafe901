package dfnstest

import (
	"slices"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// offeredAlgorithms are the algorithms of each kind's pubKeyCredParams, in
// the order offered, and so exactly those verify accepts for the kind:
// ES256 and RS256, the two Dfns documents, for Fido2; for Key also EdDSA,
// which Dfns does not list but pkg/credential signs; ES256 alone for
// PasswordProtectedKey and RecoveryKey, whose keys the official SDKs (and
// pkg/credential) wrap only when they are P-256.
func offeredAlgorithms(kind dfns.CredentialKind) []credential.Algorithm {
	switch kind {
	case dfns.CredentialKindFido2:
		return []credential.Algorithm{credential.AlgorithmES256, credential.AlgorithmRS256}
	case dfns.CredentialKindKey:
		return []credential.Algorithm{credential.AlgorithmES256, credential.AlgorithmEdDSA, credential.AlgorithmRS256}
	case dfns.CredentialKindPasswordProtectedKey, dfns.CredentialKindRecoveryKey:
		return []credential.Algorithm{credential.AlgorithmES256}
	}
	return nil
}

// pubKeyCredParams is what a challenge of kind offers.
func pubKeyCredParams(kind dfns.CredentialKind) []gen.PubKeyCredParam {
	algs := offeredAlgorithms(kind)
	params := make([]gen.PubKeyCredParam, len(algs))
	for i, a := range algs {
		params[i] = gen.PubKeyCredParam{Type: gen.PublicKeyCredentialTypePublicKey, Alg: float64(a)}
	}
	return params
}

// offered reports whether a challenge of kind offered alg.
func offered(kind dfns.CredentialKind, alg credential.Algorithm) bool {
	return slices.Contains(offeredAlgorithms(kind), alg)
}
