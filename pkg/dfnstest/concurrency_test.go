package dfnstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

const clients = 64

// TestConcurrentClients runs 64 clients, each minting (through MintCode or
// HTTP) and redeeming its own codes with a strict client, then racing on
// shared codes: every code is consumed at most once, and every 200 answer
// passes ParseChallengeStrict.
func TestConcurrentClients(t *testing.T) {
	srv := newServer(t)
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	t.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	kinds := dfns.CredentialKinds()

	var wg sync.WaitGroup
	errs := make(chan error, clients*8)
	for i := range clients {
		wg.Go(func() {
			c, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(hc), dfns.WithStrictValidation())
			if err != nil {
				errs <- err
				return
			}
			for j := range 3 {
				var code dfns.OneTimeCode
				if j == 1 {
					code, err = mintHTTP(hc, srv.URL, fmt.Sprintf("token-%d", i))
					if err != nil {
						errs <- err
						return
					}
				} else {
					code = srv.MintCode()
				}
				kind := kinds[(i+j)%len(kinds)]
				ch, err := c.CreateCredentialChallengeWithCode(context.Background(), kind, code)
				if err != nil {
					errs <- fmt.Errorf("client %d: %w", i, err)
					return
				}
				if ch.Kind() != kind {
					errs <- fmt.Errorf("client %d: kind %s for %s", i, ch.Kind(), kind)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Race on shared codes.
	const shared = 8
	codes := make([]dfns.OneTimeCode, shared)
	for i := range codes {
		codes[i] = srv.MintCode()
	}
	wins := make([]atomic.Int32, shared)
	var bad atomic.Int32
	start := make(chan struct{})
	for i := range clients {
		wg.Go(func() {
			<-start
			for k := range shared {
				idx := (i + k) % shared
				body := initBody(kinds[i%len(kinds)], codes[idx])
				resp, err := hc.Post(srv.URL+initPath, "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					bad.Add(1)
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					wins[idx].Add(1)
					if _, err := dfns.ParseChallengeStrict(b); err != nil {
						t.Errorf("a 200 answer is not strict-valid: %v", err)
					}
				case http.StatusUnauthorized:
				default:
					t.Errorf("status %d: %s", resp.StatusCode, b)
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for i := range wins {
		if n := wins[i].Load(); n != 1 && bad.Load() == 0 {
			t.Errorf("shared code %d redeemed %d times", i, n)
		}
	}
	used := 0
	for _, r := range srv.Requests() {
		if r.Path == initPath && r.Reason == "code already used" {
			used++
		}
	}
	if want := clients*shared - shared; used != want {
		t.Errorf("%d refusals as used, want %d", used, want)
	}
}

// mintHTTP mints a code through POST /auth/credentials/code.
func mintHTTP(hc *http.Client, base, token string) (dfns.OneTimeCode, error) {
	req, _ := http.NewRequest(http.MethodPost, base+mintPath, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var m struct{ Code string }
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != http.StatusOK {
		return "", errors.Join(err, fmt.Errorf("mint: status %d", resp.StatusCode))
	}
	return dfns.OneTimeCode(m.Code), nil
}
