package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// maxCodeBytes bounds what is read as a code: a Dfns code is 11 characters.
const maxCodeBytes = 1024

// errNoCode says where a code can come from.
var errNoCode = errors.New("no one-time code: pass --code - (stdin), --code-file FILE, or set DFNS_CODE")

// readCode returns the one-time code from stdin (--code -), a file
// (--code-file) or DFNS_CODE, in that order. The command line never carries
// the code itself: shells and ps would keep it.
func readCode(e env, codeFlag, codeFile string) (dfns.OneTimeCode, error) {
	var (
		raw []byte
		err error
	)
	switch {
	case codeFlag != "" && codeFlag != "-":
		return "", errors.New("--code takes only '-' (read stdin): never put the code on the command line")
	case codeFlag == "-" && codeFile != "":
		return "", errors.New("use either --code - or --code-file, not both")
	case codeFlag == "-":
		raw, err = io.ReadAll(io.LimitReader(e.stdin, maxCodeBytes+1))
	case codeFile != "":
		var f *os.File
		if f, err = os.Open(codeFile); err == nil {
			raw, err = io.ReadAll(io.LimitReader(f, maxCodeBytes+1))
			f.Close()
		}
	default:
		raw = []byte(e.getenv("DFNS_CODE"))
	}
	if err != nil {
		return "", fmt.Errorf("reading the code: %w", err)
	}
	if len(raw) > maxCodeBytes {
		return "", fmt.Errorf("the code is longer than %d bytes", maxCodeBytes)
	}
	code := strings.TrimSpace(string(raw))
	if code == "" {
		return "", errNoCode
	}
	return dfns.OneTimeCode(code), nil
}
