// Package gen holds the code oapi-codegen generates from openapi.yaml through
// openapi.overlay.yaml. Nothing in this package is edited by hand: change the
// overlay or the generator config and run `go generate ./...`.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config ../oapi-codegen.yaml ../openapi.yaml
