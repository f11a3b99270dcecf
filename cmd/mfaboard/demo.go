package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web"
)

// `mfaboard serve --demo` seeds the generated demo tenant, with a trend and
// a user per role, into a database that holds no tenant yet.

// seedDemo syncs a generated tenant when the database holds none, through
// the same decoder, rules and store as a real sync.
func seedDemo(ctx context.Context, env *cliEnv, store *pg.Store, users int) error {
	tenants, err := store.Tenants(ctx)
	if err != nil {
		return err
	}
	if len(tenants) > 0 {
		return nil
	}
	fmt.Fprintf(env.stderr, "seeding a demo tenant of %d accounts …\n", users)
	now := time.Now().UTC()
	snap := demo.Generate(demo.Options{Users: users, Seed: 1, AsOf: now})
	out, err := inventory.Sync(ctx, store, export.SnapshotSource(pg.SourceDemo, snap), inventory.SyncOptions{Kind: inventory.KindMixed, Now: now})
	if err != nil {
		return fmt.Errorf("seed the demo tenant: %w", err)
	}
	if err := seedDemoTrend(ctx, store, out.Result.Tenant, now); err != nil {
		return err
	}
	printSyncSummary(env, out)
	return nil
}

// demoTrendWeeks is how much history the demo tenant is given.
const demoTrendWeeks = 10

// seedDemoTrend gives a freshly seeded demo tenant the history of a team at
// work: a point a week for ten weeks, from more open accounts down to
// today's, so the readiness chart and its projection show on the first
// visit what a real tenant shows after a few weeks of syncs. Only the demo
// gets made-up history; a real tenant's trend is its own.
func seedDemoTrend(ctx context.Context, store *pg.Store, v inventory.TenantVerdict, now time.Time) error {
	nc, ar := v.Counts[inventory.NonCompliant], v.Counts[inventory.AtRisk]
	for w := demoTrendWeeks; w >= 1; w-- {
		moreNC, moreAR := w*max(1, nc/12), w*max(1, ar/15)
		counts := map[inventory.Compliance]int{
			inventory.NonCompliant:  nc + moreNC,
			inventory.AtRisk:        ar + moreAR,
			inventory.Excepted:      v.Counts[inventory.Excepted],
			inventory.Compliant:     max(0, v.Counts[inventory.Compliant]-moreNC-moreAR),
			inventory.NotApplicable: v.Counts[inventory.NotApplicable],
		}
		past := inventory.TenantVerdict{Counts: counts, PrivilegedCounts: v.PrivilegedCounts}
		if err := store.RecordTrend(ctx, v.TenantID, now.AddDate(0, 0, -7*w), past); err != nil {
			return fmt.Errorf("seed the demo trend: %w", err)
		}
	}
	return nil
}

// demoUsers are the people of the demo tenant, one per role.
var demoUsers = []struct {
	email, name string
	role        inventory.Role
}{
	{"lead@demo.local", "Dana Lead", inventory.SecurityLead},
	{"engineer@demo.local", "Eli Engineer", inventory.Engineer},
	{"manager@demo.local", "Morgan Manager", inventory.Management},
}

// seedDemoUsers creates the demo users that are missing, with
// MFABOARD_DEMO_PASSWORD or a random password printed once.
func seedDemoUsers(ctx context.Context, env *cliEnv, store *pg.Store) error {
	password, chosen := env.getenv("MFABOARD_DEMO_PASSWORD"), true
	if password == "" {
		password, chosen = randomPassword(), false
	}
	if err := web.ValidatePassword(password); err != nil {
		return usagef("MFABOARD_DEMO_PASSWORD: %s", inventory.ErrorMessage(err))
	}
	var created []string
	var hash string
	for _, d := range demoUsers {
		_, _, err := store.UserByEmail(ctx, d.email)
		if err == nil {
			continue
		}
		if inventory.ErrorCode(err) != inventory.ENOTFOUND {
			return err
		}
		if hash == "" {
			if hash, err = web.HashPassword(password); err != nil {
				return err
			}
		}
		if _, err := store.CreateUser(ctx, inventory.CLIActor, d.email, d.name, d.role, hash); err != nil {
			return fmt.Errorf("create demo user %s: %w", d.email, err)
		}
		created = append(created, d.email)
	}
	switch {
	case len(created) == 0:
		fmt.Fprintln(env.stderr, "demo users lead@demo.local, engineer@demo.local and manager@demo.local exist already and keep their password")
	case chosen:
		fmt.Fprintf(env.stderr, "created demo users %s with the password in MFABOARD_DEMO_PASSWORD\n", strings.Join(created, ", "))
	default:
		fmt.Fprintf(env.stderr, "created demo users %s with the password %s (shown only now)\n", strings.Join(created, ", "), password)
	}
	return nil
}

// randomPassword is 26 base32 characters: 128 random bits.
func randomPassword() string { return rand.Text() }
