package credential_test

import (
	"context"
	"fmt"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// Register a Key credential from a one-time code in one call, against the
// sandbox: init, the attestation with a new Ed25519 key, and verify.
func ExampleRegisterKeyCredential() {
	srv := dfnstest.NewServer()
	defer srv.Close()
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
	if err != nil {
		panic(err)
	}
	code := srv.MintCode() // on Dfns: minted by a user who has a credential

	cred, key, err := credential.RegisterKeyCredential(context.Background(), c, code, "laptop", credential.AlgorithmEdDSA)
	if err != nil {
		panic(err)
	}
	pem, _ := credential.PublicKeyPEM(key.Public())
	fmt.Println(cred.Kind, cred.Name, cred.IsActive, cred.PublicKey == pem)
	// Output: Key laptop true true
}

// Register a RecoveryKey credential: the recovery code is the only way to
// use it, so it is shown to the user once.
func ExampleRegister() {
	srv := dfnstest.NewServer()
	defer srv.Close()
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()))
	if err != nil {
		panic(err)
	}
	reg, err := credential.Register(context.Background(), c, srv.MintCode(), credential.RegisterOptions{
		Kind: dfns.CredentialKindRecoveryKey, Name: "backup",
	})
	if err != nil {
		panic(err)
	}
	_, err = credential.ParseRecoveryCode(reg.RecoveryCode)
	fmt.Println(reg.Credential.Kind, reg.Credential.Name, err == nil)
	// Output: RecoveryKey backup true
}
