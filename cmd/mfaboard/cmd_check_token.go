package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/graph/token"
)

// cmdCheckToken decodes an access token and says whether it carries the MFA
// claim. Exit 0: amr contains mfa; 1: it does not; 2: the input is not a
// token. The token is read from stdin or a file, never from an argument,
// which would leave it in shell history and in the process list; it is
// never printed or logged.
func cmdCheckToken(ctx context.Context, env *cliEnv, fs *flag.FlagSet, args []string) error {
	file := fs.String("token-file", "", `read the token from file `+"`F`"+` instead of stdin ("-" is stdin)`)
	if err := parseTokenFlags(fs, args); err != nil {
		return err
	}
	raw, err := readToken(ctx, env, *file)
	if err != nil {
		return err
	}
	k, err := token.Decode(raw)
	if err != nil {
		return err // EINVALID: one sentence, exit 2
	}
	printTokenCheck(env.stdout, k, time.Now())
	if !k.HasMFA {
		return exitCodeError{exitFailed}
	}
	return nil
}

// parseTokenFlags is parseFlags without quoting stray arguments: the stray
// argument is most likely the token itself.
func parseTokenFlags(fs *flag.FlagSet, args []string) error {
	return parseFlagsRefusing(fs, args, func([]string) error {
		return usagef("the token is not taken as an argument, which would leave it in your shell history: " +
			"pipe it in (mfaboard check-token < token.txt) or use --token-file F")
	})
}

// readToken reads at most one token's worth of input. The read runs aside so
// that Ctrl-C still ends a command waiting on a terminal.
func readToken(ctx context.Context, env *cliEnv, file string) (string, error) {
	in := env.stdin
	if file != "" && file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return "", usagef("cannot read --token-file: %v", err)
		}
		defer f.Close()
		in = f
	} else if isTerminal(in) {
		fmt.Fprintln(env.stderr, "Paste the access token, then press Enter and Ctrl-D. (A terminal cuts pasted lines at 4 KB: a longer token goes through --token-file.)")
	}
	type read struct {
		b   []byte
		err error
	}
	done := make(chan read, 1)
	go func() {
		b, err := io.ReadAll(io.LimitReader(in, token.MaxLength+1))
		done <- read{b, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-done:
		if r.err != nil {
			return "", usagef("cannot read the token: %v", r.err)
		}
		return string(r.b), nil
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func printTokenCheck(w io.Writer, k token.Check, now time.Time) {
	kind := "user (delegated)"
	if k.AppOnly {
		kind = "app-only"
	}
	expires := when(k.Expires)
	switch {
	case k.Expired:
		expires += " (expired)"
	case !k.Expires.IsZero():
		expires += fmt.Sprintf(" (valid for another %s)", strings.TrimSuffix(k.Expires.Sub(now).Round(time.Minute).String(), "0s"))
	}
	for _, row := range [][2]string{
		{"audience", strings.Join(k.Audience, ", ")},
		{"issuer", k.Issuer},
		{"tenant", k.TenantID},
		{"user", k.User},
		{"app", k.AppID},
		{"token type", kind},
		{"issued", when(k.IssuedAt)},
		{"not before", when(k.NotBefore)},
		{"expires", expires},
		{"amr", strings.Join(k.AMR, " ")},
		{"acr", k.ACR},
		{"scopes", k.Scopes},
		{"roles", strings.Join(k.Roles, " ")},
	} {
		if row[1] == "" {
			row[1] = "-"
		}
		fmt.Fprintf(w, "%-11s %s\n", row[0], row[1])
	}
	fmt.Fprintf(w, "\n%s\n", k.Verdict)
	if len(k.Advice) > 0 {
		fmt.Fprintln(w, "\nWhat to do:")
		for _, a := range k.Advice {
			fmt.Fprintf(w, "  - %s\n", a)
		}
	}
}

func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}
