package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
)

// cmdUser runs its subcommand, which makes a flag set of its own.
func cmdUser(ctx context.Context, env *cliEnv, _ *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usagef("say what to do: 'mfaboard user add --email E --role R [--name N]' or 'mfaboard user list'")
	}
	switch args[0] {
	case "add":
		return cmdUserAdd(ctx, env, args[1:])
	case "list":
		return cmdUserList(ctx, env, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(env.stderr, "Usage: mfaboard user add --email E --role security_lead|engineer|management [--name N]\n       mfaboard user list")
		return nil
	}
	return usagef("unknown user command %q: use add or list", args[0])
}

// cmdUserAdd adds a local user, as the command line (inventory.CLIActor):
// the audit trail records the addition as the command line's. The password
// never comes from a flag: it would land in the shell's history and in
// every process listing.
func cmdUserAdd(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlags(env, "user add", "--email E --role security_lead|engineer|management [--name N]  (password from MFABOARD_PASSWORD or standard input)")
	email := fs.String("email", "", "the user's e-mail address, which they sign in with")
	roleFlag := fs.String("role", "", "security_lead, engineer or management")
	name := fs.String("name", "", "the user's display name")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*email) == "" {
		return usagef("--email is required")
	}
	role, err := inventory.ParseRole(*roleFlag)
	if err != nil {
		return usagef("--role: %s", inventory.ErrorMessage(err))
	}
	password, err := readPassword(env)
	if err != nil {
		return err
	}
	if err := web.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := web.HashPassword(password)
	if err != nil {
		return err
	}
	store, closeAll, err := openStore(ctx, env)
	if err != nil {
		return err
	}
	defer closeAll()
	u, err := store.CreateUser(ctx, inventory.CLIActor, *email, *name, role, hash)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "added %s as %s\n", u.Email, strings.ToLower(u.Role.Label()))
	return nil
}

// readPassword takes MFABOARD_PASSWORD, else asks on the terminal (twice,
// without echo), else reads the first line of standard input.
func readPassword(env *cliEnv) (string, error) {
	if p := env.getenv("MFABOARD_PASSWORD"); p != "" {
		return p, nil
	}
	if f, ok := env.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		fmt.Fprint(env.stderr, "Again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.stderr)
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if string(first) != string(second) {
			return "", usagef("the two passwords differ; nothing was changed")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(env.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("no password given: set MFABOARD_PASSWORD or write it on standard input")
	}
	return line, nil
}

func cmdUserList(ctx context.Context, env *cliEnv, args []string) error {
	store, closeAll, err := openStoreNoFlags(ctx, env, "user list", args)
	if err != nil {
		return err
	}
	defer closeAll()
	users, err := store.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSIGN-IN\tSTATUS")
	for _, u := range users {
		method := "password"
		switch {
		case u.HasPassword && u.OIDCSubject != "":
			method = "password, microsoft"
		case u.OIDCSubject != "":
			method = "microsoft"
		}
		status := "enabled"
		if u.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.DisplayName, u.Role, method, status)
	}
	return tw.Flush()
}
