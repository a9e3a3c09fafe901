// Package app is the backend of the passkey example: the two endpoints a Go
// server puts between a browser and Dfns to register a passkey with a
// one-time code, and the page that calls them.
//
//	POST /register/options {"code"}                 → {"registrationId", "publicKey"}
//	POST /register/finish  {"registrationId", "name", "credential"} → the credential
//
// options redeems the code (init) and answers the WebAuthn creation options
// (credential.CreationOptions) for PublicKeyCredential.parseCreationOptionsFromJSON;
// the challengeIdentifier stays on the server, under a random
// registrationId. finish turns the browser's PublicKeyCredential.toJSON()
// into the credentialInfo (credential.Fido2Info) and verifies it with Dfns.
package app

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/dfnskit/dfns-go/pkg/credential"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

//go:embed static
var static embed.FS

// Config is what the App needs.
type Config struct {
	// Client calls Dfns (or a sandbox).
	Client *dfns.Client
	// MintCode, if set, mints a one-time code when the page sends none: an
	// embedded sandbox's. Against Dfns the person pastes a code minted
	// for them.
	MintCode func() dfns.OneTimeCode
	// Log gets one line per failed call, never a code or challenge
	// identifier; nil discards.
	Log *slog.Logger
	// Now is the clock of the pending registrations (default time.Now).
	Now func() time.Time
}

// The limits of the App.
const (
	// PendingTTL is how long a registration may wait between options and
	// finish: the lifetime of a Dfns challenge.
	PendingTTL = 5 * time.Minute
	// MaxPending bounds the registrations waiting for finish.
	MaxPending = 1000
	// maxBody bounds a request body (an attestation is a few KiB).
	maxBody = 64 << 10
	// callTimeout bounds each call to Dfns.
	callTimeout = 30 * time.Second
)

// App serves the page and the two endpoints. It is safe for concurrent use.
type App struct {
	cfg Config
	mux *http.ServeMux

	mu      sync.Mutex
	pending map[string]pending
}

// errTooMany: MaxPending registrations are waiting for finish.
var errTooMany = errors.New("too many registrations in progress")

type pending struct {
	challengeIdentifier string
	expires             time.Time
}

// New returns the App for cfg.
func New(cfg Config) *App {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &App{cfg: cfg, mux: http.NewServeMux(), pending: make(map[string]pending)}
	page, _ := fs.Sub(static, "static")
	a.mux.Handle("GET /", http.FileServerFS(page))
	a.mux.HandleFunc("POST /register/options", a.options)
	a.mux.HandleFunc("POST /register/finish", a.finish)
	return a
}

// ServeHTTP serves the App, with headers that keep the page to its own
// origin.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	a.mux.ServeHTTP(w, r)
}

// options: init with the code, then the creation options.
func (a *App) options(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Code string `json:"code"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	code := dfns.OneTimeCode(in.Code)
	if code == "" {
		if a.cfg.MintCode == nil {
			writeError(w, http.StatusBadRequest, "Enter the one-time code minted for you (POST /auth/credentials/code).", nil)
			return
		}
		code = a.cfg.MintCode()
	}
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	ch, err := a.cfg.Client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindFido2, code)
	if err != nil {
		a.fail(w, "init", err)
		return
	}
	f, ok := ch.(*dfns.Fido2Challenge)
	if !ok {
		writeError(w, http.StatusBadGateway, "Dfns answered a challenge of another kind.", nil)
		return
	}
	opts, err := credential.CreationOptions(f)
	if err != nil {
		a.fail(w, "options", err)
		return
	}
	id, err := a.remember(f.ChallengeIdentifier())
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "Too many registrations in progress, or no randomness: try again in a few minutes.", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"registrationId": id, "publicKey": opts})
}

// finish: the browser's credential to Dfns's verify.
func (a *App) finish(w http.ResponseWriter, r *http.Request) {
	var in struct {
		RegistrationID string          `json:"registrationId"`
		Name           string          `json:"name"`
		Credential     json.RawMessage `json:"credential"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	if in.Name == "" {
		in.Name = "passkey"
	}
	p, ok := a.lookup(in.RegistrationID)
	if !ok {
		writeError(w, http.StatusNotFound, "No such registration, or it expired: start again.", nil)
		return
	}
	info, err := credential.Fido2Info(in.Credential)
	if err != nil {
		writeError(w, http.StatusBadRequest, "The browser's credential is not a WebAuthn registration: "+err.Error(), nil)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), callTimeout)
	defer cancel()
	cred, err := a.cfg.Client.CreateCredentialWithCode(ctx, dfns.VerifyRequest{
		Kind: dfns.CredentialKindFido2, Name: in.Name, ChallengeIdentifier: p.challengeIdentifier, CredentialInfo: *info,
	})
	if err != nil {
		// A refused verify consumes nothing: the registration stays, so
		// the page may try again until it expires.
		a.fail(w, "verify", err)
		return
	}
	a.forget(in.RegistrationID)
	writeJSON(w, http.StatusOK, cred)
}

// fail answers an error of a call: Dfns's 4xx as they are (message, id,
// details), anything else as 502.
func (a *App) fail(w http.ResponseWriter, step string, err error) {
	a.cfg.Log.Warn("passkey example: call failed", "step", step, "error", err.Error())
	var ae *dfns.APIError
	if errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 {
		writeError(w, ae.StatusCode, ae.Message, ae)
		return
	}
	if errors.Is(err, credential.ErrMalformed) || errors.Is(err, credential.ErrInvalidChallenge) {
		writeError(w, http.StatusBadGateway, "Dfns answered a challenge the browser cannot use: "+err.Error(), nil)
		return
	}
	writeError(w, http.StatusBadGateway, "Dfns could not be reached or failed: "+err.Error(), nil)
}

// remember stores a challengeIdentifier under a new registration id.
func (a *App) remember(challengeIdentifier string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(b[:])
	now := a.cfg.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, p := range a.pending {
		if !now.Before(p.expires) {
			delete(a.pending, k)
		}
	}
	if len(a.pending) >= MaxPending {
		return "", errTooMany
	}
	a.pending[id] = pending{challengeIdentifier: challengeIdentifier, expires: now.Add(PendingTTL)}
	return id, nil
}

func (a *App) lookup(id string) (pending, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	p, ok := a.pending[id]
	return p, ok && a.cfg.Now().Before(p.expires)
}

func (a *App) forget(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.pending, id)
}

// readJSON decodes a JSON request body of at most maxBody bytes into v,
// answering 400 itself when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "The request body is not the JSON object expected.", nil)
		return false
	}
	return true
}

// apiError is the JSON of an error answer.
type apiError struct {
	Error   string          `json:"error"`
	ID      string          `json:"id,omitempty"`
	Details json.RawMessage `json:"details,omitempty"`
}

func writeError(w http.ResponseWriter, status int, msg string, ae *dfns.APIError) {
	e := apiError{Error: msg}
	if ae != nil {
		e.ID = ae.ID
		if json.Valid(ae.Details) {
			e.Details = ae.Details
		}
	}
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
