package dfnsproxy

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// Proxy is an http.Handler that forwards every request to the upstream and
// checks the flow's requests and answers on the way. It is safe for
// concurrent use.
type Proxy struct {
	cfg      config
	upstream *url.URL
	check    *checker
	rp       *httputil.ReverseProxy
	rec      *recorder
	stats    counter
}

// New returns a proxy to upstream, a Dfns base URL with the rules of
// dfns.WithBaseURL (https, or http on a loopback host; a *dfns.BaseURLError
// otherwise).
func New(upstream string, opts ...Option) (*Proxy, error) {
	if _, err := dfns.New(dfns.WithBaseURL(upstream)); err != nil {
		return nil, err
	}
	u, err := url.Parse(upstream) // checked just above
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: defaultConfig(), upstream: u}
	for _, o := range opts {
		if err := o(&p.cfg); err != nil {
			return nil, err
		}
	}
	if p.cfg.transport == nil {
		p.cfg.transport = defaultTransport(p.cfg.timeout)
	}
	if p.check, err = newChecker(p.cfg.strict); err != nil {
		return nil, err
	}
	if p.cfg.recordDir != "" {
		if p.rec, err = newRecorder(p.cfg.recordDir); err != nil {
			return nil, err
		}
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite:        p.rewrite,
		Transport:      p.cfg.transport,
		ModifyResponse: p.answered,
		ErrorHandler:   p.failed,
		ErrorLog:       slog.NewLogLogger(p.cfg.logger.Handler(), slog.LevelDebug),
		// Each write goes out at once: what arrived before an upstream's
		// body broke off reaches the client before the connection is cut.
		FlushInterval: -1,
	}
	return p, nil
}

// Stats returns what the proxy has counted so far.
func (p *Proxy) Stats() Stats { return p.stats.get() }

// exchange is what the proxy learns of one request, in the goroutine that
// serves it (ReverseProxy calls answered and failed from ServeHTTP).
type exchange struct {
	method     string
	path       string
	route      *route
	req        body
	reqHeader  http.Header
	status     int
	resp       body
	respHeader http.Header
	violations []Violation
	// finished: counted, logged and recorded (by answered or failed, before
	// the answer reaches the client, else when ServeHTTP returns).
	finished bool
}

type exchangeKey struct{}

// ServeHTTP forwards r upstream and its answer back, unchanged but for
// ViolationsHeader.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), p.cfg.timeout)
	defer cancel()
	ex := &exchange{method: r.Method, path: r.URL.Path, route: p.check.route(r)}
	p.stats.add(func(s *Stats) { // counted as it begins, so a client that has its answer sees it
		s.Exchanges++
		if ex.route != nil {
			s.Checked++
		}
	})
	if ex.route != nil {
		ex.reqHeader = r.Header.Clone()
		var rest io.Reader
		ex.req, rest = p.read(r.Body, r.Header)
		r.Body = readCloser{rest, r.Body}
		ex.violations = p.check.request(ex.route, r.Header, ex.req)
	}
	// Counted and logged even when nothing answered or the copy of the
	// answer is aborted (a truncated answer is passed on truncated:
	// ReverseProxy panics with http.ErrAbortHandler).
	defer p.done(ex)
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(ctx, exchangeKey{}, ex)))
}

// rewrite sends the request to the upstream, headers as they came (hop-by-hop
// aside): ReverseProxy drops the client's X-Forwarded-* before Rewrite.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.upstream)
	for _, h := range []string{"X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"} {
		if v, ok := pr.In.Header[h]; ok {
			pr.Out.Header[h] = v
		}
	}
}

// answered checks an answer of the flow and adds ViolationsHeader; the body
// goes on as it came (what was read, then the rest or the read error).
func (p *Proxy) answered(resp *http.Response) error {
	ex, _ := resp.Request.Context().Value(exchangeKey{}).(*exchange)
	if ex == nil || ex.route == nil {
		return nil
	}
	ex.status = resp.StatusCode
	ex.respHeader = resp.Header.Clone()
	var rest io.Reader
	ex.resp, rest = p.read(resp.Body, resp.Header)
	resp.Body = readCloser{rest, resp.Body}
	ex.violations = append(ex.violations, p.check.response(ex.route, resp.StatusCode, resp.Header, ex.resp)...)
	if len(ex.violations) > 0 {
		resp.Header.Add(ViolationsHeader, headerValue(ex.violations))
	}
	// Before the answer goes back: a client that has it sees the exchange
	// in Stats, the log and the recording.
	p.done(ex)
	return nil
}

// failed answers a request the upstream did not answer: 502 in the Dfns
// envelope.
func (p *Proxy) failed(w http.ResponseWriter, r *http.Request, err error) {
	ex, _ := r.Context().Value(exchangeKey{}).(*exchange)
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // without the URL
	}
	if errors.Is(err, context.Canceled) { // the client went away: nobody to answer
		p.cfg.logger.LogAttrs(r.Context(), slog.LevelDebug, "client went away",
			slog.String("method", r.Method), slog.String("path", r.URL.Path))
		return
	}
	p.stats.add(func(s *Stats) { s.UpstreamErrors++ })
	p.cfg.logger.LogAttrs(r.Context(), slog.LevelError, "upstream did not answer",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	if ex != nil {
		ex.status = http.StatusBadGateway
		if len(ex.violations) > 0 {
			w.Header().Set(ViolationsHeader, headerValue(ex.violations))
		}
		p.done(ex)
	}
	writeEnvelope(w, http.StatusBadGateway, "proxy_upstream_unreachable",
		"dfns proxy: the upstream did not answer ("+errorClass(err)+"); the proxy's log says why")
}

// errorClass names a transport error without its addresses.
func errorClass(err error) string {
	var (
		ne     net.Error
		cert   *tls.CertificateVerificationError
		alert  tls.AlertError
		record tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &cert), errors.As(err, &alert), errors.As(err, &record):
		return "TLS failure"
	}
	return "connection failed"
}

// done counts, logs and records an exchange, once.
func (p *Proxy) done(ex *exchange) {
	if ex.finished {
		return
	}
	ex.finished = true
	var flagged bool
	var violations, notes int
	for _, v := range ex.violations {
		if v.Note {
			notes++
		} else {
			violations++
			flagged = true
		}
	}
	p.stats.add(func(s *Stats) {
		if flagged {
			s.Flagged++
		}
		s.Violations += violations
		s.Notes += notes
	})
	if ex.route == nil {
		return
	}
	logViolations(p.cfg.logger, ex.method, ex.path, ex.status, ex.violations)
	if p.rec != nil && ex.respHeader != nil { // the upstream answered
		if err := p.rec.write(ex.route.name, p.recording(ex)); err != nil {
			p.cfg.logger.Error("recording failed", slog.String("error", err.Error()))
			return
		}
		p.stats.add(func(s *Stats) { s.Recorded++ })
	}
}
