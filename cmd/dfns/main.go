// Command dfns runs the Dfns "Create Credential With Code" flow and its
// offline sandbox.
//
//	dfns demo                            every kind, end to end, offline
//	dfns sandbox [--codes N]             serve the sandbox, print codes
//	dfns mint                            one more code from the sandbox
//	dfns init --kind Key --code -        redeem a code for a challenge
//	dfns register --kind Key --name N --out key.pem --code -
//	                                     the whole flow; the key to key.pem
//	dfns proxy --upstream URL [--strict] check live traffic against the spec
//	dfns version
//
// Secrets never come from the command line: at a terminal `--code -`
// prompts without echo; otherwise it reads stdin. Run `dfns <command>
// --help` for a command's flags and exit codes (130 after Ctrl-C).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"golang.org/x/term"
)

// env is what a command reads from outside its flags.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// tty is stdin when it is a terminal, else nil: secrets are then
	// prompted for on stderr and read without echo.
	tty *os.File
	// self is how to run this command again in a suggestion: "dfns", or
	// "go run ./cmd/dfns" under go run.
	self string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) int
}

var commands = []command{
	{"demo", "register every kind against an in-process sandbox (offline)", runDemo},
	{"sandbox", "serve the offline sandbox and print one-time codes", runSandbox},
	{"mint", "mint a one-time code (from the sandbox at DFNS_API_URL)", runMint},
	{"init", "redeem a one-time code for a credential challenge", runInit},
	{"register", "register a key credential from a one-time code (init, attest, verify)", runRegister},
	{"proxy", "check live traffic to Dfns against the spec, passing it on unchanged", runProxy},
	{"version", "print the version", runVersion},
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	var got atomic.Value // the signal that cancelled ctx
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		got.Store(s)
		cancel()
		signal.Stop(sigs) // a second Ctrl-C kills at once
	}()
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, self: selfName()}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		e.tty = os.Stdin
	}
	code := run(ctx, e, os.Args[1:])
	if code == exitInterrupted && got.Load() == syscall.SIGTERM {
		code = 128 + int(syscall.SIGTERM)
	}
	os.Exit(code)
}

// selfName is "go run ./cmd/dfns" when go run built this binary (in a
// go-build temporary directory), else "dfns".
func selfName() string {
	exe, err := os.Executable()
	if err == nil && strings.Contains(exe, string(os.PathSeparator)+"go-build") {
		return "go run ./cmd/dfns"
	}
	return "dfns"
}

// run dispatches to a subcommand and returns the process exit code.
func run(ctx context.Context, e env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(e.stderr, "dfns: unknown command %q: run 'dfns help' for the list\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: dfns <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'dfns <command> --help' for a command's flags. Start with 'dfns demo'.")
}
