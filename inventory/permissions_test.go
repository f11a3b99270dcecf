package inventory

import (
	"strings"
	"testing"
	"time"
)

type namedActor struct {
	name  string
	actor Actor
}

var permissionActors = []namedActor{
	{"lead", leadAlex},
	{"engineer", engDana},
	{"management", mgmtRobin},
	{"sync", SyncActor},
	{"no role", Actor{ID: "u-1", Name: "Kim"}},
	{"not signed in", Actor{}},
}

// TestPermissionActions checks every action that depends on the role alone,
// for every kind of actor: 'A' allowed, 'F' forbidden, in the order of
// permissionActors.
func TestPermissionActions(t *testing.T) {
	t.Parallel()
	checkRefusalMatrix(t, []refusalRow[func(Actor) error]{
		{"assign", CanAssign, "AFFFFF"},
		{"set due date", CanSetDueDate, "AFFFFF"},
		{"override", CanOverride, "AFFFFF"},
		{"manage users", CanManageUsers, "AFFFFF"},
		{"change settings", CanChangeSettings, "AFFFFF"},
		{"bulk edit", CanBulkEdit, "AFFFFF"},
		{"export", CanExport, "AAAFFF"},
		{"comment", func(a Actor) error { return CanComment(a, boardCard(Planned)) }, "AAFFFF"},
		{"comment on someone else's card", func(a Actor) error {
			c := boardCard(InProgress)
			c.Assignee, c.AssigneeName = engSam.ID, engSam.Name
			return CanComment(a, c)
		}, "AAFFFF"},
	}, permissionActors,
		func(action string, pa namedActor) string { return action + " by " + pa.name },
		func(can func(Actor) error, pa namedActor) error { return can(pa.actor) })
	checkSentences(t, []ruleCase[string]{{"CanAssign sentence", CanAssign(engDana), "Only a security lead can assign accounts; you are signed in as an engineer."}})
}

// The command line (CLIActor) manages users and exports the readiness
// report (mfaboard report, recorded) and does nothing else: it is no
// person with a role. A person whose id happens to be "cli" is judged by
// their role, not taken for the command line.
func TestPermissionCommandLine(t *testing.T) {
	checkRefusals(t, []ruleCase[byte]{
		{"command line manages users", CanManageUsers(CLIActor), 'A'},
		{"command line may not assign", CanAssign(CLIActor), 'F'},
		{"command line may not set due date", CanSetDueDate(CLIActor), 'F'},
		{"command line may not override", CanOverride(CLIActor), 'F'},
		{"command line may not change settings", CanChangeSettings(CLIActor), 'F'},
		{"command line may not work in a tenant", CanWorkInTenant(CLIActor, "t1"), 'F'},
		{"command line may not bulk edit", CanBulkEdit(CLIActor), 'F'},
		{"command line exports", CanExport(CLIActor), 'A'},
		{"the sync may not export", CanExport(SyncActor), 'F'},
		{"a user without a role with the id cli may not export", CanExport(Actor{ID: "cli", Name: "Cli"}), 'F'},
		{"command line may not comment", CanComment(CLIActor, boardCard(Planned)), 'F'},
		{"command line may not request exception", CanRequestException(CLIActor, boardCard(Planned)), 'F'},
		{"command line may not move", CanMove(CLIActor, boardCard(Triage), Planned), 'F'},
		{"an engineer with the id cli", CanManageUsers(Actor{ID: "cli", Name: "Cli", Role: Engineer}), 'F'},
		{"a lead with the id cli", CanManageUsers(Actor{ID: "cli", Name: "Cli", Role: SecurityLead}), 'A'},
	})
}

func TestPermissionRequestException(t *testing.T) {
	t.Parallel()
	// Columns in board order: triage, planned, in_progress, blocked,
	// remediated, verified, exception_requested, exception_granted.
	checkRefusalMatrix(t, []refusalRow[Actor]{
		{"lead", leadAlex, "AAAAAIII"},
		{"assigned engineer", engDana, "AAAAAIII"},
		{"other engineer", engSam, "FFFFFIII"},
		{"management", mgmtRobin, "FFFFFFFF"},
		{"sync", SyncActor, "FFFFFFFF"},
	}, Statuses,
		func(actor string, s Status) string { return actor + " requests on " + string(s) },
		func(a Actor, s Status) error { return CanRequestException(a, boardCard(s)) })
	checkRefusal(t, "unknown status", CanRequestException(leadAlex, Card{Status: "done"}), 'I')
	checkSentences(t, []ruleCase[string]{{"ownership sentence", CanRequestException(engSam, boardCard(Blocked)),
		"Engineers can request exceptions for only the accounts assigned to them; this one is assigned to Dana."}})
}

func TestPermissionDecideException(t *testing.T) {
	t.Parallel()
	otherLead := Actor{ID: "lead-2", Name: "Jo", Role: SecurityLead}
	requested := boardCard(ExceptionRequested) // requested by lead-2
	checkRefusals(t, []ruleCase[byte]{
		{"another lead decides", CanDecideException(leadAlex, requested), 'A'},
		{"requester decides own exception", CanDecideException(otherLead, requested), 'F'},
		{"assigned engineer", CanDecideException(engDana, requested), 'F'},
		{"management", CanDecideException(mgmtRobin, requested), 'F'},
		{"sync", CanDecideException(SyncActor, requested), 'F'},
		{"nothing requested", CanDecideException(leadAlex, boardCard(Planned)), 'I'},
		{"already granted", CanDecideException(leadAlex, boardCard(ExceptionGranted)), 'I'},
		{"requester not recorded", CanDecideException(leadAlex, Card{Status: ExceptionRequested}), 'F'},
	})
	if got := ErrorMessage(CanDecideException(otherLead, requested)); !strings.Contains(got, "another security lead must decide it") {
		t.Errorf("own-request sentence: %q", got)
	}
}

func TestCommentValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // the trimmed comment, or a fragment of the refusal
		ok   bool
	}{
		{"plain", "Waiting for the vendor.", "Waiting for the vendor.", true},
		{"trimmed", "  \n Keys ordered \t", "Keys ordered", true},
		{"at the limit", strings.Repeat("é", MaxCommentLength), strings.Repeat("é", MaxCommentLength), true},
		{"empty", "", "cannot be empty", false},
		{"blank", " \n\t ", "cannot be empty", false},
		{"too long", strings.Repeat("a", MaxCommentLength+1), "at most 4000 characters; this one has 4001", false},
		{"NUL byte", "a\x00b", "not text", false},
		{"invalid UTF-8", "a\xffb", "not text", false},
	}
	for _, tt := range tests {
		got, err := ValidateComment(tt.in)
		switch {
		case tt.ok && (err != nil || got != tt.want):
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		case !tt.ok && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.want) || got != ""):
			t.Errorf("%s: got %q, %v; want EINVALID containing %q", tt.name, got, err, tt.want)
		}
	}
}

func TestExceptionRequestValidate(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	good := ExceptionRequest{
		Justification:        "Teams Rooms console cannot complete an MFA prompt.",
		CompensatingControls: "CA policy: compliant device and the office's named location only.",
		Expiry:               now.AddDate(0, 6, 0),
	}
	with := func(change func(*ExceptionRequest)) ExceptionRequest { r := good; change(&r); return r }
	tests := []struct {
		name  string
		req   ExceptionRequest
		wants []string // fragments of the refusal; none = valid
	}{
		{"valid", good, nil},
		{"expiry exactly one year ahead", with(func(r *ExceptionRequest) { r.Expiry = now.AddDate(1, 0, 0) }), nil},
		{"padded justification", with(func(r *ExceptionRequest) { r.Justification = "   " + good.Justification + "\n" }), nil},
		{"empty justification", with(func(r *ExceptionRequest) { r.Justification = "" }), []string{"justification is required"}},
		{"blank justification", with(func(r *ExceptionRequest) { r.Justification = " \t\n" }), []string{"justification is required"}},
		{"short justification", with(func(r *ExceptionRequest) { r.Justification = "room device" }), []string{"too short (11 characters)", "at least 20"}},
		{"justification too long", with(func(r *ExceptionRequest) { r.Justification = strings.Repeat("x", MaxCommentLength+1) }), []string{"at most 4000 characters"}},
		{"no compensating controls", with(func(r *ExceptionRequest) { r.CompensatingControls = "  " }), []string{"Compensating controls are required"}},
		{"no expiry", with(func(r *ExceptionRequest) { r.Expiry = time.Time{} }), []string{"expiry date is required"}},
		{"expiry in the past", with(func(r *ExceptionRequest) { r.Expiry = now.AddDate(0, 0, -3) }), []string{"must be in the future; 17 Nov 2026 has already passed"}},
		{"expiry now", with(func(r *ExceptionRequest) { r.Expiry = now }), []string{"must be in the future"}},
		{"expiry too far", with(func(r *ExceptionRequest) { r.Expiry = now.AddDate(1, 0, 1) }), []string{"at most one year", "on or before 20 Nov 2027"}},
		{"everything wrong at once", ExceptionRequest{Expiry: now.AddDate(-1, 0, 0)},
			[]string{"justification is required", "Compensating controls are required", "must be in the future"}},
	}
	for _, tt := range tests {
		err := tt.req.Validate(now)
		if len(tt.wants) == 0 {
			if err != nil {
				t.Errorf("%s: refused: %v", tt.name, err)
			}
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("%s: got %v, want EINVALID", tt.name, err)
			continue
		}
		for _, w := range tt.wants {
			if !strings.Contains(ErrorMessage(err), w) {
				t.Errorf("%s: %q does not say %q", tt.name, ErrorMessage(err), w)
			}
		}
	}
	if got := with(func(r *ExceptionRequest) { r.Justification = "  why  " }).Trimmed().Justification; got != "why" {
		t.Errorf("Trimmed justification: %q", got)
	}
}
