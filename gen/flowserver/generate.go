// Package flowserver holds the sandbox's generated HTTP server interface for
// POST /auth/credentials/code/verify and the embedded openapi.flow.yaml.
// Nothing in this package is edited by hand: run `go generate ./...`.
package flowserver

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml ../../openapi.flow.yaml
