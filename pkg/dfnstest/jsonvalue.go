package dfnstest

import "encoding/json"

// decodeJSON decodes a JSON document into the generic values kin-openapi
// validates (map[string]any, []any, string, float64, bool, nil), with
// encoding/json's strictness (RFC 8259, no trailing data).
func decodeJSON(data []byte) (any, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}
