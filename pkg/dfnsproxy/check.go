package dfnsproxy

import (
	"errors"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/dfnskit/dfns-go/internal/specschema"
	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// Directions of a Violation.
const (
	DirectionRequest  = "request"
	DirectionResponse = "response"
)

// The rules the proxy adds to the JSON Schema keywords of specschema and
// the rules of dfns.ValidationError.
const (
	RuleJSON            = "json"            // the body is not one JSON document
	RuleContentType     = "contentType"     // the Content-Type is not JSON
	RuleTruncated       = "truncated"       // the body ended before its Content-Length
	RuleSize            = "size"            // the body is longer than the proxy reads (not checked)
	RuleContentEncoding = "contentEncoding" // an encoding the proxy cannot read (not checked; a note)
)

// route is one operation of the flow: its schemas, and how the client reads
// a 2xx answer by default.
type route struct {
	name     string
	request  *specschema.Schema
	ok       *specschema.Schema
	okClosed *specschema.Schema
	// parse is the client's default reading of a 2xx body; nil when the
	// proxy checks ok in both modes (mint: its answer holds the new code, so
	// a broken one is worth a report even where the client would read it).
	parse func([]byte) error
}

// checker holds the routes and the error envelope, loaded once.
type checker struct {
	strict         bool
	routes         map[string]*route // by path
	envelope       *specschema.Schema
	envelopeClosed *specschema.Schema
}

func newChecker(strict bool) (*checker, error) {
	c := &checker{strict: strict, routes: map[string]*route{}}
	for _, r := range []struct {
		name, path string
		load       func() (*specschema.Operation, error)
		parse      func([]byte) error
	}{
		{"init", specschema.InitPath, specschema.Init, func(b []byte) error { _, err := dfns.ParseChallenge(b); return err }},
		{"verify", specschema.VerifyPath, specschema.Verify, func(b []byte) error { _, err := dfns.ParseCredential(b); return err }},
		{"mint", specschema.MintPath, specschema.Mint, nil},
	} {
		op, err := r.load()
		if err != nil {
			return nil, err
		}
		c.routes[r.path] = &route{name: r.name, request: op.Request, ok: op.OK, okClosed: op.OK.Closed(), parse: r.parse}
	}
	env, err := specschema.ErrorEnvelope()
	if err != nil {
		return nil, err
	}
	c.envelope, c.envelopeClosed = env, env.Closed()
	return c, nil
}

// route returns the operation a request calls, nil for any other request.
func (c *checker) route(r *http.Request) *route {
	if r.Method != http.MethodPost {
		return nil
	}
	return c.routes[r.URL.Path]
}

// request checks a request body: the same in both modes, since a request the
// schema refuses is one Dfns refuses.
func (c *checker) request(rt *route, h http.Header, b body) []Violation {
	return framing(DirectionRequest, h, b, func(doc any) []Violation {
		return fromSchema(DirectionRequest, rt.request.Validate(doc), false)
	})
}

// response checks an answer: a 2xx against its schema (strict) or the
// client's default reading, any other status against the error envelope.
func (c *checker) response(rt *route, status int, h http.Header, b body) []Violation {
	return framing(DirectionResponse, h, b, func(doc any) []Violation {
		schema, closed := c.envelope, c.envelopeClosed
		if status >= 200 && status <= 299 {
			if !c.strict && rt.parse != nil {
				return fromClient(rt.parse(b.data))
			}
			schema, closed = rt.ok, rt.okClosed
		}
		open := schema.Validate(doc)
		vs := fromSchema(DirectionResponse, open, false)
		if c.strict {
			vs = append(vs, unknownProperties(closed.Validate(doc), open)...)
		}
		return vs
	})
}

// framing checks what comes before the schema (size, completeness,
// encoding, media type, JSON syntax) and calls check on the decoded body.
func framing(dir string, h http.Header, b body, check func(doc any) []Violation) []Violation {
	switch {
	case b.over:
		return []Violation{{Direction: dir, Rule: RuleSize, Want: "at most " + strconv.FormatInt(b.limit, 10) + " bytes"}}
	case b.readErr != nil:
		return []Violation{{Direction: dir, Rule: RuleTruncated, Want: "the whole body"}}
	case b.encoding != "":
		return []Violation{{Direction: dir, Rule: RuleContentEncoding, Want: "identity or gzip", Note: true}}
	}
	var vs []Violation
	if !isJSON(h.Get("Content-Type")) {
		vs = append(vs, Violation{Direction: dir, Rule: RuleContentType, Want: "application/json"})
	}
	doc, err := specschema.Decode(b.data)
	if err != nil {
		return append(vs, Violation{Direction: dir, Rule: RuleJSON})
	}
	return append(vs, check(doc)...)
}

// isJSON reports whether a Content-Type is one the client reads as JSON
// (application/json or any application/*+json).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// fromSchema turns specschema's violations into the proxy's.
func fromSchema(dir string, vs []specschema.Violation, note bool) []Violation {
	var out []Violation
	for _, v := range vs {
		out = append(out, Violation{Direction: dir, Pointer: v.Pointer, Rule: v.Rule, Want: v.Want, Note: note})
	}
	return out
}

// unknownProperties keeps, of the closed schema's violations, the objects
// with properties the spec does not name, as notes (unless the open schema
// refuses them already).
func unknownProperties(vs, open []specschema.Violation) []Violation {
	var keep []specschema.Violation
	for _, v := range vs {
		if v.Rule == "additionalProperties" && !slices.Contains(open, v) {
			keep = append(keep, v)
		}
	}
	return fromSchema(DirectionResponse, keep, true)
}

// fromClient maps the error of the client's default reading.
func fromClient(err error) []Violation {
	var ve *dfns.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ve):
		return []Violation{{Direction: DirectionResponse, Pointer: ve.Path, Rule: ve.Rule, Want: ve.Want}}
	case errors.As(err, new(*dfns.DecodeError)):
		return []Violation{{Direction: DirectionResponse, Rule: RuleJSON}}
	}
	return []Violation{{Direction: DirectionResponse, Rule: "decode"}}
}
