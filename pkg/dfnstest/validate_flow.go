package dfnstest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/dfnskit/dfns-go/gen/flowserver"
)

// openapi.flow.yaml (the project's own description of verify and mint,
// embedded in gen/flowserver) is validated exactly as init's spec is (see
// validate.go): kin-openapi's built-in validator walking schemas loaded once
// per process, with the same per-call options, so no value reaches a
// message.

// loadFlowValidator loads openapi.flow.yaml once per process and returns
// the validator of verify: its request and its 200 answer. (The embedded
// document has verify only: gen/flowserver is generated for that operation.
// Mint is served by hand, see mint.go.)
var loadFlowValidator = sync.OnceValues(func() (*validator, error) {
	doc, err := flowserver.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("loading the embedded openapi.flow.yaml: %w", err)
	}
	doc.Servers = nil
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the embedded openapi.flow.yaml is invalid: %w", err)
	}
	op, err := postOperation(doc, verifyPath)
	if err != nil {
		return nil, err
	}
	req, err := requestSchema(op, verifyPath)
	if err != nil {
		return nil, err
	}
	resp, err := okSchema(op, verifyPath)
	if err != nil {
		return nil, err
	}
	return &validator{request: req, response: resp}, nil
})

func postOperation(doc *openapi3.T, path string) (*openapi3.Operation, error) {
	item := doc.Paths.Value(path)
	if item == nil || item.Post == nil {
		return nil, errors.New("openapi.flow.yaml has no POST " + path)
	}
	return item.Post, nil
}

func requestSchema(op *openapi3.Operation, path string) (*openapi3.Schema, error) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil, errors.New("POST " + path + " has no request body")
	}
	media := op.RequestBody.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, errors.New("POST " + path + " has no JSON request schema")
	}
	return media.Schema.Value, nil
}

func okSchema(op *openapi3.Operation, path string) (*openapi3.Schema, error) {
	resp := op.Responses.Status(200)
	if resp == nil || resp.Value == nil {
		return nil, errors.New("POST " + path + " has no 200 response")
	}
	media := resp.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil, errors.New("POST " + path + " has no JSON 200 schema")
	}
	return media.Schema.Value, nil
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
