package dfns

import (
	"github.com/dfnskit/dfns-go/internal/specschema"
)

// Strict validation (WithStrictValidation, ParseChallengeStrict,
// ParseCredentialStrict) is kin-openapi's built-in validator on the specs
// the generator embeds, through internal/specschema: the documents are
// loaded once per process, on the first strict use, and never compiled per
// call. The body is decoded once into generic values, validated, then
// decoded into the generated model as in the default mode.

// ParseChallengeStrict is ParseChallenge with every constraint of the
// vendored spec enforced (see WithStrictValidation): required fields, types,
// enums, the cr- id pattern and its lengths. Unknown kinds are an error.
func ParseChallengeStrict(data []byte) (Challenge, error) {
	return parseChallengeStrict(data, nil)
}

// parseChallengeStrict validates data, then decodes it as the kind the
// validator saw.
func parseChallengeStrict(data []byte, meta *responseMeta) (Challenge, error) {
	doc, err := validated(data, meta, specschema.Init)
	if err != nil {
		return nil, err
	}
	kind, _ := doc.(map[string]any)["kind"].(string) // valid: an object of a known kind
	return decodeChallenge(CredentialKind(kind), data)
}

// validated decodes data into generic values and validates them against the
// 200 answer of op.
func validated(data []byte, meta *responseMeta, op func() (*specschema.Operation, error)) (any, error) {
	o, err := op()
	if err != nil {
		return nil, err
	}
	doc, err := specschema.Decode(data)
	if err != nil {
		return nil, newDecodeError(meta, data, err)
	}
	if vs := o.OK.Validate(doc); len(vs) > 0 {
		return nil, respErr(vs[0].Pointer, vs[0].Rule, vs[0].Want)
	}
	return doc, nil
}

// decoder returns parse, or parse behind strict validation against op.
func decoder[T any](strict bool, op func() (*specschema.Operation, error),
	parse func([]byte, *responseMeta) (T, error)) func([]byte, *responseMeta) (T, error) {
	if !strict {
		return parse
	}
	return func(data []byte, meta *responseMeta) (T, error) {
		if _, err := validated(data, meta, op); err != nil {
			var zero T
			return zero, err
		}
		return parse(data, meta)
	}
}
