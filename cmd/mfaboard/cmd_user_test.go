package main

import (
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/web"
)

func TestUserAddAndList(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	ctx := t.Context()

	setEnv(t, "MFABOARD_PASSWORD", "a long enough password")
	code, out, errOut := runCLI(t, "user", "add", "--email", "Dana@Partner.com", "--role", "security_lead", "--name", "Dana Lead")
	if code != exitOK || !strings.Contains(out, "added dana@partner.com as security lead") {
		t.Fatalf("user add: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	u, hash, err := store.UserByEmail(ctx, "dana@partner.com")
	if err != nil || u.Role != inventory.SecurityLead || u.DisplayName != "Dana Lead" || !web.VerifyPassword(hash, "a long enough password") {
		t.Fatalf("stored user %+v (%v); the password must verify against the stored hash", u, err)
	}
	if strings.Contains(out+errOut, "a long enough password") {
		t.Fatal("the password was printed")
	}

	// From standard input when MFABOARD_PASSWORD is not set.
	setEnv(t, "MFABOARD_PASSWORD", "")
	if code, out, errOut := runCLIWithInput(t, "from standard input\n", "user", "add", "--email", "eli@partner.com", "--role", "engineer"); code != exitOK {
		t.Fatalf("user add from stdin: exit %d\n%s%s", code, out, errOut)
	}
	if _, hash, err := store.UserByEmail(ctx, "eli@partner.com"); err != nil || !web.VerifyPassword(hash, "from standard input") {
		t.Fatalf("stdin password not stored: %v", err)
	}

	for _, tc := range []struct {
		name     string
		stdin    string
		args     []string
		sentence string
	}{
		{"short password", "too short\n", []string{"--email", "x@partner.com", "--role", "engineer"}, "too short: use at least 12 characters"},
		{"no password", "", []string{"--email", "x@partner.com", "--role", "engineer"}, "no password given"},
		{"unknown role", "long enough password\n", []string{"--email", "x@partner.com", "--role", "admin"}, "Unknown role"},
		{"no e-mail", "long enough password\n", []string{"--role", "engineer"}, "--email is required"},
		{"duplicate", "long enough password\n", []string{"--email", "ELI@partner.com", "--role", "engineer"}, "already exists"},
		{"password flag refused", "long enough password\n", []string{"--email", "y@partner.com", "--role", "engineer", "--password", "x"}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := runCLIWithInput(t, tc.stdin, append([]string{"user", "add"}, tc.args...)...)
			if code != exitBadArgs || !strings.Contains(errOut, tc.sentence) {
				t.Fatalf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tc.sentence)
			}
		})
	}

	code, out, errOut = runCLI(t, "user", "list")
	if code != exitOK || !strings.Contains(out, "dana@partner.com") || !strings.Contains(out, "security_lead") ||
		!strings.Contains(out, "eli@partner.com") || strings.Contains(out, "x@partner.com") {
		t.Fatalf("user list: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "user", "remove"); code != exitBadArgs {
		t.Fatalf("unknown subcommand: exit %d", code)
	}
}

func TestSeedDemoUsers(t *testing.T) {
	t.Parallel()
	store := useDatabase(t)
	ctx := t.Context()
	var errOut strings.Builder
	env := &cliEnv{stdout: &errOut, stderr: &errOut, getenv: func(string) string { return "" }}
	if err := seedDemoUsers(ctx, env, store); err != nil {
		t.Fatal(err)
	}
	// The random password is printed once, and it is the demo users' password.
	line := errOut.String()
	i := strings.Index(line, "with the password ")
	if i < 0 {
		t.Fatalf("no password printed: %q", line)
	}
	password := strings.Fields(line[i+len("with the password "):])[0]
	for _, d := range demoUsers {
		u, hash, err := store.UserByEmail(ctx, d.email)
		if err != nil || u.Role != d.role || !web.VerifyPassword(hash, password) {
			t.Fatalf("%s: %+v %v", d.email, u, err)
		}
	}
	// A second start creates nobody and prints no password.
	errOut.Reset()
	if err := seedDemoUsers(ctx, env, store); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), password) || !strings.Contains(errOut.String(), "exist already") {
		t.Fatalf("second start: %q", errOut.String())
	}
	// MFABOARD_DEMO_PASSWORD must be long enough.
	env.getenv = func(k string) string {
		if k == "MFABOARD_DEMO_PASSWORD" {
			return "short"
		}
		return ""
	}
	if err := seedDemoUsers(ctx, env, store); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Fatalf("short demo password: %v", err)
	}
}
