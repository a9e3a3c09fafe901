//go:build tools

// Package actionlint pins github.com/rhysd/actionlint in a module of its
// own: it needs go.yaml.in/yaml/v4 v4.0.0-rc.3, while kin-openapi and
// oapi-codegen in the main module need v4.0.0, and one module graph cannot
// hold both. Run it with `make actionlint`.
package actionlint

import _ "github.com/rhysd/actionlint/cmd/actionlint"
