package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/dfnskit/dfns-go/pkg/dfns"
)

// secretSource says where a secret the CLI needs may come from: stdin
// ("--flag -", a prompt without echo at a terminal), a file ("--flag-file
// F") or an environment variable, in that order. The command line never
// carries the secret itself: shells and ps would keep it.
type secretSource struct {
	name      string // "one-time code", "password"
	prompt    string // "One-time code: "
	flag      string // "--code"
	fileFlag  string // "--code-file"
	envVar    string // "DFNS_CODE"
	maxBytes  int
	flagValue string // the flag's value: "" or "-"
	file      string // the file flag's value
}

// check refuses a flag value other than "" and "-", before anything is read.
func (s secretSource) check() error {
	switch {
	case s.flagValue != "" && s.flagValue != "-":
		return fmt.Errorf("%s takes only '-' (stdin): never put the %s on the command line, where shells and ps keep it",
			s.flag, s.name)
	case s.flagValue == "-" && s.file != "":
		return fmt.Errorf("use either %s - or %s, not both", s.flag, s.fileFlag)
	}
	return nil
}

// read returns the secret's raw bytes, bounded by maxBytes. At a terminal
// it prompts on stderr and reads one line without echo; ctx (Ctrl-C)
// cancels the read at once.
func (s secretSource) read(ctx context.Context, e env) ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	var (
		raw []byte
		err error
	)
	switch {
	case s.flagValue == "-" && e.tty != nil:
		raw, err = promptLine(ctx, e, s.prompt)
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
		return nil, fmt.Errorf("the %s is longer than %d bytes: is %s the right file?", s.name, s.maxBytes, s.where())
	}
	return raw, nil
}

// where names the place the secret was read from.
func (s secretSource) where() string {
	switch {
	case s.flagValue == "-":
		return "stdin"
	case s.file != "":
		return s.file
	}
	return s.envVar
}

// missing is the error for a secret found nowhere, or empty.
func (s secretSource) missing() error {
	if s.flagValue != "" || s.file != "" {
		return fmt.Errorf("the %s from %s is empty", s.name, s.where())
	}
	return fmt.Errorf("no %s: pass %s - (stdin, or a prompt at a terminal), %s FILE, or set %s", s.name, s.flag, s.fileFlag, s.envVar)
}

// promptLine writes prompt to stderr and reads one line from the terminal
// without echo (x/term). Ctrl-C, which the terminal still turns into
// SIGINT, cancels ctx: the terminal is restored and the read abandoned.
func promptLine(ctx context.Context, e env, prompt string) ([]byte, error) {
	fd := int(e.tty.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(e.stderr, prompt)
	type line struct {
		b   []byte
		err error
	}
	done := make(chan line, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- line{b, err}
	}()
	select {
	case l := <-done:
		fmt.Fprintln(e.stderr)
		if errors.Is(l.err, io.EOF) {
			l.err = nil
		}
		return l.b, l.err
	case <-ctx.Done():
		_ = term.Restore(fd, state)
		fmt.Fprintln(e.stderr)
		return nil, ctx.Err()
	}
}

// maxCodeBytes bounds what is read as a code: a Dfns code is 11 characters.
const maxCodeBytes = 1024

func codeSource(flagValue, file string) secretSource {
	return secretSource{name: "one-time code", prompt: "One-time code (not shown): ", flag: "--code", fileFlag: "--code-file",
		envVar: "DFNS_CODE", maxBytes: maxCodeBytes, flagValue: flagValue, file: file}
}

// readCode returns the one-time code from stdin (--code -), a file
// (--code-file) or DFNS_CODE, surrounding white space removed.
func readCode(ctx context.Context, e env, codeFlag, codeFile string) (dfns.OneTimeCode, error) {
	src := codeSource(codeFlag, codeFile)
	raw, err := src.read(ctx, e)
	if err != nil {
		return "", err
	}
	code := strings.TrimSpace(string(raw))
	if code == "" {
		return "", src.missing()
	}
	return dfns.OneTimeCode(code), nil
}

// maxPasswordBytes bounds what is read as a password.
const maxPasswordBytes = 4096

func passwordSource(flagValue, file string) secretSource {
	return secretSource{name: "password", prompt: "Password (not shown): ", flag: "--password", fileFlag: "--password-file",
		envVar: "DFNS_PASSWORD", maxBytes: maxPasswordBytes, flagValue: flagValue, file: file}
}

// readPassword returns the password from stdin (--password -), a file
// (--password-file) or DFNS_PASSWORD. Only one trailing line ending is
// removed: spaces may be part of a password.
func readPassword(ctx context.Context, e env, flagValue, file string) (string, error) {
	src := passwordSource(flagValue, file)
	raw, err := src.read(ctx, e)
	if err != nil {
		return "", err
	}
	password := strings.TrimSuffix(strings.TrimSuffix(string(raw), "\n"), "\r")
	if password == "" {
		return "", src.missing()
	}
	return password, nil
}
