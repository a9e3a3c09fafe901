// Package flow holds the code oapi-codegen generates from openapi.flow.yaml,
// the project's own description of the verify and mint endpoints (POST
// /auth/credentials/code/verify and POST /auth/credentials/code), which the
// vendored openapi.yaml does not have. Nothing in this package is edited by
// hand: change openapi.flow.yaml or oapi-codegen.flow.yaml and run
// `go generate ./...`.
package flow

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../../oapi-codegen.flow.yaml ../../openapi.flow.yaml
