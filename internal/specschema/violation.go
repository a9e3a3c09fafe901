package specschema

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Violation is one broken rule of a schema: where, which keyword, and what
// the schema expects. It never holds the value.
type Violation struct {
	// Pointer is the RFC 6901 JSON pointer of the value ("" for the
	// document; for a missing property, the property's own pointer).
	Pointer string `json:"pointer"`
	// Rule is the JSON Schema keyword broken: required, type, enum,
	// pattern, minLength, maxLength, additionalProperties, format, oneOf…
	Rule string `json:"rule"`
	// Want is what the schema expects ("string", "one of Fido2, Key", a
	// pattern, a length), from the schema alone.
	Want string `json:"-"`
}

// visitOptions are the per-call options of every VisitJSON: all errors,
// no schema or value in kin-openapi's messages.
var visitOptions = []openapi3.SchemaValidationOption{
	openapi3.MultiErrors(),
	openapi3.DisableSchemaErrorDetails(),
	openapi3.SetSchemaErrorMessageCustomizer(func(e *openapi3.SchemaError) string {
		return "schema violation at " + pointer(e.JSONPointer()) + ": " + rule(e)
	}),
}

// Validate checks a decoded JSON value (see Decode) and returns the
// violations, innermost first-class (a oneOf failure reports the failures
// inside the branch its discriminator picks), without duplicates; nil when
// the value is valid.
func (s *Schema) Validate(v any) []Violation {
	err := s.schema.VisitJSON(v, visitOptions...)
	if err == nil {
		return nil
	}
	out := collect(err, nil)
	seen := make(map[Violation]bool, len(out))
	uniq := out[:0]
	for _, x := range out {
		if !seen[x] {
			seen[x] = true
			uniq = append(uniq, x)
		}
	}
	return uniq
}

func collect(err error, out []Violation) []Violation {
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
		if e.SchemaField == "discriminator" && e.Schema != nil && e.Schema.Discriminator != nil {
			// An unknown kind: say which property and which values.
			d := e.Schema.Discriminator
			return append(out, Violation{Pointer: pointer(append(e.JSONPointer(), d.PropertyName)), Rule: "enum",
				Want: "one of " + strings.Join(slices.Sorted(maps.Keys(d.Mapping)), ", ")})
		}
		return append(out, Violation{Pointer: pointer(e.JSONPointer()), Rule: rule(e), Want: want(e)})
	}
	return append(out, Violation{Rule: "schema"})
}

// pointer renders RFC 6901 reference tokens. The tokens kin-openapi puts in
// a path are property names of the schema and array indexes: never a value,
// and never the name of an unexpected property (that error points at the
// object holding it).
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

// rule names the broken rule with its JSON Schema keyword.
func rule(e *openapi3.SchemaError) string {
	switch e.SchemaField {
	case "properties": // kin-openapi's field for a property additionalProperties:false refuses
		return "additionalProperties"
	case "nullable":
		return "type"
	case "":
		return "schema"
	}
	return e.SchemaField
}

// want describes what the broken keyword expects, from the schema only.
func want(e *openapi3.SchemaError) string {
	s := e.Schema
	if s == nil {
		return ""
	}
	switch rule(e) {
	case "type":
		if s.Type != nil {
			return strings.Join(s.Type.Slice(), " or ")
		}
	case "enum":
		vals := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vals[i] = fmt.Sprint(v)
		}
		return "one of " + strings.Join(vals, ", ")
	case "pattern":
		return s.Pattern
	case "minLength":
		return strconv.FormatUint(s.MinLength, 10)
	case "maxLength":
		if s.MaxLength != nil {
			return strconv.FormatUint(*s.MaxLength, 10)
		}
	case "format":
		return s.Format
	}
	return ""
}
