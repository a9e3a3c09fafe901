package dfns_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// Redirects are refused: following one would re-send the one-time code.

func TestRedirectRefused(t *testing.T) {
	for _, status := range []int{
		http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect,
	} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			target := newFakeDfns(t, replyJSON(responseFixture(t, "key")))
			origin := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, target.URL+initPath, status)
			})
			_, err := redeem(newTestClient(t, origin.URL), dfns.CredentialKindKey)
			if !errors.Is(err, dfns.ErrRedirect) {
				t.Fatalf("err = %v, want ErrRedirect", err)
			}
			if n := origin.hits.Load(); n != 1 {
				t.Errorf("origin got %d requests, want 1", n)
			}
			if n := target.hits.Load(); n != 0 {
				t.Errorf("redirect target got %d requests, want 0", n)
			}
			assertNoCode(t, err)
		})
	}
}

func TestRedirectRefusedWithUserHTTPClient(t *testing.T) {
	target := newFakeDfns(t, replyJSON(responseFixture(t, "key")))
	origin := newFakeDfns(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+initPath, http.StatusTemporaryRedirect)
	})
	var followed atomic.Int64
	follow := func(*http.Request, []*http.Request) error { followed.Add(1); return nil }
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	user := &http.Client{CheckRedirect: follow, Transport: transport}
	before := *user

	c := newTestClient(t, origin.URL, dfns.WithHTTPClient(user))
	_, err := redeem(c, dfns.CredentialKindKey)
	if !errors.Is(err, dfns.ErrRedirect) {
		t.Fatalf("err = %v, want ErrRedirect", err)
	}
	if n := target.hits.Load(); n != 0 {
		t.Errorf("redirect target got %d requests, want 0", n)
	}
	if n := followed.Load(); n != 0 {
		t.Errorf("the user's CheckRedirect ran %d times, want 0", n)
	}
	if user.Transport != before.Transport || user.Timeout != before.Timeout || user.Jar != before.Jar {
		t.Errorf("the user's *http.Client was mutated")
	}
	if user.CheckRedirect == nil || user.CheckRedirect(nil, nil) != nil {
		t.Errorf("the user's CheckRedirect was replaced")
	}

	// The premise: the user's own client does follow the redirect.
	resp, err := user.Post(origin.URL+initPath, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := target.hits.Load(); n != 1 {
		t.Errorf("the user's client reached the target %d times, want 1", n)
	}
}
