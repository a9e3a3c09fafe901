package dfns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dfnskit/dfns-go/gen"
	"github.com/dfnskit/dfns-go/gen/flow"
)

// Client calls the Dfns "Create Credential With Code" endpoints. It needs no
// API token: the one-time code is the credential. A Client is safe for
// concurrent use; create one and reuse it.
type Client struct {
	api       *gen.Client  // init, from the vendored openapi.yaml
	flow      *flow.Client // verify and mint, from openapi.flow.yaml
	http      *http.Client
	baseURL   string
	maxBody   int64
	strict    bool
	userAgent string
	timeout   time.Duration
	retry     RetryPolicy
	headers   struct{ userAgent []string }
}

// New returns a Client for RegionEU unless an option says otherwise.
func New(opts ...Option) (*Client, error) {
	cfg := config{timeout: DefaultTimeout, maxResponseBytes: DefaultMaxResponseBytes, userAgent: userAgent, retry: DefaultRetryPolicy()}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.baseURL == nil {
		cfg.baseURL, _ = parseBaseURL(string(RegionEU))
	}
	hc := newDefaultHTTPClient()
	if cfg.httpClient != nil {
		hc = withoutRedirects(cfg.httpClient)
	}
	c := &Client{
		http:      hc,
		baseURL:   cfg.baseURL.String(),
		maxBody:   cfg.maxResponseBytes,
		strict:    cfg.strict,
		userAgent: cfg.userAgent,
		timeout:   cfg.timeout,
		retry:     cfg.retry,
	}
	api, err := gen.NewClient(c.baseURL, gen.WithHTTPClient(hc), gen.WithRequestEditorFn(c.setHeaders))
	if err != nil {
		return nil, err
	}
	c.headers.userAgent = []string{c.userAgent}
	c.api = api
	fc, err := flow.NewClient(c.baseURL, flow.WithHTTPClient(hc), flow.WithRequestEditorFn(c.setHeaders))
	if err != nil {
		return nil, err
	}
	c.flow = fc
	return c, nil
}

// BaseURL is the base URL requests go to.
func (c *Client) BaseURL() string { return c.baseURL }

// CloseIdleConnections closes the keep-alive connections the client's
// transport holds, like http.Client.CloseIdleConnections.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// setHeaders adds the headers every request carries.
//
// The values are built once per Client and shared by every request (a
// RoundTripper must not modify its request), which saves two allocations
// a call over Header.Set; the keys are already canonical. These are the
// headers the Dfns docs list (Content-Type comes from the generated client).
func (c *Client) setHeaders(_ context.Context, req *http.Request) error {
	req.Header["User-Agent"] = c.headers.userAgent
	req.Header["X-Dfns-Sdk-Version"] = sdkVersionHeader
	return nil
}

// sdkVersionHeader is the X-Dfns-Sdk-Version value, shared by every request.
var sdkVersionHeader = []string{"dfns-go/" + Version}

// ValidateRequest checks a CreateCredentialChallengeWithCode request without
// sending it: kind must be one of the spec's and code non-empty. The error is
// a *ValidationError, which never holds the code.
func ValidateRequest(kind CredentialKind, code OneTimeCode) error {
	if !kind.Valid() {
		return reqErr("/credentialKind", RuleEnum, fmt.Sprintf("one of %v", CredentialKinds()))
	}
	if code.IsZero() {
		return reqErr("/code", RuleMinLength, "1")
	}
	return nil
}

// CreateCredentialChallengeWithCode redeems a one-time code for the challenge
// a new credential of the given kind must sign (POST
// /auth/credentials/code/init). The result is one of the Challenge variants;
// switch on its type.
//
// Attempts that cannot have reached the server (a refused connection, 429,
// 503) are retried as the RetryPolicy says; nothing that may have consumed
// the code is ever sent again.
//
// Errors: a *ValidationError before any I/O for a bad kind or empty code; an
// *APIError for a non-2xx answer (match its class with errors.Is and
// ErrBadRequest, ErrUnauthorized, ErrRateLimited…); a *DecodeError or
// *ValidationError for a body that is not a valid challenge;
// ErrResponseTooLarge, ErrRedirect, or the transport's or the context's
// error, wrapped. No error ever contains the code.
func (c *Client) CreateCredentialChallengeWithCode(ctx context.Context, kind CredentialKind, code OneTimeCode) (Challenge, error) {
	if err := ValidateRequest(kind, code); err != nil {
		return nil, err
	}
	body := gen.CreateCredentialChallengeWithCodeJSONRequestBody{CredentialKind: kind, Code: code.reveal()}
	return do(ctx, c, call[Challenge]{
		send: func(ctx context.Context) (*http.Response, error) {
			return c.api.CreateCredentialChallengeWithCode(ctx, body)
		},
		decode:  c.challengeDecoder(kind),
		secrets: secrets{code.reveal()},
	})
}

// challengeDecoder is init's decoder in the client's validation mode: the
// default one decodes as the kind asked for first.
func (c *Client) challengeDecoder(kind CredentialKind) func([]byte, *responseMeta) (Challenge, error) {
	if c.strict {
		return parseChallengeStrict
	}
	return func(data []byte, meta *responseMeta) (Challenge, error) { return parseChallenge(data, meta, kind) }
}

// call is one endpoint's part of a request: send it once, read a 2xx body,
// and the secrets no error may repeat. Every endpoint goes through do, so
// they share the timeout, the retry policy, the body limit and the error
// mapping.
type call[T any] struct {
	send    func(ctx context.Context) (*http.Response, error)
	decode  func(data []byte, meta *responseMeta) (T, error)
	secrets secrets
	// secretBody says a 2xx body is itself a secret (a minted code): a
	// DecodeError then has no snippet.
	secretBody bool
}

// do runs a call within the client's timeout, retrying the attempts the
// RetryPolicy allows: only those that cannot have reached the server.
func do[T any](ctx context.Context, c *Client, cl call[T]) (T, error) {
	var zero T
	// The client's timeout bounds the call, unless the caller's deadline is
	// sooner already (then a second timer would only cost).
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > c.timeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	for n := 1; ; n++ {
		v, retryAfter, err := attempt(ctx, c, cl)
		if err == nil || retryAfter < 0 {
			return v, err
		}
		if n >= c.retry.attempts() {
			return zero, fmt.Errorf("dfns: giving up after %d attempts: %w", n, err)
		}
		wait := c.retry.delay(n, retryAfter)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return zero, fmt.Errorf("dfns: not retrying, the deadline is sooner than the %v wait: %w", wait, err)
		}
		if serr := c.retry.sleep(ctx, wait); serr != nil {
			return zero, fmt.Errorf("dfns: stopped waiting to retry: %w (after %d attempts: %w)", serr, n, err)
		}
	}
}

// attempt sends the request once. A failure that may be retried comes back
// with retryAfter >= 0 (the wait the server asked for, or 0); any other
// outcome with retryAfter < 0.
func attempt[T any](ctx context.Context, c *Client, cl call[T]) (v T, retryAfter time.Duration, err error) {
	var written atomic.Bool
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		// Called once the headers are written, before anything can have
		// reached the server; a dial error always comes before it.
		WroteHeaders: func() { written.Store(true) },
	})
	resp, err := cl.send(traced)
	if err != nil {
		sent := written.Load()
		terr := transportError(err, cl.secrets)
		if !sent {
			terr = notSent{terr}
		}
		if retryableTransportError(err, sent) {
			return v, 0, terr
		}
		return v, -1, terr
	}
	data, meta, err := c.readBody(resp, cl.secrets, cl.secretBody)
	if err != nil && !(failed(resp.StatusCode) && errors.Is(err, ErrResponseTooLarge)) {
		return v, -1, err
	}
	if failed(resp.StatusCode) {
		// A huge error page (data is nil then) still says what went wrong.
		apiErr := parseAPIError(resp.StatusCode, resp.Header, data, cl.secrets, c.retry.now())
		if retryableStatus(resp.StatusCode) {
			return v, apiErr.RetryAfter, apiErr
		}
		return v, -1, apiErr
	}
	if !isJSON(meta.contentType) {
		return v, -1, newDecodeError(meta, data, errors.New("content type is not JSON"))
	}
	v, err = cl.decode(data, meta)
	return v, -1, err
}

// failed reports whether a status is not 2xx.
func failed(status int) bool { return status < 200 || status > 299 }

// readBody reads at most maxBody bytes and closes the body. With
// secretBody, a 2xx body never reaches a DecodeError's snippet.
func (c *Client) readBody(resp *http.Response, ss secrets, secretBody bool) ([]byte, *responseMeta, error) {
	defer resp.Body.Close()
	meta := &responseMeta{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), secrets: ss,
		noSnippet: secretBody && !failed(resp.StatusCode)}
	if resp.ContentLength > c.maxBody {
		return nil, meta, fmt.Errorf("%w: %d bytes announced, limit %d", ErrResponseTooLarge, resp.ContentLength, c.maxBody)
	}
	buf := bytes.NewBuffer(make([]byte, 0, initialBufSize(resp.ContentLength, c.maxBody)))
	n, err := buf.ReadFrom(io.LimitReader(resp.Body, c.maxBody+1))
	if n > c.maxBody {
		return nil, meta, fmt.Errorf("%w: over %d bytes", ErrResponseTooLarge, c.maxBody)
	}
	if err != nil {
		// A truncated body (connection closed before Content-Length bytes).
		return nil, meta, newDecodeError(meta, buf.Bytes(), fmt.Errorf("reading body: %w", scrubErr(err, ss)))
	}
	return buf.Bytes(), meta, nil
}

// initialBufSize sizes the body buffer from Content-Length when known.
func initialBufSize(contentLength, limit int64) int {
	if contentLength > 0 && contentLength <= limit {
		return int(contentLength) + bytes.MinRead
	}
	return 4096
}

// isJSON reports whether a Content-Type is JSON (application/json or any
// +json type).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// transportError wraps a transport error: redirects become ErrRedirect, and
// the secrets are scrubbed from the message (they are never in a URL, but the
// guarantee is cheap).
func transportError(err error, ss secrets) error {
	if errors.Is(err, ErrRedirect) {
		return fmt.Errorf("dfns: the server redirected the request: %w", ErrRedirect)
	}
	return fmt.Errorf("dfns: request failed: %w", scrubErr(err, ss))
}

// scrubErr keeps err (for errors.Is/As) when its message holds none of the
// secrets, and replaces the message otherwise.
func scrubErr(err error, ss secrets) error {
	if !ss.in(err.Error()) {
		return err
	}
	return &scrubbedError{msg: ss.scrub(err.Error()), err: err}
}

// scrubbedError is an error whose message had a secret in it.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }

// Unwrap deliberately returns nothing: a caller printing the chain would see
// the secret again. Is still answers for the wrapped error's classes.
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.err, target) }
