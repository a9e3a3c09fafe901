// Package server holds the sandbox's generated HTTP server interface and the
// embedded spec, generated from openapi.yaml through openapi.overlay.yaml.
// Nothing in this package is edited by hand: run `go generate ./...`.
package server

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml ../../openapi.yaml
