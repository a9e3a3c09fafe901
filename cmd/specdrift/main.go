// Command specdrift reports how POST /auth/credentials/code/init in the
// upstream Dfns OpenAPI document differs from the vendored openapi.yaml.
//
//	go run ./cmd/specdrift -upstream PATH_OR_URL [-vendored openapi.yaml] [-json] [-write]
//
// Exit status: 0 no drift, 1 drift, 2 could not decide. The logic lives in
// internal/specdrift; see its documentation for the report's classes,
// pointers and JSON form.
package main

import (
	"io"
	"os"

	"github.com/dfnskit/dfns-go/internal/specdrift"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return specdrift.Run(args, stdout, stderr)
}
