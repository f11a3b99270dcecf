package pg_test

import (
	"fmt"
	"slices"
	"strings"
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
	u, err := store.CreateUser(t.Context(), inventory.CLIActor, email, "", role, fakeHash)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

func TestUserCreateAndFind(t *testing.T) {
	store, ctx := newStore(t)
	u, err := store.CreateUser(ctx, inventory.CLIActor, "  Dana.Lead@Partner.COM ", "Dana Lead", inventory.SecurityLead, fakeHash)
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
			_, err := store.CreateUser(ctx, inventory.CLIActor, tc.email, "", tc.role, tc.hash)
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
	store, ctx := newStore(t)
	lead := mustCreateUser(t, store, "lead@partner.com", inventory.SecurityLead)
	eng := mustCreateUser(t, store, "eng@partner.com", inventory.Engineer)
	me := inventory.Actor{ID: lead.ID, Name: lead.Name(), Role: lead.Role, Address: "192.0.2.7"}

	reset, err := store.SetPassword(ctx, me, eng.ID, "new-hash")
	if err != nil {
		t.Fatal(err)
	}
	after, hash, err := store.UserByEmail(ctx, eng.Email)
	if err != nil || hash != "new-hash" || !after.PasswordChangedAt.After(eng.PasswordChangedAt) || reset != after {
		t.Fatalf("after reset: %+v %q %v (returned %+v); want the new hash and a later password_changed_at than %v", after, hash, err, reset, eng.PasswordChangedAt)
	}

	// The last lead can be neither demoted nor disabled.
	if err := store.SetUserRole(ctx, me, lead.ID, inventory.Engineer); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("demote the last lead: %v, want EINVALID", err)
	}
	if err := store.SetUserDisabled(ctx, me, lead.ID, true); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("disable the last lead: %v, want EINVALID", err)
	}
	// With a second lead, they can.
	if err := store.SetUserRole(ctx, me, eng.ID, inventory.SecurityLead); err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserDisabled(ctx, me, lead.ID, true); err != nil {
		t.Fatal(err)
	}
	if u, _ := store.UserByID(ctx, lead.ID); !u.Disabled {
		t.Fatalf("lead not disabled: %+v", u)
	}
	// ... and now eng is the last enabled lead.
	if err := store.SetUserRole(ctx, me, eng.ID, inventory.Management); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("demote the last enabled lead: %v, want EINVALID", err)
	}
	if err := store.SetUserDisabled(ctx, me, lead.ID, false); err != nil {
		t.Fatal(err)
	}
	// Asking for what is already so changes and records nothing.
	if err := store.SetUserRole(ctx, me, eng.ID, inventory.SecurityLead); err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserDisabled(ctx, me, lead.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := store.SetUserRole(ctx, me, "00000000-0000-0000-0000-000000000000", inventory.Engineer); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := store.SetPassword(ctx, me, "00000000-0000-0000-0000-000000000000", "h"); inventory.ErrorCode(err) != inventory.ENOTFOUND {
		t.Fatalf("unknown user's password: %v", err)
	}
	if err := store.SetUserRole(ctx, me, eng.ID, "boss"); inventory.ErrorCode(err) != inventory.EINVALID {
		t.Fatalf("unknown role: %v", err)
	}
	users, err := store.Users(ctx)
	if err != nil || len(users) != 2 {
		t.Fatalf("users = %+v, %v", users, err)
	}

	// Each change is on the record, by the lead, from where they acted; the
	// two users added at the command line are on it as the command line's.
	events, _, err := store.Audit(ctx, pg.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range slices.Backward(events) {
		got = append(got, fmt.Sprintf("%s %s %s→%s %v %v %v", e.ActorName, e.Action, e.From, e.To,
			e.Details["email"], e.Details["user_id"] != nil, e.Details["ip"]))
	}
	want := []string{
		"Command line user_created →security_lead lead@partner.com true <nil>",
		"Command line user_created →engineer eng@partner.com true <nil>",
		"lead@partner.com user_password_reset → eng@partner.com true 192.0.2.7",
		"lead@partner.com user_role_changed engineer→security_lead eng@partner.com true 192.0.2.7",
		"lead@partner.com user_disabled → lead@partner.com true 192.0.2.7",
		"lead@partner.com user_enabled → lead@partner.com true 192.0.2.7",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the record of user management:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Only a security lead, or the command line, manages users: the store
// refuses everyone else whatever the web layer let through, and changes
// and records nothing.
func TestUserManagementIsTheLeadsOrTheCommandLines(t *testing.T) {
	store, _ := pgtest.NewStore(t)
	ctx := t.Context()
	lead := mustCreateUser(t, store, "lead@partner.com", inventory.SecurityLead)
	eng := mustCreateUser(t, store, "eng@partner.com", inventory.Engineer)
	for _, actor := range []inventory.Actor{
		{ID: eng.ID, Name: eng.Name(), Role: inventory.Engineer},
		{ID: "u-m", Name: "Max", Role: inventory.Management},
		inventory.SyncActor, {},
	} {
		_, createErr := store.CreateUser(ctx, actor, "new@partner.com", "", inventory.SecurityLead, fakeHash)
		_, resetErr := store.SetPassword(ctx, actor, lead.ID, "stolen")
		for name, err := range map[string]error{
			"create":  createErr,
			"reset":   resetErr,
			"role":    store.SetUserRole(ctx, actor, eng.ID, inventory.SecurityLead),
			"disable": store.SetUserDisabled(ctx, actor, lead.ID, true),
		} {
			if inventory.ErrorCode(err) != inventory.EFORBIDDEN || !strings.Contains(inventory.ErrorMessage(err), "manage users") {
				t.Errorf("%q %s: %v, want EFORBIDDEN", actor.Name, name, err)
			}
		}
	}
	for _, before := range []pg.User{lead, eng} {
		if after, err := store.UserByID(ctx, before.ID); err != nil || after != before {
			t.Errorf("refused changes changed %+v into %+v (%v)", before, after, err)
		}
	}
	if users, err := store.Users(ctx); err != nil || len(users) != 2 {
		t.Errorf("a refused addition added a user: %+v %v", users, err)
	}
	if _, n, err := store.Audit(ctx, pg.AuditFilter{ActorID: eng.ID}); err != nil || n != 0 {
		t.Errorf("refusals recorded %d events (%v)", n, err)
	}
}

// Two leads demoting each other at once: one must stay a lead.
func TestUserLastLeadUnderRace(t *testing.T) {
	store, ctx := newStore(t)
	a := mustCreateUser(t, store, "a@partner.com", inventory.SecurityLead)
	b := mustCreateUser(t, store, "b@partner.com", inventory.SecurityLead)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, u := range []pg.User{a, b} {
		other := []pg.User{b, a}[i]
		by := inventory.Actor{ID: other.ID, Name: other.Name(), Role: other.Role}
		wg.Go(func() { errs[i] = store.SetUserRole(ctx, by, u.ID, inventory.Engineer) })
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
	store, ctx := newStore(t)
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
