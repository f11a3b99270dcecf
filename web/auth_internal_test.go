package web

import (
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

func TestPasswordHashAndVerify(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(h, "$") != 5 {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	again, _ := HashPassword("correct horse battery staple")
	if again == h {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if !VerifyPassword(h, "correct horse battery staple") || !VerifyPassword(again, "correct horse battery staple") {
		t.Fatal("the right password does not verify")
	}
	parts := strings.Split(h, "$")
	for name, encoded := range map[string]string{
		"wrong password":   h,
		"empty hash":       "",
		"bcrypt":           "$2a$10$abcdefghijklmnopqrstuuVq3ZCqI6Cw1pRjGv2Hkq9JQd8gzW5zS",
		"argon2i":          strings.Replace(h, "argon2id", "argon2i", 1),
		"other version":    strings.Replace(h, "v=19", "v=16", 1),
		"huge memory":      strings.Replace(h, "m=19456", "m=99999999", 1),
		"no salt":          strings.Join([]string{"", parts[1], parts[2], parts[3], "", parts[5]}, "$"),
		"salt not base64":  strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!!", parts[5]}, "$"),
		"truncated key":    h[:len(h)-20],
		"other parameters": strings.Replace(h, "t=2", "t=3", 1),
	} {
		pw := "correct horse battery staple"
		if name == "wrong password" {
			pw = "correct horse battery stapler"
		}
		if VerifyPassword(encoded, pw) {
			t.Errorf("%s: verified", name)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		password string
		ok       bool
	}{
		{"elevenchars", false},
		{"twelve chars", true},
		{"ünïcødé pässwörd", true},
		{"ääääääääääää", true}, // 12 characters, 24 bytes
		{"äääääääääää", false}, // 11 characters, 22 bytes
		{strings.Repeat("x", 1025), false},
	} {
		err := ValidatePassword(tc.password)
		if (err == nil) != tc.ok || (err != nil && inventory.ErrorCode(err) != inventory.EINVALID) {
			t.Errorf("ValidatePassword(%q) = %v, want ok=%v", tc.password, err, tc.ok)
		}
	}
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"":                       "/",
		"/board?lane=path":       "/board?lane=path",
		"/accounts/u-1":          "/accounts/u-1",
		"https://evil.example/":  "/",
		"//evil.example":         "/",
		"///evil.example":        "/",
		"/\\evil.example":        "/",
		"\\/evil.example":        "/",
		"evil.example":           "/",
		"javascript:alert(1)":    "/",
		"/login":                 "/",
		"/logout":                "/",
		"/auth/oidc/start":       "/",
		"/%0d%0aSet-Cookie:x":    "/",
		"/%5Cevil.example":       "/",
		"/ok\nLocation: x":       "/",
		"/accounts?q=a%20b#frag": "/accounts?q=a%20b#frag",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestAttemptLimiter(t *testing.T) {
	t.Parallel()
	l := newAttemptLimiter(3, 10*time.Second)
	now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range 3 {
		if l.blocked("ip:1", now) {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("ip:1", now)
	}
	if !l.blocked("ip:1", now) {
		t.Fatal("not blocked after the burst")
	}
	if l.blocked("ip:2", now) {
		t.Fatal("another key is blocked")
	}
	if l.blocked("ip:1", now.Add(10*time.Second)) {
		t.Fatal("still blocked after one interval: a failure should have been forgiven")
	}
	// Idle limiters are forgotten once full again.
	l.fail("ip:3", now.Add(time.Hour))
	if _, ok := l.keys["ip:1"]; ok {
		t.Fatal("idle limiter kept")
	}
}

func TestRoleFromClaims(t *testing.T) {
	t.Parallel()
	cfg := OIDCConfig{GroupRoles: map[string]inventory.Role{"g-lead": inventory.SecurityLead, "g-mgmt": inventory.Management}}
	for _, tc := range []struct {
		roles, groups []string
		want          inventory.Role
	}{
		{[]string{"Engineer"}, nil, inventory.Engineer},
		{[]string{"Management", "SecurityLead"}, nil, inventory.SecurityLead},
		{nil, []string{"g-mgmt"}, inventory.Management},
		{[]string{"Management"}, []string{"g-lead"}, inventory.SecurityLead},
		{[]string{"securitylead", "Admin"}, []string{"g-other"}, ""},
		{nil, nil, ""},
	} {
		got, ok := cfg.roleFromClaims(tc.roles, tc.groups)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("roles %v groups %v: %q %v, want %q", tc.roles, tc.groups, got, ok, tc.want)
		}
	}
}
