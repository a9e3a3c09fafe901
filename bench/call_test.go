package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// goroutineCounts are the concurrency levels of BenchmarkCall, every one
// sharing one client.
var goroutineCounts = []int{1, 2, 8, 64}

// benchCode is the one-time code the loopback benchmarks send; the fixed
// handler does not look at it.
const benchCode = "ABC-DEF-GHJ"

// fixedHandler answers every request with body, as a 200 application/json,
// after draining the request body: the cheapest server there is.
func fixedHandler(body []byte) http.Handler {
	n := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["Content-Length"] = []string{n}
		_, _ = w.Write(body)
	})
}

// newTransport is the transport every client of a benchmark shares: enough
// idle connections per host that 64 goroutines keep theirs alive.
func newTransport() *http.Transport {
	return &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}
}

// rawCall is the floor: what a caller writes with net/http alone. It
// marshals the request, posts it, reads the whole answer and decodes it in
// one json.Unmarshal into the tagged Fido2 struct.
func rawCall(ctx context.Context, hc *http.Client, url string) error {
	reqBody, err := json.Marshal(gen.CreateCredentialChallengeWithCodeRequest{CredentialKind: dfns.CredentialKindFido2, Code: benchCode})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(reqBody))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	var ch gen.Fido2Challenge
	return json.Unmarshal(data, &ch)
}

// callSlice is the length of one client's turn in BenchmarkCall.
const callSlice = 50 * time.Millisecond

// BenchmarkCall is a full Fido2 call over loopback with keep-alive, against
// a handler that answers fixed bytes, by the pkg/dfns client, by raw
// net/http plus one json.Unmarshal (the floor) and by the generated
// ClientWithResponses (ValueByDiscriminator), all three on the same
// *http.Client, taking turns (see interleave). At each concurrency level,
// g goroutines share the client and split the calls: CLIENT-req/s is the
// throughput, CLIENT-ns/op its inverse. CLIENT-cpu-ns/op, CLIENT-B/op and
// CLIENT-allocs/op count the in-process server too.
func BenchmarkCall(b *testing.B) {
	fido2 := body(b, dfns.CredentialKindFido2)
	srv := httptest.NewServer(fixedHandler(fido2))
	defer srv.Close()
	tr := newTransport()
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	ctx := context.Background()
	url := srv.URL + "/auth/credentials/code/init"

	client, err := dfns.New(dfns.WithBaseURL(srv.URL), dfns.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	genClient, err := gen.NewClientWithResponses(srv.URL, gen.WithHTTPClient(hc))
	if err != nil {
		b.Fatal(err)
	}
	calls := []contender{
		{"dfns", func() error {
			ch, err := client.CreateCredentialChallengeWithCode(ctx, dfns.CredentialKindFido2, benchCode)
			if err != nil {
				return err
			}
			if _, ok := ch.(*dfns.Fido2Challenge); !ok {
				return fmt.Errorf("got %T", ch)
			}
			return nil
		}},
		{"raw", func() error { return rawCall(ctx, hc, url) }},
		{"gen", func() error {
			r, err := genClient.CreateCredentialChallengeWithCodeWithResponse(ctx,
				gen.CreateCredentialChallengeWithCodeRequest{CredentialKind: dfns.CredentialKindFido2, Code: benchCode})
			if err != nil {
				return err
			}
			if r.JSON200 == nil {
				return fmt.Errorf("status %d", r.StatusCode())
			}
			v, err := r.JSON200.ValueByDiscriminator()
			if err != nil {
				return err
			}
			if _, ok := v.(gen.Fido2Challenge); !ok {
				return fmt.Errorf("got %T", v)
			}
			return nil
		}},
	}
	for _, g := range goroutineCounts {
		b.Run(fmt.Sprintf("g=%d", g), func(b *testing.B) {
			interleave(b, interleaveOptions{goroutines: g, slice: callSlice, load: true}, calls)
		})
	}
}
