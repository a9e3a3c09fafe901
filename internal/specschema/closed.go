package specschema

import "github.com/getkin/kin-openapi/openapi3"

// Closed returns a copy of the schema in which every object schema that
// lists properties and says nothing of additionalProperties refuses other
// properties: validating with it reports each object that carries a property
// the spec does not name, as a Violation with Rule "additionalProperties" at
// the object's pointer (never the property's name: it is the sender's, not
// the schema's). It is how a strict reader finds the unknown properties the
// vendored answers are allowed to carry, with kin-openapi still doing the
// validation.
//
// The copy follows properties, items, oneOf and the additionalProperties
// schema. It leaves not, allOf and anyOf as they are (closing an allOf part
// would refuse its siblings' properties; closing under not inverts the
// rule), and keeps every $ref name, so discriminators still pick their
// branch. The embedded specs use none of the three. Call it once and keep the
// result: it copies the whole tree.
func (s *Schema) Closed() *Schema {
	return &Schema{schema: closeSchema(s.schema, map[*openapi3.Schema]*openapi3.Schema{})}
}

// closeSchema copies s closed; seen maps each schema already copied to its
// copy, so shared and recursive schemas are copied once.
func closeSchema(s *openapi3.Schema, seen map[*openapi3.Schema]*openapi3.Schema) *openapi3.Schema {
	if s == nil {
		return nil
	}
	if c, ok := seen[s]; ok {
		return c
	}
	c := new(openapi3.Schema)
	*c = *s
	seen[s] = c
	closeRef := func(r *openapi3.SchemaRef) *openapi3.SchemaRef {
		if r == nil {
			return nil
		}
		cr := *r
		cr.Value = closeSchema(r.Value, seen)
		return &cr
	}
	if len(s.Properties) > 0 {
		c.Properties = make(openapi3.Schemas, len(s.Properties))
		for name, p := range s.Properties {
			c.Properties[name] = closeRef(p)
		}
		if s.AdditionalProperties.Has == nil && s.AdditionalProperties.Schema == nil {
			c.AdditionalProperties = openapi3.AdditionalProperties{Has: openapi3.Ptr(false)}
		}
	}
	c.Items = closeRef(s.Items)
	c.AdditionalProperties.Schema = closeRef(c.AdditionalProperties.Schema)
	if len(s.OneOf) > 0 {
		c.OneOf = make(openapi3.SchemaRefs, len(s.OneOf))
		for i, r := range s.OneOf {
			c.OneOf[i] = closeRef(r)
		}
	}
	return c
}
