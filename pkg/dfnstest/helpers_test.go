package dfnstest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fixedTime is the clock of deterministic tests.
var fixedTime = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return fixedTime }

// post sends a JSON POST to h and returns the recorded answer.
func post(tb testing.TB, h http.Handler, path, body string) *httptest.ResponseRecorder {
	tb.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
