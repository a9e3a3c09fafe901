package dfnsproxy

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"

	"github.com/dfnskit/dfns-go/gen/flow"
)

// Replay serves recorded exchanges: each request gets the answer (status,
// headers, body) of the first exchange not yet served with the same method
// and path, and a 404 in the Dfns envelope when none is left. Mounted in an
// httptest.Server, it stands in for Dfns in a test:
//
//	exs, err := dfnsproxy.LoadRecording("testdata/staging")
//	srv := httptest.NewServer(dfnsproxy.Replay(exs))
//	c, err := dfns.New(dfns.WithBaseURL(srv.URL))
//
// The answers are the redacted ones: a replayed challengeIdentifier is
// "[REDACTED]", which a replayed verify answers all the same.
func Replay(exchanges []Exchange) http.Handler {
	var (
		mu     sync.Mutex
		served = make([]bool, len(exchanges))
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		var ex *Exchange
		for i := range exchanges {
			if !served[i] && exchanges[i].Method == r.Method && exchanges[i].Path == r.URL.Path {
				served[i], ex = true, &exchanges[i]
				break
			}
		}
		mu.Unlock()
		if ex == nil {
			writeEnvelope(w, http.StatusNotFound, "replay_exhausted",
				"dfnsproxy: no recorded exchange left for "+r.Method+" "+r.URL.Path)
			return
		}
		for k, vs := range ex.Response.Header {
			w.Header()[k] = vs
		}
		status := ex.Response.Status
		if status < 100 || status > 999 {
			status = http.StatusBadGateway // a hand-edited fixture
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(ex.Response.Body)))
		w.WriteHeader(status)
		_, _ = w.Write([]byte(ex.Response.Body))
	})
}

// writeEnvelope answers an error of the proxy's own in the Dfns envelope.
func writeEnvelope(w http.ResponseWriter, status int, id, message string) {
	body, _ := json.Marshal(flow.ErrorResponse{Error: flow.ErrorBody{ID: &id, Status: &status, Message: message}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
