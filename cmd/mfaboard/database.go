package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// defaultDatabase is the name used when DATABASE_URL does not say.
const defaultDatabase = "mfaboard"

// database is where the app's PostgreSQL lives and how to give it back.
type database struct {
	URL  string
	stop func() // stops a private cluster this process started; no-op otherwise
}

func (d *database) Close() {
	if d != nil && d.stop != nil {
		d.stop()
	}
}

// locateDatabase finds PostgreSQL the way the README promises: DATABASE_URL;
// else a local server on the socket or 127.0.0.1:5432; else, when initdb and
// pg_ctl are installed, a private cluster under ./.data/postgres that this
// process starts and stops; else an error saying how to get one. The
// database is created when missing.
func locateDatabase(ctx context.Context, log *slog.Logger, getenv func(string) string) (*database, error) {
	if u := getenv("DATABASE_URL"); u != "" {
		if err := ensureDatabase(ctx, u); err != nil {
			return nil, err
		}
		return &database{URL: u, stop: func() {}}, nil
	}
	for _, u := range localCandidates(getenv) {
		if answers(ctx, u) {
			log.Debug("using the local PostgreSQL server", "url", redact(u))
			if err := ensureDatabase(ctx, u); err != nil {
				return nil, err
			}
			return &database{URL: u, stop: func() {}}, nil
		}
	}
	db, err := startPrivateCluster(ctx, log)
	if err != nil {
		return nil, err
	}
	if err := ensureDatabase(ctx, db.URL); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// localCandidates are the usual places of a local server with trust or peer
// authentication: the Debian socket directory first, then TCP.
func localCandidates(getenv func(string) string) []string {
	user := getenv("PGUSER")
	if user == "" {
		user = currentUser(getenv)
	}
	var out []string
	for _, dir := range []string{"/var/run/postgresql", "/tmp"} {
		if _, err := os.Stat(filepath.Join(dir, ".s.PGSQL.5432")); err == nil {
			out = append(out, fmt.Sprintf("postgres://%s@/%s?host=%s", url.PathEscape(user), defaultDatabase, url.QueryEscape(dir)))
		}
	}
	out = append(out, fmt.Sprintf("postgres://%s@127.0.0.1:5432/%s?sslmode=disable", url.PathEscape(user), defaultDatabase))
	if user != "postgres" {
		out = append(out, fmt.Sprintf("postgres://postgres@127.0.0.1:5432/%s?sslmode=disable", defaultDatabase))
	}
	return out
}

func currentUser(getenv func(string) string) string {
	if u := getenv("USER"); u != "" {
		return u
	}
	return "postgres"
}

// answers reports whether a server at u accepts us (connecting to the
// maintenance database, since ours may not exist yet).
func answers(ctx context.Context, u string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, maintenanceURL(u))
	if err != nil {
		return false
	}
	conn.Close(ctx)
	return true
}

// maintenanceURL points u at the postgres database.
func maintenanceURL(u string) string {
	cfg, err := url.Parse(u)
	if err != nil {
		return u
	}
	cfg.Path = "/postgres"
	return cfg.String()
}

// ensureDatabase creates the database named in u when it does not exist.
func ensureDatabase(ctx context.Context, u string) error {
	cfg, err := pgx.ParseConfig(u)
	if err != nil {
		return fmt.Errorf("DATABASE_URL is not a valid PostgreSQL URL (%v): use postgres://user@host:5432/mfaboard", err)
	}
	name := cfg.Database
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err == nil {
		conn.Close(ctx)
		return nil
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("cannot reach PostgreSQL at %s: %v. Start the server or set DATABASE_URL", redact(u), errSentence(err))
	}
	admin, err := pgx.Connect(ctx, maintenanceURL(u))
	if err != nil {
		return fmt.Errorf("database %q does not exist and the server's postgres database is not reachable to create it: %v", name, errSentence(err))
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		var e *pgconn.PgError
		if errors.As(err, &e) && e.Code == "42P04" { // created meanwhile by someone else
			return nil
		}
		return fmt.Errorf("create database %q: %v", name, errSentence(err))
	}
	return nil
}

// startPrivateCluster runs a cluster of our own under ./.data/postgres on a
// unix socket in that folder, so it cannot clash with anything else.
func startPrivateCluster(ctx context.Context, log *slog.Logger) (*database, error) {
	dir, err := filepath.Abs(filepath.Join(".data", "postgres"))
	if err != nil {
		return nil, err
	}
	return startClusterIn(ctx, log, dir)
}

// startClusterIn initialises (once) and starts a cluster in dir. PostgreSQL
// refuses to run as root, so as root the server programs run as the
// postgres system user, which then owns dir.
func startClusterIn(ctx context.Context, log *slog.Logger, dir string) (*database, error) {
	initdb, errInit := exec.LookPath("initdb")
	pgctl, errCtl := exec.LookPath("pg_ctl")
	if errInit != nil || errCtl != nil {
		return nil, errors.New("no PostgreSQL found: set DATABASE_URL, start a local server (apt-get install postgresql), or install PostgreSQL's server programs (initdb, pg_ctl) so mfaboard can run its own under ./.data/postgres")
	}
	runAs, err := serverUser()
	if err != nil {
		return nil, err
	}
	sock := filepath.Join(dir, "run")
	if err := os.MkdirAll(sock, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := runAs.own(dir); err != nil {
		return nil, err
	}
	data := filepath.Join(dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		log.Info("creating a private PostgreSQL cluster", "dir", data)
		if out, err := runAs.command(ctx, initdb, "-D", data, "-A", "trust", "-U", "postgres", "--no-instructions").CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb %s failed: %s", data, strings.TrimSpace(string(out)))
		}
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -p 5432", sock)
	logFile := filepath.Join(dir, "server.log")
	if out, err := runAs.command(ctx, pgctl, "-D", data, "-o", opts, "-l", logFile, "-w", "start").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("starting the private PostgreSQL in %s failed: %s (see %s)", data, strings.TrimSpace(string(out)), logFile)
	}
	log.Info("started a private PostgreSQL", "dir", data)
	stop := func() {
		if out, err := runAs.command(context.Background(), pgctl, "-D", data, "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
			log.Warn("stopping the private PostgreSQL failed", "output", strings.TrimSpace(string(out)))
		}
	}
	return &database{URL: fmt.Sprintf("postgres://postgres@/%s?host=%s", defaultDatabase, url.QueryEscape(sock)), stop: stop}, nil
}

// osUser runs the server programs: ourselves, or (as root) the postgres
// system user.
type osUser struct {
	name     string // "" = ourselves
	uid, gid int
}

func serverUser() (osUser, error) {
	if os.Geteuid() != 0 {
		return osUser{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return osUser{}, errors.New("no PostgreSQL server answers, and PostgreSQL refuses to run as root with no postgres system user to run it as: start the system server or set DATABASE_URL")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return osUser{name: u.Username, uid: uid, gid: gid}, nil
}

func (u osUser) command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	if u.name == "" {
		return exec.CommandContext(ctx, prog, args...)
	}
	return exec.CommandContext(ctx, "runuser", append([]string{"-u", u.name, "--", prog}, args...)...)
}

// own hands dir (and its parent chain inside the project) to the server user.
func (u osUser) own(dir string) error {
	if u.name == "" {
		return nil
	}
	return filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, u.uid, u.gid)
	})
}

// redact hides a password in a URL for messages.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "the configured database"
	}
	return p.Redacted()
}

// errSentence shortens driver errors to their message.
func errSentence(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Err.Error()
	}
	return err.Error()
}
