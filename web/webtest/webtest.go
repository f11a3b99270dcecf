// Package webtest gives handler and browser tests a signed-in client: it
// creates a user in the test's store and signs in through POST /login, the
// same way a person does, so a test exercises the real session.
package webtest

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/argon2"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/web"
)

// Serve runs the whole router on store, logging nowhere, on a loopback
// port for the life of the test, and returns the server and its handler.
func Serve(tb testing.TB, store *pg.Store) (*httptest.Server, *web.Server) {
	tb.Helper()
	return ServeConfig(tb, web.Config{Store: store})
}

// ServeConfig is Serve with the rest of cfg (a sync queue, OIDC, a What-If
// engine); it logs where cfg.Logger says, nowhere without one.
func ServeConfig(tb testing.TB, cfg web.Config) (*httptest.Server, *web.Server) {
	tb.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := web.New(cfg)
	tb.Cleanup(h.Close)
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv, h
}

// ServeApp is ServeConfig on a fresh, migrated database of the test's own,
// empty until the test syncs a tenant; it returns the server and the store.
func ServeApp(tb testing.TB, cfg web.Config) (*httptest.Server, *pg.Store) {
	tb.Helper()
	store, _ := pgtest.NewStore(tb)
	cfg.Store = store
	srv, _ := ServeConfig(tb, cfg)
	return srv, store
}

// ServeDemo is Serve on a fresh database holding the demo tenant opts
// generates, synced as `serve --demo` syncs it; it returns the sync's
// outcome with the server and its store.
func ServeDemo(tb testing.TB, opts demo.Options) (*httptest.Server, *pg.Store, inventory.SyncOutcome) {
	tb.Helper()
	srv, store := ServeApp(tb, web.Config{})
	return srv, store, pgtest.SeedDemoOf(tb, store, opts)
}

// Password is the password of every user Login creates.
const Password = "correct horse battery staple"

// Login creates a user with role (e-mail <role>-<random>@test.local) and
// returns a client signed in as them.
func Login(t testing.TB, srv *httptest.Server, store *pg.Store, role inventory.Role) *http.Client {
	t.Helper()
	c, _ := LoginUser(t, srv, store, role)
	return c
}

// LoginUser is Login that also returns the user, for tests that need their
// id (an engineer's assigned cards, an exception's requester).
func LoginUser(t testing.TB, srv *httptest.Server, store *pg.Store, role inventory.Role) (*http.Client, pg.User) {
	t.Helper()
	u := CreateUser(t, store, role)
	return SignedInClient(t, srv.URL, u.Email, Password), u
}

// passwordHash is Password's argon2id hash as web.VerifyPassword reads it,
// but with the lightest cost it accepts (64 KiB, one pass) instead of
// web.HashPassword's 19 MiB and two: verification reads the cost from the
// hash, and the tests sign in hundreds of times, where the real cost was
// two thirds of the web tests' CPU. web's own tests check HashPassword's
// cost; a wrong password is still refused, and an unknown e-mail still
// spends the real cost (the dummy hash).
var passwordHash = sync.OnceValues(func() (string, error) {
	salt := []byte(rand.Text()[:16])
	const memoryKiB, passes, threads = 64, 1, 1
	key := argon2.IDKey([]byte(Password), salt, passes, memoryKiB, threads, 32)
	h := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memoryKiB, passes, threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	if !web.VerifyPassword(h, Password) || web.VerifyPassword(h, Password+"!") {
		return "", fmt.Errorf("web.VerifyPassword does not read the test hash %s", h)
	}
	return h, nil
})

// CreateUser adds a user with role and the password Password.
func CreateUser(t testing.TB, store *pg.Store, role inventory.Role) pg.User {
	t.Helper()
	email := strings.ReplaceAll(string(role), "_", "-") + "-" + strings.ToLower(rand.Text()[:10]) + "@test.local"
	return CreatePerson(t, store, email, role.Label()+" "+email[:strings.Index(email, "@")], role)
}

// CreatePerson adds a user with this e-mail, name and role, and the
// password Password: a person a screenshot can show by name.
func CreatePerson(t testing.TB, store *pg.Store, email, name string, role inventory.Role) pg.User {
	t.Helper()
	hash, err := passwordHash()
	if err != nil {
		t.Fatalf("webtest: hash password: %v", err)
	}
	u, err := store.CreateUser(t.Context(), inventory.CLIActor, email, name, role, hash)
	if err != nil {
		t.Fatalf("webtest: create %s: %v", email, err)
	}
	return u
}

// SignedInClient signs in with e-mail and password through POST /login and
// returns a client holding the session cookie. The client does not follow
// redirects, so a test sees each 303 and where it points.
func SignedInClient(t testing.TB, serverURL, email, password string) *http.Client {
	t.Helper()
	c := NewClient(t)
	resp, err := c.PostForm(serverURL+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatalf("webtest: sign in: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("webtest: sign in as %s: status %d, want 303", email, resp.StatusCode)
	}
	return c
}

// LockedBuffer collects what a server or a command writes from several
// goroutines: log lines, a sync's progress.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// NewClient is a client with a cookie jar that does not follow redirects:
// an anonymous browser, until it signs in.
func NewClient(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("webtest: cookie jar: %v", err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
