package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/pkg/dfnstest"
)

// TestBrowserOptions: --origin must be an origin the rp id serves; --cors
// defaults to the --origin values; no --origin, no CORS.
func TestBrowserOptions(t *testing.T) {
	for _, tc := range []struct {
		name          string
		rpID          string
		origins, cors []string
		wantErr       string
		corsFrom      string // an origin whose preflight must be answered
		noCORSFrom    string // one whose preflight must not
	}{
		{name: "local page", rpID: "localhost", origins: []string{"http://localhost:8080"}, corsFrom: "http://localhost:8080", noCORSFrom: "http://localhost:9"},
		{name: "explicit cors", rpID: "localhost", origins: []string{"http://localhost:8080"}, cors: []string{"http://localhost:3000"}, corsFrom: "http://localhost:3000", noCORSFrom: "http://localhost:8080"},
		{name: "subdomain", rpID: "example.test", origins: []string{"https://app.example.test"}, corsFrom: "https://app.example.test"},
		{name: "defaults", noCORSFrom: "https://" + dfnstest.DefaultRPID},
		{name: "star", cors: []string{"*"}, corsFrom: "https://any.example"},
		{name: "origin of another host", origins: []string{"http://localhost:8080"}, wantErr: "--rp-id localhost"},
		{name: "origin with a path", rpID: "localhost", origins: []string{"http://localhost:8080/app"}, wantErr: "no path"},
		{name: "cors not an origin", cors: []string{"localhost:8080"}, wantErr: "--cors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts, err := browserOptions(tc.rpID, tc.origins, tc.cors)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := dfnstest.New(opts...).Handler()
			preflight := func(origin string) int {
				r := httptest.NewRequest(http.MethodOptions, "/auth/credentials/code/init", nil)
				r.Header.Set("Origin", origin)
				r.Header.Set("Access-Control-Request-Method", "POST")
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				return w.Code
			}
			if tc.corsFrom != "" && preflight(tc.corsFrom) != http.StatusNoContent {
				t.Errorf("no CORS for %s", tc.corsFrom)
			}
			if tc.noCORSFrom != "" && preflight(tc.noCORSFrom) == http.StatusNoContent {
				t.Errorf("CORS for %s", tc.noCORSFrom)
			}
		})
	}
}
