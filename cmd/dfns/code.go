package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// secretSource says where a secret the CLI needs may come from: stdin
// ("--flag -"), a file ("--flag-file F") or an environment variable, in that
// order. The command line never carries the secret itself: shells and ps
// would keep it.
type secretSource struct {
	name      string // "code", "password"
	flag      string // "--code"
	fileFlag  string // "--code-file"
	envVar    string // "DFNS_CODE"
	maxBytes  int
	flagValue string // the flag's value: "" or "-"
	file      string // the file flag's value
}

// read returns the secret's raw bytes, bounded by maxBytes.
func (s secretSource) read(e env) ([]byte, error) {
	var (
		raw []byte
		err error
	)
	switch {
	case s.flagValue != "" && s.flagValue != "-":
		return nil, fmt.Errorf("%s takes only '-' (read stdin): never put the %s on the command line", s.flag, s.name)
	case s.flagValue == "-" && s.file != "":
		return nil, fmt.Errorf("use either %s - or %s, not both", s.flag, s.fileFlag)
	case s.flagValue == "-":
		raw, err = io.ReadAll(io.LimitReader(e.stdin, int64(s.maxBytes)+1))
	case s.file != "":
		var f *os.File
		if f, err = os.Open(s.file); err == nil {
			raw, err = io.ReadAll(io.LimitReader(f, int64(s.maxBytes)+1))
			f.Close()
		}
	default:
		raw = []byte(e.getenv(s.envVar))
	}
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", s.name, err)
	}
	if len(raw) > s.maxBytes {
		return nil, fmt.Errorf("the %s is longer than %d bytes", s.name, s.maxBytes)
	}
	return raw, nil
}

// missing is the error for a secret found nowhere.
func (s secretSource) missing() error {
	return fmt.Errorf("no %s: pass %s - (stdin), %s FILE, or set %s", s.name, s.flag, s.fileFlag, s.envVar)
}

// maxCodeBytes bounds what is read as a code: a Dfns code is 11 characters.
const maxCodeBytes = 1024

// errNoCode says where a code can come from.
var errNoCode = codeSource("", "").missing()

func codeSource(flagValue, file string) secretSource {
	return secretSource{name: "one-time code", flag: "--code", fileFlag: "--code-file", envVar: "DFNS_CODE",
		maxBytes: maxCodeBytes, flagValue: flagValue, file: file}
}

// readCode returns the one-time code from stdin (--code -), a file
// (--code-file) or DFNS_CODE, surrounding white space removed.
func readCode(e env, codeFlag, codeFile string) (dfns.OneTimeCode, error) {
	raw, err := codeSource(codeFlag, codeFile).read(e)
	if err != nil {
		return "", err
	}
	code := strings.TrimSpace(string(raw))
	if code == "" {
		return "", errNoCode
	}
	return dfns.OneTimeCode(code), nil
}

// maxPasswordBytes bounds what is read as a password.
const maxPasswordBytes = 4096

// readPassword returns the password from stdin (--password -), a file
// (--password-file) or DFNS_PASSWORD. Only one trailing line ending is
// removed: spaces may be part of a password.
func readPassword(e env, flagValue, file string) (string, error) {
	src := secretSource{name: "password", flag: "--password", fileFlag: "--password-file", envVar: "DFNS_PASSWORD",
		maxBytes: maxPasswordBytes, flagValue: flagValue, file: file}
	raw, err := src.read(e)
	if err != nil {
		return "", err
	}
	password := strings.TrimSuffix(strings.TrimSuffix(string(raw), "\n"), "\r")
	if password == "" {
		return "", src.missing()
	}
	return password, nil
}
