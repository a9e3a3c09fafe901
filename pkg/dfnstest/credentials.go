package dfnstest

import (
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// credentialStore is the registered credentials, by credentialId, at most
// WithMaxCredentials of them, and the Fido2 ones by user for
// excludeCredentials. The Sandbox's stateMu guards it.
type credentialStore struct {
	bounded[string, *RegisteredCredential]
	fido2ByUser map[string][]string // user id -> credentialUuids
}

func newCredentialStore(max int, log *slog.Logger) *credentialStore {
	cs := &credentialStore{fido2ByUser: make(map[string][]string)}
	cs.bounded = bounded[string, *RegisteredCredential]{name: "credentials", max: max, log: log, removed: cs.unindex}
	return cs
}

// unindex drops an evicted Fido2 credential from its user's list.
func (cs *credentialStore) unindex(_ string, c *RegisteredCredential) {
	if c.Kind != dfns.CredentialKindFido2 {
		return
	}
	ids := slices.DeleteFunc(cs.fido2ByUser[c.UserID], func(id string) bool { return id == c.CredentialUUID })
	if len(ids) == 0 {
		delete(cs.fido2ByUser, c.UserID)
	} else {
		cs.fido2ByUser[c.UserID] = ids
	}
}

// addCredentialLocked stores a credential; the caller holds stateMu. A
// Fido2 credential joins its user's next excludeCredentials, as on Dfns.
func (s *Sandbox) addCredentialLocked(reg RegisteredCredential, now time.Time) {
	s.creds.put(reg.CredentialID, &reg, never, now)
	if reg.Kind == dfns.CredentialKindFido2 {
		s.creds.fido2ByUser[reg.UserID] = append(s.creds.fido2ByUser[reg.UserID], reg.CredentialUUID)
	}
}

// Credentials returns the credentials registered so far, oldest first: at
// most the WithMaxCredentials most recent. The result is a copy.
func (s *Sandbox) Credentials() []RegisteredCredential {
	s.stateMu.Lock()
	ptrs := s.creds.values()
	s.stateMu.Unlock()
	out := make([]RegisteredCredential, len(ptrs))
	for i, p := range ptrs {
		out[i] = *p
	}
	return out
}

// existingCredentials returns the user's existing credentials, never nil (a
// nil slice would marshal as null and break the spec): 0 to 2 made-up ones,
// derived from the user id so that nothing is stored per user, then the
// Fido2 credentials verify registered for the user.
func (s *Sandbox) existingCredentials(userID string) []gen.CredentialDescriptor {
	e := s.derive("existing credentials", userID)
	n := intn(e, 3)
	s.stateMu.Lock()
	registered := slices.Clone(s.creds.fido2ByUser[userID])
	s.stateMu.Unlock()
	out := make([]gen.CredentialDescriptor, 0, n+len(registered))
	for range n {
		out = append(out, gen.CredentialDescriptor{Type: gen.PublicKeyCredentialTypePublicKey, ID: newCredentialID(e)})
	}
	for _, id := range registered {
		out = append(out, gen.CredentialDescriptor{Type: gen.PublicKeyCredentialTypePublicKey, ID: id})
	}
	return out
}

// credentialExists is the 409 for a credId registered already.
func credentialExists() *apiError {
	return &apiError{
		status: http.StatusConflict, id: idCredentialExists,
		message: "A credential with this credId is registered already.",
		details: []detail{{Pointer: "/credentialInfo/credId", Rule: ruleUnique}},
		reason:  "credential exists",
	}
}
