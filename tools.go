//go:build tools

// Package tools pins the versions of the command-line tools this module runs
// (the code generator, the linters) in go.mod, so that `go run` builds the
// same tool on every machine.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
