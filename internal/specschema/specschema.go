// Package specschema validates JSON bodies against the specs the generator
// embeds (openapi.yaml through the overlay, in gen/server, and
// openapi.flow.yaml, in gen/flowspec) with kin-openapi's built-in validator.
// It is the one place the client's strict mode, the sandbox and the proxy
// get their schemas from.
//
// Each document is loaded and checked once per process, on first use. The
// validator is Schema.VisitJSON without EnableJSONSchema2020: on an OpenAPI
// 3.1 document the 2020-12 path compiles the schema on every call
// (milliseconds per body), while the built-in validator walks the loaded
// schema directly; the specs use no keyword only JSON Schema 2020-12 knows.
//
// No value ever reaches a Violation or a message: kin-openapi's details are
// disabled per call, and a Violation is built from the JSON pointer and the
// schema keyword (and what the schema expects), never from the value or
// kin-openapi's reason. No package-global switch of kin-openapi is touched.
package specschema

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dfnskit/dfns-go/gen/flowspec"
	"github.com/dfnskit/dfns-go/gen/server"
)

// The paths of the flow's three operations.
const (
	InitPath   = "/auth/credentials/code/init"
	VerifyPath = "/auth/credentials/code/verify"
	MintPath   = "/auth/credentials/code"
)

// Operation is the request schema and the 200 answer's schema of one
// operation.
type Operation struct {
	// Request validates the JSON request body.
	Request *Schema
	// OK validates the JSON body of a 200 answer.
	OK *Schema
}

// Schema is one loaded schema. It is safe for concurrent use.
type Schema struct {
	schema *openapi3.Schema
}

// Init is POST /auth/credentials/code/init of the vendored spec, as generated
// (through the overlay: the answer is a oneOf of the variants, discriminated
// by kind).
func Init() (*Operation, error) {
	d, err := loadInit()
	if err != nil {
		return nil, err
	}
	return operation(d, InitPath)
}

// Verify is POST /auth/credentials/code/verify of openapi.flow.yaml.
func Verify() (*Operation, error) { return flowOperation(VerifyPath) }

// Mint is POST /auth/credentials/code of openapi.flow.yaml.
func Mint() (*Operation, error) { return flowOperation(MintPath) }

// ErrorEnvelope is the Dfns error envelope ({"error":{"message",…}}) of
// openapi.flow.yaml.
func ErrorEnvelope() (*Schema, error) {
	d, err := loadFlow()
	if err != nil {
		return nil, err
	}
	ref := d.Components.Schemas["ErrorResponse"]
	if ref == nil || ref.Value == nil {
		return nil, errors.New("openapi.flow.yaml has no ErrorResponse schema")
	}
	return &Schema{schema: ref.Value}, nil
}

func flowOperation(path string) (*Operation, error) {
	d, err := loadFlow()
	if err != nil {
		return nil, err
	}
	return operation(d, path)
}

// load reads, checks and prepares an embedded document. Nothing here routes
// on servers, so they are dropped.
func load(name string, get func() (*openapi3.T, error)) (*openapi3.T, error) {
	d, err := get()
	if err != nil {
		return nil, fmt.Errorf("specschema: loading the embedded %s: %w", name, err)
	}
	d.Servers = nil
	if err := d.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("specschema: the embedded %s is invalid: %w", name, err)
	}
	return d, nil
}

// The documents, loaded once per process and only read afterwards.
var (
	loadInit = sync.OnceValues(func() (*openapi3.T, error) { return load("openapi.yaml", server.GetSpec) })
	loadFlow = sync.OnceValues(func() (*openapi3.T, error) { return load("openapi.flow.yaml", flowspec.GetSpec) })
)

// operation extracts the JSON request and 200 schemas of POST path.
func operation(d *openapi3.T, path string) (*Operation, error) {
	item := d.Paths.Value(path)
	if item == nil || item.Post == nil {
		return nil, errors.New("specschema: no POST " + path)
	}
	op := item.Post
	var req, ok *openapi3.SchemaRef
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		if m := op.RequestBody.Value.Content.Get("application/json"); m != nil {
			req = m.Schema
		}
	}
	if r := op.Responses.Status(200); r != nil && r.Value != nil {
		if m := r.Value.Content.Get("application/json"); m != nil {
			ok = m.Schema
		}
	}
	if req == nil || req.Value == nil || ok == nil || ok.Value == nil {
		return nil, errors.New("specschema: POST " + path + " lacks a JSON request or 200 schema")
	}
	return &Operation{Request: &Schema{req.Value}, OK: &Schema{ok.Value}}, nil
}

// Decode decodes a JSON document into the generic values the validator
// walks (map[string]any, []any, string, float64, bool, nil), with
// encoding/json's strictness (RFC 8259, no trailing data).
func Decode(data []byte) (any, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return v, nil
}
