package specschema

import "github.com/getkin/kin-openapi/openapi3"

// ValidateJSONSchema2020 validates with kin-openapi's JSON Schema 2020-12
// validator (compiled per call), for the agreement test only.
func (s *Schema) ValidateJSONSchema2020(v any) error {
	return s.schema.VisitJSON(v, openapi3.EnableJSONSchema2020())
}
