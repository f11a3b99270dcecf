package pg_test

import (
	"context"
	"sync"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// fakeHash stands for an encoded password hash: the store keeps whatever
// the web package's HashPassword made and never reads it.
const fakeHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"

func mustCreateUser(t *testing.T, store *pg.Store, email string, role inventory.Role) pg.User {
	t.Helper()
	u, err := store.CreateUser(context.Background(), email, "", role, fakeHash)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func TestUserCreateAndFind(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	u, err := store.CreateUser(ctx, "  Dana.Lead@Partner.COM ", "Dana Lead", inventory.SecurityLead, fakeHash)
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "dana.lead@partner.com" || u.DisplayName != "Dana Lead" || u.Role != inventory.SecurityLead ||
		!u.HasPassword || u.Disabled || u.ID == "" || u.CreatedAt.IsZero() || u.PasswordChangedAt.IsZero() {
		t.Fatalf("created %+v", u)
	}
	got, hash, err := store.UserByEmail(ctx, "DANA.lead@partner.com")
	if err != nil || hash != fakeHash || got != u {
		t.Fatalf("by e-mail = %+v, %q, %v; want %+v and the hash", got, hash, err, u)
	}
	byID, err := store.UserByID(ctx, u.ID)
	if err != nil || byID != u {
		t.Fatalf("by id = %+v, %v", byID, err)
	}
	if u.Name() != "Dana Lead" {
		t.Fatalf("name = %q", u.Name())
	}

	for _, tc := range []struct {
		name, email string
		role        inventory.Role
		hash        string
		code        string
	}{
		{"same e-mail in another case", "DANA.LEAD@partner.com", inventory.Engineer, fakeHash, inventory.EINVALID},
		{"not an address", "dana", inventory.Engineer, fakeHash, inventory.EINVALID},
		{"a name and an address", "Dana <dana@partner.com>", inventory.Engineer, fakeHash, inventory.EINVALID},
		{"unknown role", "x@partner.com", inventory.Role("admin"), fakeHash, inventory.EINVALID},
		{"no password", "y@partner.com", inventory.Engineer, "", inventory.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := store.CreateUser(ctx, tc.email, "", tc.role, tc.hash)
			if inventory.ErrorCode(err) != tc.code || inventory.ErrorMessage(err) == "" {
				t.Fatalf("err = %v (code %s), want %s", err, inventory.ErrorCode(err), tc.code)
			}
		})
	}
	for _, id := range []string{"not-a-uuid", "00000000-0000-0000-0000-000000000000", ""} {
		if _, err := store.UserByID(ctx, id); inventory.ErrorCode(err) != inventory.ENOTFOUND {
			t.Errorf("UserByID(%q) = %v, want ENOTFOUND", id, err)
		}
	}
	if _, _, err := store.UserByEmail(ctx, "nobody@partner.com"); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Errorf("UserByEmail(nobody) = %v, want ENOTFOUND", err)
	}
}

func TestUserPasswordRoleAndDisable(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	lead := mustCreateUser(t, store, "lead@partner.com", inventory.SecurityLead)
	eng := mustCreateUser(t, store, "eng@partner.com", inventory.Engineer)

	if err := store.SetPassword(ctx, eng.ID, "new-hash"); err != nil {
		t.Fatal(err)
	}
	after, hash, err := store.UserByEmail(ctx, eng.Email)
	if err != nil || hash != "new-hash" || !after.PasswordChangedAt.After(eng.PasswordChangedAt) {
		t.Fatalf("after reset: %+v %q %v; want the new hash and a later password_changed_at than %v", after, hash, err, eng.PasswordChangedAt)
	}

	// The last lead can be neither demoted nor disabled.
	if err := store.SetUserRole(ctx, lead.ID, inventory.Engineer); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("demote the last lead: %v, want EINVALID", err)
	}
	if err := store.SetUserDisabled(ctx, lead.ID, true); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("disable the last lead: %v, want EINVALID", err)
	}
	// With a second lead, they can.
	if err := store.SetUserRole(ctx, eng.ID, inventory.SecurityLead); err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserDisabled(ctx, lead.ID, true); err != nil {
		t.Fatal(err)
	}
	if u, _ := store.UserByID(ctx, lead.ID); !u.Disabled {
		t.Fatalf("lead not disabled: %+v", u)
	}
	// ... and now eng is the last enabled lead.
	if err := store.SetUserRole(ctx, eng.ID, inventory.Management); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("demote the last enabled lead: %v, want EINVALID", err)
	}
	if err := store.SetUserDisabled(ctx, lead.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserRole(ctx, "00000000-0000-0000-0000-000000000000", inventory.Engineer); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Fatalf("unknown user: %v", err)
	}
	if err := store.SetUserRole(ctx, eng.ID, "boss"); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("unknown role: %v", err)
	}
	users, err := store.Users(ctx)
	if err != nil || len(users) != 2 {
		t.Fatalf("users = %+v, %v", users, err)
	}
}

// Two leads demoting each other at once: one must stay a lead.
func TestUserLastLeadUnderRace(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	a := mustCreateUser(t, store, "a@partner.com", inventory.SecurityLead)
	b := mustCreateUser(t, store, "b@partner.com", inventory.SecurityLead)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, u := range []pg.User{a, b} {
		wg.Go(func() { errs[i] = store.SetUserRole(ctx, u.ID, inventory.Engineer) })
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("errors = %v; want exactly one demotion refused", errs)
	}
	users, _ := store.Users(ctx)
	leads := 0
	for _, u := range users {
		if u.Role == inventory.SecurityLead {
			leads++
		}
	}
	if leads != 1 {
		t.Fatalf("%d leads left, want 1", leads)
	}
}

func TestUserUpsertOIDC(t *testing.T) {
	t.Parallel()
	store, _ := pgtest.NewStore(t)
	ctx := context.Background()
	u, err := store.UpsertOIDCUser(ctx, "sub-1", "Eve@Partner.com", "Eve", inventory.Engineer)
	if err != nil {
		t.Fatal(err)
	}
	if u.OIDCSubject != "sub-1" || u.HasPassword || u.Email != "eve@partner.com" || u.Role != inventory.Engineer {
		t.Fatalf("first sign-in: %+v", u)
	}
	again, err := store.UpsertOIDCUser(ctx, "sub-1", "eve.new@partner.com", "Eve N", inventory.SecurityLead)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != u.ID || again.Email != "eve.new@partner.com" || again.DisplayName != "Eve N" || again.Role != inventory.SecurityLead {
		t.Fatalf("second sign-in: %+v, want the same user refreshed", again)
	}
	if _, hash, err := store.UserByEmail(ctx, "eve.new@partner.com"); err != nil || hash != "" {
		t.Fatalf("OIDC user's hash = %q, %v; want none", hash, err)
	}
	// An e-mail claim never takes over a local account.
	mustCreateUser(t, store, "local@partner.com", inventory.SecurityLead)
	if _, err := store.UpsertOIDCUser(ctx, "sub-2", "local@partner.com", "Mallory", inventory.SecurityLead); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("e-mail of a local user: %v, want EINVALID", err)
	}
	if _, err := store.UpsertOIDCUser(ctx, "", "z@partner.com", "", inventory.Engineer); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("no subject: %v", err)
	}
}
