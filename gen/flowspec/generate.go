// Package flowspec embeds openapi.flow.yaml (verify and mint, the project's
// own document) for validation with kin-openapi. Nothing in this package is
// edited by hand: run `go generate ./...`.
package flowspec

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml ../../openapi.flow.yaml
