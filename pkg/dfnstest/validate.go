package dfnstest

import (
	"strings"

	"github.com/dfnskit/dfns-go/internal/specschema"
)

// The sandbox validates every request body and every answer it sends with
// internal/specschema: kin-openapi's built-in validator on the schemas of the
// specs the generator embeds, loaded once per process. Details come from the
// JSON pointer and the schema keyword only, so no request value reaches an
// answer, Requests or a log.

// validator holds the request and 200-answer schemas of one operation.
type validator struct {
	request  *specschema.Schema
	response *specschema.Schema
}

// newValidator adapts a specschema operation.
func newValidator(op *specschema.Operation, err error) (*validator, error) {
	if err != nil {
		return nil, err
	}
	return &validator{request: op.Request, response: op.OK}, nil
}

// loadValidator is init's validator (the vendored spec); loadFlowValidator
// verify's (openapi.flow.yaml).
func loadValidator() (*validator, error)     { return newValidator(specschema.Init()) }
func loadFlowValidator() (*validator, error) { return newValidator(specschema.Verify()) }

// decodeJSON decodes a body into the generic values the validator walks.
func decodeJSON(data []byte) (any, error) { return specschema.Decode(data) }

// validateRequest checks a decoded request body; nil when it is valid.
func (v *validator) validateRequest(body any) []detail {
	return details(v.request.Validate(body))
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

// validateResponse checks a 200 answer, as sent on the wire.
func (v *validator) validateResponse(body []byte) error {
	doc, err := decodeJSON(body)
	if err != nil {
		return &responseError{details: []detail{{Rule: ruleJSON}}}
	}
	if d := details(v.response.Validate(doc)); d != nil {
		return &responseError{details: d}
	}
	return nil
}

// details turns violations into the envelope's details.
func details(vs []specschema.Violation) []detail {
	if len(vs) == 0 {
		return nil
	}
	out := make([]detail, len(vs))
	for i, x := range vs {
		out[i] = detail{Pointer: x.Pointer, Rule: x.Rule}
	}
	return out
}

// answerValidator returns the validator of a route's 200 answers: init's
// (the vendored spec), verify's (openapi.flow.yaml), or nil (mint's answers
// are built from fixed Go types, and validation may be off).
func (s *Sandbox) answerValidator(route string) *validator {
	switch route {
	case routeInit:
		return s.val
	case routeVerify:
		return s.verifyVal
	}
	return nil
}

// initPath is the spec's path of init.
const initPath = specschema.InitPath
