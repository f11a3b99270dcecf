package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfaboard/mfaboard/graph/token/tokentest"
)

// accessToken signs claims with a throwaway key, as Entra would with its own.
func accessToken(t *testing.T, amr []string, extra jwt.MapClaims) string {
	t.Helper()
	c := jwt.MapClaims{
		"aud": "https://api.partnercenter.microsoft.com",
		"tid": "6f1c2a4e-0000-4000-8000-000000000001",
		"upn": "ada@contoso.onmicrosoft.com",
		"iat": time.Now().Add(-10 * time.Minute).Unix(),
		"exp": time.Now().Add(50 * time.Minute).Unix(),
		"scp": "user_impersonation",
	}
	if amr != nil {
		c["amr"] = amr
	}
	for k, v := range extra {
		c[k] = v
	}
	return tokentest.Signed(t, c)
}

func TestCheckTokenExitCodes(t *testing.T) {
	t.Parallel()
	mfa := accessToken(t, []string{"pwd", "mfa"}, nil)
	pwd := accessToken(t, []string{"pwd"}, nil)
	app := accessToken(t, nil, jwt.MapClaims{"idtyp": "app", "roles": []string{"User.Read.All"}, "upn": nil, "scp": nil})
	file := filepath.Join(t.TempDir(), "token.txt")
	if err := os.WriteFile(file, []byte(mfa+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name   string
		stdin  string
		args   []string
		secret string // must appear in neither stream
		code   int
		stdout string // "" means stdout must be empty
		stderr string // "" means stderr must be empty
	}{
		{"mfa from stdin", mfa + "\n", nil, mfa, exitOK, "MFA claim present: amr contains mfa", ""},
		{"Authorization line", "Authorization: Bearer " + mfa, nil, mfa, exitOK, "amr         pwd mfa", ""},
		{"password only", pwd, nil, pwd, exitFailed, "No MFA claim: amr is [pwd]", ""},
		{"app-only", app, nil, app, exitFailed, "MS-Enforce-MFA: true", ""},
		{"token file", "", []string{"--token-file", file}, mfa, exitOK, "user        ada@contoso.onmicrosoft.com", ""},
		{"garbage", "not a token at all", nil, "not a token at all", exitBadArgs, "", "mfaboard check-token: this is not a JWT"},
		{"empty stdin", "", nil, "", exitBadArgs, "", "no token given"},
		{"token as an argument", "", []string{mfa}, mfa, exitBadArgs, "", "not taken as an argument"},
		{"missing file", "", []string{"--token-file", filepath.Join(t.TempDir(), "none")}, "", exitBadArgs, "", "cannot read --token-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLIWithInput(t, tt.stdin, append([]string{"check-token"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, errOut)
			}
			if tt.secret != "" && (strings.Contains(out, tt.secret) || strings.Contains(errOut, tt.secret)) {
				t.Fatal("the token was echoed")
			}
			if tt.stdout == "" && out != "" || !strings.Contains(out, tt.stdout) {
				t.Errorf("stdout does not say %q:\n%s", tt.stdout, out)
			}
			if tt.stderr == "" && errOut != "" || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tt.stderr, errOut)
			}
			if strings.Count(errOut, "mfaboard check-token:") > 1 {
				t.Errorf("the error was printed twice:\n%s", errOut)
			}
		})
	}
}

// The payload's own parts must not leak either: a header or payload segment
// is as good as the token for anyone reading logs.
func TestCheckTokenOutputHoldsNoTokenPart(t *testing.T) {
	t.Parallel()
	tok := accessToken(t, []string{"pwd"}, nil)
	_, out, errOut := runCLIWithInput(t, tok, "check-token")
	for i, part := range strings.Split(tok, ".") {
		if strings.Contains(out+errOut, part) {
			t.Fatalf("part %d of the token was printed", i)
		}
	}
	if !strings.Contains(out, "What to do:") || !strings.Contains(out, "Conditional Access") {
		t.Fatalf("no advice for a token without mfa:\n%s", out)
	}
}
