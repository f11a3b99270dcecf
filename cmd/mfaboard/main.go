// Command mfaboard syncs a partner tenant from Microsoft Graph, assesses every
// account against the Partner Security Requirements, and serves the board.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/mfaboard/mfaboard/inventory"
)

// Exit codes: 0 success, 1 the work failed, 2 the command line or input was wrong.
const (
	exitOK      = 0
	exitFailed  = 1
	exitBadArgs = 2
)

// command is one subcommand: run gets the flag set named for it, whose -h
// shows synopsis, to declare its flags on and parse its arguments with.
type command struct {
	summary  string
	synopsis string
	run      func(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error
}

var commands = map[string]command{
	"serve":        {"run the web dashboard (--demo seeds a demo tenant)", "[--addr HOST:PORT] [--demo [--users N]] [--sync-every 6h]", cmdServe},
	"sync":         {"sync a tenant now from Graph or an export folder (--from DIR)", "[--from DIR | --graph-url URL] [--tenant-kind mixed|csp|production]", cmdSync},
	"migrate":      {"apply database migrations", "", cmdMigrate},
	"assess":       {"print every account's verdict (--from DIR or the synced tenant)", "[--from DIR | --tenant ID] [--format table|json|csv] [--as-of RFC3339] [--window 30d]", cmdAssess},
	"plan":         {"print what to fix first: the ranked fixes of the open accounts (--from DIR or the synced tenant)", "[--from DIR | --tenant ID] [--format table|json] [--tenant-kind mixed|csp|production]", cmdPlan},
	"export-graph": {"write an export folder from live Graph (--out DIR)", "--out DIR [--graph-url URL]", cmdExportGraph},
	"demo":         {"write a generated demo tenant as an export folder (--out DIR)", "--out DIR [--users N] [--seed N]", cmdDemo},
	"check-token":  {"decode an access token and say whether it carries the MFA claim", "[--token-file F] (the token comes from stdin or F, never from an argument)", cmdCheckToken},
	"report":       {"write the readiness report from the database (--format pdf|xlsx|csv --out FILE)", "--format pdf|xlsx|csv --out FILE [--tenant ID]", cmdReport},
	"changes":      {"list what each sync found had changed since the last one (--format table|json)", "[--tenant ID] [--since RFC3339] [--format table|json]", cmdChanges},
	"user":         {"add or list dashboard users (add --email E --role R; password from MFABOARD_PASSWORD or stdin)", "add|list [flags]", cmdUser},
}

// cliEnv is what every command gets: output streams and a logger.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	getenv         func(string) string
}

func main() {
	applyMemoryLimit()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runWithInput(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// usageError marks a wrong command line: exit 2 and the usage hint.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// exitCodeError ends a command with a code once the command has said all it
// has to say: check-token's "no MFA claim" is an answer, not a failure.
type exitCodeError struct{ code int }

func (e exitCodeError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// run executes one command line with nothing on stdin.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	return runWithInput(ctx, args, strings.NewReader(""), stdout, stderr, getenv)
}

// runWithInput executes one command line and returns the exit code; every
// failure is one sentence on stderr, never a stack trace.
func runWithInput(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (code int) {
	level := slog.LevelInfo
	if getenv("MFABOARD_DEBUG") != "" {
		level = slog.LevelDebug
	}
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
	defer func() {
		if r := recover(); r != nil {
			env.log.Error("internal error", "panic", fmt.Sprint(r))
			fmt.Fprintln(stderr, "mfaboard: an internal error occurred; please report it with the log above")
			code = exitFailed
		}
	}()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return exitBadArgs
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "mfaboard: unknown command %q; run 'mfaboard help' for the list\n", args[0])
		return exitBadArgs
	}
	err := cmd.run(ctx, env, newFlags(env, args[0], cmd.synopsis), args[1:])
	var exit exitCodeError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit):
		return exit.code
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case isUsage(err):
		fmt.Fprintf(stderr, "mfaboard %s: %s\n", args[0], inventory.Printable(sentence(err)))
		return exitBadArgs
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "mfaboard %s: interrupted\n", args[0])
		return exitFailed
	default:
		fmt.Fprintf(stderr, "mfaboard %s: %s\n", args[0], inventory.Printable(sentence(err)))
		return exitFailed
	}
}

func isUsage(err error) bool {
	var u usageError
	if errors.As(err, &u) {
		return true
	}
	return inventory.ErrorCode(err) == inventory.EINVALID
}

// sentence is the message a person reads for an error.
func sentence(err error) string {
	var e *inventory.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "mfaboard: MFA readiness for CSP partner tenants\n\nUsage: mfaboard <command> [flags]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-13s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'mfaboard <command> -h' for a command's flags. The database comes from DATABASE_URL,\nelse the local PostgreSQL server, else a private one under ./.data/postgres.")
}

// newFlags makes a flag set whose errors become usage errors, not exits.
func newFlags(env *cliEnv, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: mfaboard %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and refuses stray arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	return parseFlagsRefusing(fs, args, func(stray []string) error {
		return usagef("unexpected argument %q (see 'mfaboard %s -h')", strings.Join(stray, " "), fs.Name())
	})
}

// parseFlagsRefusing parses args into fs, -h printing the usage, and
// refuses stray arguments with the error refuse makes of them, and a value
// its flag does not accept (formatFlag).
func parseFlagsRefusing(fs *flag.FlagSet, args []string, refuse func(stray []string) error) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return err
	}
	if err != nil {
		return usagef("%v (see 'mfaboard %s -h')", err, fs.Name())
	}
	if fs.NArg() > 0 {
		return refuse(fs.Args())
	}
	fs.Visit(func(f *flag.Flag) {
		if c, ok := f.Value.(interface{ check() error }); ok && err == nil {
			err = c.check()
		}
	})
	return err
}

// flagWasSet reports whether a flag was given on the command line.
func flagWasSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
