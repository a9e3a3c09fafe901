package main

import (
	"context"
	"fmt"
	"runtime"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

func runVersion(_ context.Context, e env, args []string) int {
	fs := newFlagSet(e, "version", "version", "")
	if code := parseFlags(fs, e, args); code >= 0 {
		return code
	}
	fmt.Fprintf(e.stdout, "dfns %s (%s %s/%s)\n", dfns.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
