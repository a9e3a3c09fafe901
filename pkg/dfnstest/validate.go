package dfnstest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dfnskit/dfns-go/gen/server"
)

// The sandbox validates with kin-openapi's Schema.VisitJSON on the schemas of
// the embedded spec, loaded once per process. It does NOT use openapi3filter
// nor EnableJSONSchema2020: on an OpenAPI 3.1 document those compile the
// schema into a JSON Schema 2020-12 validator on every call (milliseconds
// per answer). VisitJSON without EnableJSONSchema2020 runs kin-openapi's
// built-in validator, which walks the loaded *openapi3.Schema directly and
// has no compile step; the spec uses no keyword that only JSON Schema 2020-12
// knows (TestValidatorAgreesWithJSONSchema2020 checks the two agree on a
// corpus). Its regular expressions are compiled once and cached by
// kin-openapi. Bodies are decoded once with encoding/json (decodeJSON).
// BenchmarkValidateResponse measures all this.
//
// Error messages: DisableSchemaErrorDetails keeps the schema and the value
// out of kin-openapi's messages, and the message customizer replaces them
// with "pointer: rule". The sandbox itself only ever reads the JSON pointer
// and the schema keyword of a *openapi3.SchemaError, never its Value or
// Reason, so no request value reaches an answer, Requests or a log. All of
// these are per-call options: no package-global switch of kin-openapi is
// touched.

// validator holds the request and response schemas of init.
type validator struct {
	request  *openapi3.Schema
	response *openapi3.Schema
}

// initPath is the spec's path of init.
const initPath = "/auth/credentials/code/init"

// loadValidator loads, checks and extracts the schemas once per process; the
// loaded document is only read afterwards, which is safe for concurrent use.
var loadValidator = sync.OnceValues(func() (*validator, error) {
	doc, err := server.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("loading the embedded spec: %w", err)
	}
	// Nothing here routes on servers, but a sandbox is on no Dfns host.
	doc.Servers = nil
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the embedded spec is invalid: %w", err)
	}
	item := doc.Paths.Find(initPath)
	if item == nil || item.Post == nil {
		return nil, errors.New("the embedded spec has no POST " + initPath)
	}
	op := item.Post
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, errors.New("POST " + initPath + " has no request body")
	}
	reqMedia := op.RequestBody.Value.Content.Get("application/json")
	if reqMedia == nil || reqMedia.Schema == nil || reqMedia.Schema.Value == nil {
		return nil, errors.New("POST " + initPath + " has no JSON request schema")
	}
	resp := op.Responses.Status(200)
	if resp == nil || resp.Value == nil {
		return nil, errors.New("POST " + initPath + " has no 200 response")
	}
	respMedia := resp.Value.Content.Get("application/json")
	if respMedia == nil || respMedia.Schema == nil || respMedia.Schema.Value == nil {
		return nil, errors.New("POST " + initPath + " has no JSON 200 schema")
	}
	return &validator{request: reqMedia.Schema.Value, response: respMedia.Schema.Value}, nil
})

// visitOptions are the per-call options of every VisitJSON.
var visitOptions = []openapi3.SchemaValidationOption{
	openapi3.MultiErrors(),
	openapi3.DisableSchemaErrorDetails(),
	openapi3.SetSchemaErrorMessageCustomizer(func(e *openapi3.SchemaError) string {
		return "schema violation at " + jsonPointer(e.JSONPointer()) + ": " + ruleOf(e)
	}),
}

// validateRequest checks a decoded request body; nil when it is valid.
func (v *validator) validateRequest(body any) []detail {
	if err := v.request.VisitJSON(body, visitOptions...); err != nil {
		return details(err)
	}
	return nil
}

// responseError is an answer of the sandbox that breaks the spec.
type responseError struct {
	details []detail
}

func (e *responseError) Error() string {
	var b strings.Builder
	b.WriteString("the answer breaks the spec:")
	for _, d := range e.details {
		p := d.Pointer
		if p == "" {
			p = "body"
		}
		b.WriteString(" " + p + " " + d.Rule + ";")
	}
	return b.String()
}

// validateResponse checks a 200 answer of init, as sent on the wire.
func (v *validator) validateResponse(body []byte) error {
	doc, err := decodeJSON(body)
	if err != nil {
		return &responseError{details: []detail{{Rule: ruleJSON}}}
	}
	if err := v.response.VisitJSON(doc, visitOptions...); err != nil {
		return &responseError{details: details(err)}
	}
	return nil
}

// details flattens a kin-openapi validation error into pointer+rule
// entries, innermost errors first-class (a oneOf failure reports the
// failures inside its branch), without duplicates.
func details(err error) []detail {
	out := collect(err, nil)
	seen := make(map[detail]bool, len(out))
	uniq := out[:0]
	for _, d := range out {
		if !seen[d] {
			seen[d] = true
			uniq = append(uniq, d)
		}
	}
	return uniq
}

func collect(err error, out []detail) []detail {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, x := range e {
			out = collect(x, out)
		}
		return out
	case *openapi3.SchemaError:
		if e.Origin != nil {
			var inner openapi3.MultiError
			if errors.As(e.Origin, &inner) {
				n := len(out)
				if out = collect(inner, out); len(out) > n {
					return out
				}
			}
		}
		return append(out, detail{Pointer: jsonPointer(e.JSONPointer()), Rule: ruleOf(e)})
	}
	return append(out, detail{Rule: "schema"})
}

// jsonPointer renders RFC 6901 reference tokens. The tokens kin-openapi puts
// in a path are property names of the schema and array indexes: never a
// value, and never the name of an unexpected property (that error points at
// the object holding it).
func jsonPointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// ruleOf names the broken rule with its JSON Schema keyword.
func ruleOf(e *openapi3.SchemaError) string {
	switch e.SchemaField {
	case "properties": // kin-openapi's field for a property additionalProperties:false refuses
		return ruleAddProps
	case "nullable":
		return ruleType
	case "":
		return "schema"
	}
	return e.SchemaField
}
