package specdrift

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// This file decides what counts: resolved YAML trees become plain trees
// (map[string]any, []any, string, float64, bool, nil) without the keys that
// only document.

// toPlain converts a resolved node tree to a plain tree. Mapping keys are
// always strings (an unquoted YAML 200 is the key "200", as in JSON).
func toPlain(n *yaml.Node) any {
	n = deref(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[deref(n.Content[i]).Value] = toPlain(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			s = append(s, toPlain(item))
		}
		return s
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return toPlain(n.Content[0])
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil
		case "!!bool":
			var b bool
			if n.Decode(&b) == nil {
				return b
			}
		case "!!int", "!!float":
			var f float64
			if n.Decode(&f) == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
				return f
			}
		}
		return n.Value
	}
	return nil
}

// annotation reports whether key only documents: its value never counts.
func annotation(key string) bool {
	switch key {
	case "description", "summary", "title", "example", "examples", "externalDocs", "$comment", "tags", "operationId":
		return true
	}
	return strings.HasPrefix(key, "x-")
}

// Schema keywords whose value is a schema, a map of schemas or a list of schemas.
var (
	schemaValued = map[string]bool{
		"items": true, "additionalProperties": true, "not": true, "contains": true,
		"if": true, "then": true, "else": true, "propertyNames": true,
		"unevaluatedItems": true, "unevaluatedProperties": true, "additionalItems": true,
		"contentSchema": true,
	}
	schemaMaps  = map[string]bool{"properties": true, "patternProperties": true, "$defs": true, "definitions": true, "dependentSchemas": true}
	schemaLists = map[string]bool{"oneOf": true, "anyOf": true, "allOf": true, "prefixItems": true}
)

// normalizeSchema drops annotations from a schema and its subschemas, folds
// OpenAPI 3.0 nullable into type, writes type as a sorted list and
// additionalProperties {} as true.
func normalizeSchema(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any, len(m))
	for k, val := range m {
		switch {
		case annotation(k), k == "nullable":
		case schemaValued[k]:
			out[k] = normalizeSchema(val)
		case schemaMaps[k]:
			if sm, ok := val.(map[string]any); ok {
				nm := make(map[string]any, len(sm))
				for name, s := range sm {
					nm[name] = normalizeSchema(s)
				}
				out[k] = nm
			} else {
				out[k] = val
			}
		case schemaLists[k]:
			if sl, ok := val.([]any); ok {
				nl := make([]any, len(sl))
				for i, s := range sl {
					nl[i] = normalizeSchema(s)
				}
				out[k] = nl
			} else {
				out[k] = val
			}
		default:
			out[k] = val
		}
	}
	if types := typeSet(m); len(types) > 0 {
		list := make([]any, len(types))
		for i, t := range types {
			list[i] = t
		}
		out["type"] = list
	}
	if ap, ok := out["additionalProperties"].(map[string]any); ok && len(ap) == 0 {
		out["additionalProperties"] = true
	}
	return out
}

// typeSet is a schema's type as a sorted list, "null" included when the
// schema is OpenAPI 3.0 nullable.
func typeSet(schema map[string]any) []string {
	var types []string
	switch t := schema["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				types = append(types, s)
			}
		}
	}
	if schema["nullable"] == true && !slices.Contains(types, "null") {
		types = append(types, "null")
	}
	slices.Sort(types)
	return slices.Compact(types)
}

// normalizeObject drops annotations from a non-schema OpenAPI object (a
// parameter, a header, a media type...), normalizing the schemas it holds.
func normalizeObject(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			switch {
			case annotation(k):
			case k == "schema":
				out[k] = normalizeSchema(val)
			default:
				out[k] = normalizeObject(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = normalizeObject(val)
		}
		return out
	}
	return v
}

// canonical is a stable text for a plain tree: equal trees, equal texts
// (encoding/json sorts map keys).
func canonical(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

// short is canonical(v) cut to a readable length, "absent" for nil.
func short(v any) string {
	if v == nil {
		return "absent"
	}
	s := canonical(v)
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// number is a plain number as text, "none" when absent.
func number(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if v == nil {
		return "none"
	}
	return short(v)
}
