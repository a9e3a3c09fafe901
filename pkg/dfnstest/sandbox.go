package dfnstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dfnskit/dfns-go/gen/server"
)

// Sandbox is an in-memory, spec-validated stand-in for the Dfns "Create
// Credential With Code" endpoints. Serve its Handler, or use NewServer. It
// is safe for concurrent use.
type Sandbox struct {
	cfg config
	rnd entropy
	key []byte // HMAC key of what the sandbox derives instead of storing
	log *slog.Logger
	val *validator // nil with WithoutValidation
	// verifyVal validates verify's requests and answers against
	// openapi.flow.yaml; nil with WithoutValidation.
	verifyVal *validator
	mux       http.Handler

	codes *codeStore // its own lock

	// stateMu guards the issued challenges (for a later verify) and the
	// registered credentials. It may be held while taking codes' lock,
	// never the other way round.
	stateMu    sync.Mutex
	challenges bounded[challengeKey, issuedChallenge]
	creds      *credentialStore

	recMu sync.Mutex
	rec   recorder
	seq   atomic.Uint64

	// corruptResponse, set only by this package's tests, rewrites init's
	// 200 answers before they are validated.
	corruptResponse func([]byte) []byte
}

// New returns a Sandbox; it opens no listener. It panics if an option was
// given a value it cannot use (see each option).
func New(opts ...Option) *Sandbox {
	cfg := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if len(cfg.errs) > 0 {
		panic("dfnstest: " + strings.Join(cfg.errs, "; "))
	}
	s := &Sandbox{
		cfg:   cfg,
		log:   cfg.logger,
		codes: newCodeStore(cfg.lim.codes, cfg.logger),
		challenges: bounded[challengeKey, issuedChallenge]{
			name: "challenges", max: cfg.lim.challenges, log: cfg.logger,
			disposable: func(c issuedChallenge) bool { return c.used },
		},
		creds: newCredentialStore(cfg.lim.credentials, cfg.logger),
	}
	if cfg.seeded {
		s.rnd = newSeededEntropy(cfg.seed)
	} else {
		s.rnd = cryptoEntropy{}
	}
	s.key = make([]byte, 32)
	s.rnd.fill(s.key)
	if !cfg.noValidate {
		v, err := loadValidator()
		if err != nil {
			panic("dfnstest: " + err.Error())
		}
		s.val = v
		fv, err := loadFlowValidator()
		if err != nil {
			panic("dfnstest: " + err.Error())
		}
		s.verifyVal = fv
	}
	s.mux = s.routes()
	return s
}

// Handler returns the sandbox as an http.Handler, to mount in a server of
// one's own (under a prefix with http.StripPrefix if need be).
func (s *Sandbox) Handler() http.Handler { return s.withCORS(http.HandlerFunc(s.serveHTTP)) }

// now reads the sandbox's clock.
func (s *Sandbox) now() time.Time { return s.cfg.clock() }

// The endpoints.
const (
	mintPath       = "/auth/credentials/code"
	routeInit      = "init"
	routeMint      = "mint"
	maxRequestBody = 64 << 10
)

// routes builds the mux: init through the generated strict server of the
// vendored spec, verify through the one generated from openapi.flow.yaml,
// the mint endpoint by hand, and envelopes for wrong methods and unknown
// paths.
func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	strict := server.NewStrictHandlerWithOptions(initHandler{s}, nil, server.StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  s.bindError,
		ResponseErrorHandlerFunc: s.responseError,
	})
	server.HandlerWithOptions(strict, server.StdHTTPServerOptions{
		BaseRouter:       mux,
		Middlewares:      []server.MiddlewareFunc{s.checkInitRequest},
		ErrorHandlerFunc: s.bindError,
	})
	mux.HandleFunc("POST "+mintPath, s.serveMint)
	mux.HandleFunc("POST "+verifyPath, s.verifyRoute())
	for _, p := range []string{initPath, mintPath, verifyPath} {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			exchangeFrom(r.Context()).fail(methodNotAllowed(http.MethodPost)).write(w)
		})
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		exchangeFrom(r.Context()).fail(notFound()).write(w)
	})
	return mux
}

// exchange is the state of one request shared by the layers serving it.
type exchange struct {
	w        http.ResponseWriter // the connection's writer (MaxBytesReader, hijack)
	route    string
	body     []byte
	bodyRead bool
	reason   string
	recorded bool
}

// fail notes e's reason and returns e.
func (x *exchange) fail(e *apiError) *apiError {
	x.reason = e.reason
	return e
}

type exchangeKey struct{}

func exchangeFrom(ctx context.Context) *exchange {
	if x, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return x
	}
	return &exchange{} // not reached: serveHTTP always sets it
}

// serveHTTP is the whole pipeline: faults that answer first, the mux into a
// buffer, response validation, faults that tamper with the answer, then
// the record and the log line.
func (s *Sandbox) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := &exchange{w: w}
	rec := Request{Time: s.now(), Method: r.Method, Path: redactCodeShapes(r.URL.Path), Header: recordHeader(r.Header)}
	// The record is made before the answer leaves, so that a client that
	// has its answer finds its request in Requests.
	done := func() { s.finish(&rec, x, time.Since(start)) }
	defer done() // the paths that send nothing
	sendError := func(e *apiError) {
		x.fail(e)
		rec.Status = e.status
		done()
		e.write(w)
	}

	rec.ID = fmt.Sprintf("rq-%08d", s.seq.Add(1))
	w.Header().Set("X-Request-Id", rec.ID)
	w.Header().Set("Cache-Control", "no-store")

	if !cleanPath(r.URL.Path) {
		sendError(notFound())
		return
	}
	fault, err := s.faultFor(r)
	if err != nil {
		sendError(&apiError{
			status: http.StatusBadRequest, id: idFaultInvalid,
			message: "Invalid " + FaultHeader + " header: " + err.Error(),
			reason:  "invalid fault header",
		})
		return
	}
	if fault != nil {
		rec.Fault = fault.raw
		if fault.latency > 0 {
			if fault.action != faultResetBeforeBody {
				// net/http notices a client that went away only once the
				// body has been read: read it first, so that the request's
				// context ends the sleep.
				r.Body = prefetch(r.Body)
			}
			if !sleep(r.Context().Done(), fault.latency) {
				x.reason = "client went away during the latency fault"
				return
			}
		}
		switch fault.action {
		case faultResetBeforeBody:
			x.reason = "fault: connection reset before the body was read"
			done()
			resetConnection(w)
			return
		case faultStatus, faultRateLimit:
			x.body, x.bodyRead = readForRecord(r.Body), true
			e := &apiError{status: fault.status, id: idFault, message: "Fault injected by the sandbox.", reason: "fault: status"}
			if fault.action == faultRateLimit {
				e = &apiError{
					status: http.StatusTooManyRequests, id: idRateLimited,
					message:    "Too many requests; retry after the delay in Retry-After.",
					retryAfter: strconv.Itoa(fault.retryAfter), reason: "fault: rate limited",
				}
			}
			sendError(e)
			return
		}
	}

	bw := &bufferedWriter{header: make(http.Header)}
	s.mux.ServeHTTP(bw, r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x)))
	if !x.bodyRead {
		x.body, x.bodyRead = readForRecord(r.Body), true
	}
	status, body := bw.statusCode(), bw.buf.Bytes()

	if x.route == routeInit && status == http.StatusOK && s.corruptResponse != nil {
		body = s.corruptResponse(body)
	}
	if v := s.answerValidator(x.route); v != nil && status == http.StatusOK {
		if err := v.validateResponse(body); err != nil {
			s.log.Error("dfnstest: the sandbox's answer breaks its spec; this is a bug of dfnstest",
				"method", rec.Method, "path", rec.Path, "error", err.Error())
			sendError(&apiError{
				status: http.StatusInternalServerError, id: idInvalidResponse,
				message: "The sandbox's answer broke the API spec; this is a bug of dfnstest.",
				reason:  idInvalidResponse + ": " + err.Error(),
			})
			return
		}
	}

	if fault != nil && status == http.StatusOK {
		switch fault.action {
		case faultMalformed:
			body = []byte(malformedBody)
		case faultOversized:
			body = oversizedBody()
		case faultUnknownKind:
			if x.route == routeInit {
				body = rewriteMember(body, "kind", []byte(`"Passkey2"`))
			}
		case faultNoTemporaryToken:
			if x.route == routeInit {
				body = rewriteMember(body, "temporaryAuthenticationToken", nil)
			}
		}
	}
	if fault != nil && fault.action == faultResetAfterBody {
		if x.reason == "" {
			x.reason = "fault: connection reset after the request was processed"
		}
		done()
		resetConnection(w)
		return
	}

	h := w.Header()
	for k, v := range bw.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	rec.Status = status
	done()
	w.WriteHeader(status)
	if fault != nil && fault.action == faultTruncate && status == http.StatusOK {
		// The server closes the connection when a handler writes less than
		// its Content-Length: the client reads half, then an unexpected EOF.
		body = body[:len(body)/2]
	}
	_, _ = w.Write(body)
}

// faultFor returns the fault of a request: the header's with WithFaults,
// else WithFault's, else none.
func (s *Sandbox) faultFor(r *http.Request) (*faultSpec, error) {
	if s.cfg.faultHeader {
		if v := r.Header.Get(FaultHeader); v != "" {
			f, err := parseFault(v)
			if err != nil {
				return nil, err
			}
			return &f, nil
		}
	}
	return s.cfg.fault, nil
}

// finish records the request and logs it, once.
func (s *Sandbox) finish(rec *Request, x *exchange, d time.Duration) {
	if x.recorded {
		return
	}
	x.recorded = true
	if rec.Path == verifyPath {
		rec.Body = redactVerifyBody(x.body)
	} else {
		rec.Body = redactBody(x.body)
	}
	rec.Reason = x.reason
	s.recMu.Lock()
	s.rec.add(*rec)
	s.recMu.Unlock()
	if s.log.Enabled(context.Background(), slog.LevelInfo) {
		s.log.Info("dfnstest request", "id", rec.ID, "method", rec.Method, "path", rec.Path, "status", rec.Status,
			"reason", rec.Reason, "fault", rec.Fault, "duration", d)
	}
}

// readForRecord reads what is left of a body, up to the size limit, only
// for Requests.
func readForRecord(body io.Reader) []byte {
	if body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(body, maxRequestBody))
	return b
}

// prefetch reads up to maxRequestBody+1 bytes of body ahead and returns a
// body that replays them before the rest.
func prefetch(body io.ReadCloser) io.ReadCloser {
	buf, err := io.ReadAll(io.LimitReader(body, maxRequestBody+1))
	rest := io.Reader(body)
	if err != nil {
		rest = errReader{err}
	}
	return struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(buf), rest), body}
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// rewriteMember sets (or, with a nil value, deletes) a top-level member of
// a JSON object; body is returned unchanged if it is not one.
func rewriteMember(body []byte, name string, value json.RawMessage) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	if value == nil {
		delete(m, name)
	} else {
		m[name] = value
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// bufferedWriter holds an answer until the sandbox has checked it.
type bufferedWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.buf.Write(p)
}

func (b *bufferedWriter) statusCode() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

// cleanPath reports whether p is already clean (the mux would redirect an
// unclean one instead of answering in the envelope).
func cleanPath(p string) bool {
	return p != "" && p[0] == '/' && path.Clean(p) == p
}
