package credential_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

func sandboxClient(t *testing.T) (*dfnstest.Server, *dfns.Client) {
	t.Helper()
	srv := dfnstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(srv.Client()), dfns.WithStrictValidation(), dfns.WithTimeout(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// samePublic reports whether the credential's public key PEM is signer's.
func samePublic(t *testing.T, cred *dfns.Credential, signer crypto.Signer) bool {
	t.Helper()
	pem, err := credential.PublicKeyPEM(signer.Public())
	if err != nil {
		t.Fatal(err)
	}
	return cred.PublicKey == pem
}

// TestRegisterKeyCredential runs the one-call flow for each algorithm.
func TestRegisterKeyCredential(t *testing.T) {
	srv, c := sandboxClient(t)
	for _, alg := range []credential.Algorithm{0, credential.AlgorithmES256, credential.AlgorithmEdDSA, credential.AlgorithmRS256} {
		t.Run(alg.String(), func(t *testing.T) {
			cred, key, err := credential.RegisterKeyCredential(context.Background(), c, srv.MintCode(), "laptop", alg)
			if err != nil {
				t.Fatal(err)
			}
			if cred.Kind != dfns.CredentialKindKey || cred.Name != "laptop" || !samePublic(t, cred, key) {
				t.Errorf("credential %+v", cred)
			}
		})
	}
}

// TestRegister covers the password kinds and a caller's own signer.
func TestRegister(t *testing.T) {
	srv, c := sandboxClient(t)
	ctx := context.Background()

	t.Run("own signer", func(t *testing.T) {
		_, key, _ := ed25519.GenerateKey(nil)
		r, err := credential.Register(ctx, c, srv.MintCode(), credential.RegisterOptions{Name: "hsm", Signer: key})
		if err != nil {
			t.Fatal(err)
		}
		if k, ok := r.Signer.(ed25519.PrivateKey); !ok || !k.Equal(key) || !samePublic(t, r.Credential, key) {
			t.Error("not the signer passed in")
		}
	})
	t.Run("PasswordProtectedKey", func(t *testing.T) {
		user := dfns.User{ID: "us-ppkppkppkppkppkppkpp", Name: "Jane.Doe@Example.com", DisplayName: "Jane"}
		r, err := credential.Register(ctx, c, srv.MintCode(dfnstest.ForUser(user)), credential.RegisterOptions{
			Kind: dfns.CredentialKindPasswordProtectedKey, Name: "ppk", Password: "pw",
		})
		if err != nil {
			t.Fatal(err)
		}
		stored := srv.Credentials()
		last := stored[len(stored)-1]
		if last.UserID != user.ID || last.EncryptedPrivateKey != r.EncryptedPrivateKey {
			t.Errorf("stored %+v", last)
		}
		priv, err := credential.UnwrapKey(last.EncryptedPrivateKey, "pw", user.Name)
		if err != nil || !priv.(*ecdsa.PrivateKey).PublicKey.Equal(r.Signer.Public()) {
			t.Errorf("the stored blob does not open with the password: %v", err)
		}
	})
	t.Run("RecoveryKey", func(t *testing.T) {
		r, err := credential.Register(ctx, c, srv.MintCode(), credential.RegisterOptions{Kind: dfns.CredentialKindRecoveryKey, Name: "backup"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := credential.ParseRecoveryCode(r.RecoveryCode); err != nil || r.Credential.Kind != dfns.CredentialKindRecoveryKey {
			t.Errorf("recovery code %v, credential %+v", err, r.Credential)
		}
	})
}

// TestRegisterRefusesBeforeIO: what Register can check is checked before the
// code is redeemed: the code still works afterwards.
func TestRegisterRefusesBeforeIO(t *testing.T) {
	srv, c := sandboxClient(t)
	code := srv.MintCode()
	var ve *dfns.ValidationError
	for _, tt := range []struct {
		name string
		opts credential.RegisterOptions
		want func(error) bool
	}{
		{"no name", credential.RegisterOptions{}, func(err error) bool { return errors.As(err, &ve) && ve.Path == "/credentialName" }},
		{"Fido2", credential.RegisterOptions{Kind: dfns.CredentialKindFido2, Name: "n"}, func(err error) bool { return errors.As(err, &ve) && ve.Path == "/credentialKind" }},
		{"unknown algorithm", credential.RegisterOptions{Name: "n", Algorithm: -35}, func(err error) bool { return errors.Is(err, credential.ErrUnsupportedKey) }},
		{"PasswordProtectedKey without password", credential.RegisterOptions{Kind: dfns.CredentialKindPasswordProtectedKey, Name: "n"},
			func(err error) bool { return errors.Is(err, credential.ErrEmptyPassword) }},
		{"RecoveryKey with a password", credential.RegisterOptions{Kind: dfns.CredentialKindRecoveryKey, Name: "n", Password: "x"},
			func(err error) bool { return errors.As(err, &ve) && ve.Path == "/password" }},
		{"RecoveryKey with EdDSA", credential.RegisterOptions{Kind: dfns.CredentialKindRecoveryKey, Name: "n", Algorithm: credential.AlgorithmEdDSA},
			func(err error) bool { return errors.Is(err, credential.ErrUnsupportedKey) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := credential.Register(context.Background(), c, code, tt.opts); !tt.want(err) {
				t.Errorf("error %v", err)
			}
		})
	}
	if _, err := credential.Register(context.Background(), nil, code, credential.RegisterOptions{Name: "n"}); err == nil {
		t.Error("nil client accepted")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	if _, _, err := credential.RegisterKeyCredential(context.Background(), c, code, "after", 0); err != nil {
		t.Errorf("the code no longer works: %v", err)
	}
}
