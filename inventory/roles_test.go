package inventory

import (
	"strings"
	"testing"
)

func TestRoleParseAndLabels(t *testing.T) {
	t.Parallel()
	want := map[Role]string{SecurityLead: "Security lead", Engineer: "Engineer", Management: "Management"}
	if len(Roles) != len(want) {
		t.Fatalf("Roles has %d values, want %d", len(Roles), len(want))
	}
	for _, r := range Roles {
		got, err := ParseRole(string(r))
		if err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
		if r.Label() != want[r] {
			t.Errorf("%q.Label() = %q, want %q", r, r.Label(), want[r])
		}
	}
	for _, bad := range []string{"", "admin", "Engineer", "security lead"} {
		_, err := ParseRole(bad)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "security_lead, engineer or management") {
			t.Errorf("ParseRole(%q): %v, want EINVALID listing the roles", bad, err)
		}
	}
}

func TestRoleSystemActorsAreNotPeople(t *testing.T) {
	t.Parallel()
	for _, a := range []Actor{SyncActor, ExpiryActor, CLIActor, {ID: "x", Role: SecurityLead, System: true}} {
		if a.person() {
			t.Errorf("%+v counts as a person", a)
		}
		if CanAssign(a) == nil || (CanExport(a) == nil && a != CLIActor) || CanComment(a, Card{Status: Planned}) == nil {
			t.Errorf("system actor %q is allowed a person's action", a.ID)
		}
	}
	if !leadAlex.person() || (Actor{ID: "u", Role: "owner"}).person() || (Actor{Role: SecurityLead}).person() {
		t.Error("person() misjudges a signed-in user")
	}
}
