// Command dfns calls the Dfns "Create Credential With Code" flow and runs its
// offline sandbox.
//
//	dfns init --kind Key --code -       redeem a one-time code for a challenge
//	dfns register --kind Key --name N --out key.pem --code -
//	                                    the whole flow: register a key credential
//	dfns sandbox [--addr 127.0.0.1:0]   serve the sandbox until interrupted
//	dfns demo                           the whole job against an in-process sandbox
//	dfns version
//
// Run `dfns <command> --help` for a command's flags and exit codes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// env is what a command reads from outside its flags.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) int
}

var commands = []command{
	{"init", "redeem a one-time code for a credential challenge", runInit},
	{"register", "register a key credential from a one-time code (init, attest, verify)", runRegister},
	{"sandbox", "serve the offline sandbox until SIGINT/SIGTERM", runSandbox},
	{"proxy", "check live traffic to Dfns against the spec, passing it on unchanged", runProxy},
	{"demo", "run the flow for every kind against an in-process sandbox", runDemo},
	{"version", "print the version", runVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
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
	fmt.Fprintf(e.stderr, "dfns: unknown command %q\n\n", args[0])
	usage(e.stderr)
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
	fmt.Fprintln(w, "Run 'dfns <command> --help' for a command's flags.")
}

// newFlagSet returns a FlagSet that reports errors instead of exiting, with a
// usage text built from synopsis, the flags and an epilogue.
func newFlagSet(e env, name, synopsis, epilogue string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: dfns %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		if epilogue != "" {
			fmt.Fprintf(out, "\n%s\n", epilogue)
		}
	}
	return fs
}

// parseFlags parses args; it returns the exit code to stop with, or -1 to go
// on. --help prints the usage to stdout and exits 0; a bad flag exits 2.
func parseFlags(fs *flag.FlagSet, e env, args []string) int {
	// Asked for help: the usage goes to stdout, once (flag.Parse would
	// print it to the error output before returning ErrHelp).
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK
		}
	}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp): // "-help=x": flag printed the usage already
		return exitOK
	case err != nil:
		return exitUsage
	case fs.NArg() > 0:
		fmt.Fprintf(e.stderr, "dfns %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		fs.Usage()
		return exitUsage
	}
	return -1
}
