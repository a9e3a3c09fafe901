package dfnsproxy_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dfnskit/dfns-go/internal/specschema"
	"github.com/dfnskit/dfns-go/pkg/dfnsproxy"
)

// BenchmarkProxy is one Fido2 init (the largest answer) against the sandbox
// directly and through the proxy in each mode: read the ratios, not the
// times (loopback HTTP dominates).
func BenchmarkProxy(b *testing.B) {
	sb := newSandbox(b)
	targets := map[string]string{"direct": sb.URL}
	for name, opts := range map[string][]dfnsproxy.Option{"proxy": nil, "proxy-strict": {dfnsproxy.WithStrict()}} {
		p, err := dfnsproxy.New(sb.URL, opts...)
		if err != nil {
			b.Fatal(err)
		}
		front := newFront(b, p)
		targets[name] = front
	}
	for _, name := range []string{"direct", "proxy", "proxy-strict"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := http.Post(targets[name]+specschema.InitPath, "application/json", strings.NewReader(initBody("Fido2", sb.MintCode())))
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || resp.Header.Get(dfnsproxy.ViolationsHeader) != "" {
					b.Fatalf("%d %q", resp.StatusCode, resp.Header.Get(dfnsproxy.ViolationsHeader))
				}
			}
		})
	}
}
