package web

import (
	"sort"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// The audit trail in words: what each action is called, and the sentence a
// timeline shows for an event. Actions other parts of the dashboard record
// (sign-ins, settings, users) keep their own names when this table does not
// know them, so nothing recorded is ever hidden.

var actionLabels = map[string]string{
	inventory.ActionCardCreated:        "Card created",
	inventory.ActionMove:               "Moved",
	inventory.ActionAssign:             "Assigned",
	inventory.ActionDueDate:            "Due date",
	inventory.ActionComment:            "Comment",
	inventory.ActionOverride:           "Override",
	inventory.ActionExceptionRequested: "Exception requested",
	inventory.ActionExceptionGranted:   "Exception granted",
	inventory.ActionExceptionRejected:  "Exception rejected",
	inventory.ActionExceptionWithdrawn: "Exception withdrawn",
	inventory.ActionExceptionRevoked:   "Exception revoked",
	inventory.ActionExceptionExpired:   "Exception expired",
	inventory.ActionSyncRequested:      "Sync started",
	// Recorded by the sign-in, user and settings pages (web/auth_audit.go).
	actionSignIn:          "Signed in",
	actionSignInFailed:    "Sign-in refused",
	actionSignOut:         "Signed out",
	actionUserCreated:     "User added",
	actionUserRole:        "User's role changed",
	actionUserDisabled:    "User disabled",
	actionUserEnabled:     "User enabled",
	actionPasswordChanged: "Password reset",
	"settings":            "Settings changed",
	// Recorded by a lead's question to Microsoft (web/whatif.go, mfaboard whatif).
	inventory.ActionWhatIf: "Asked Microsoft (What-If)",
}

// actionLabel names an action; an unknown one is shown as recorded.
func actionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

// actionOptions are the audit page's action filter: the actions this
// table knows, by label.
func actionOptions(selected string) []views.Option {
	out := make([]views.Option, 0, len(actionLabels))
	for a, l := range actionLabels {
		out = append(out, views.Option{Value: a, Label: l, Selected: a == selected})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// valueWords is an event's from or to value in words: a status by its
// label, anything else as recorded.
func valueWords(v string) string {
	if _, err := inventory.ParseStatus(v); err == nil {
		return inventory.Status(v).Label()
	}
	return v
}

// statusWords is a status value in words, or the value itself.
func statusWords(v string) string {
	if v == "" {
		return "nothing"
	}
	return valueWords(v)
}

// dayWords is a stored 2006-01-02 date in words.
func dayWords(v string) string {
	if v == "" {
		return "none"
	}
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return views.Date(d)
	}
	return v
}

// eventSummary is the sentence a timeline shows for an event, without the
// actor (shown above it) and the reason (shown after it).
func eventSummary(e pg.AuditEvent) string {
	switch e.Action {
	case inventory.ActionCardCreated:
		return "put the card in " + statusWords(e.To)
	case inventory.ActionMove:
		return "moved the card from " + statusWords(e.From) + " to " + statusWords(e.To)
	case inventory.ActionAssign:
		switch {
		case e.To == "":
			return "unassigned the card (was " + orNobody(e.From) + ")"
		case e.From == "":
			return "assigned the card to " + e.To
		}
		return "assigned the card to " + e.To + " (was " + e.From + ")"
	case inventory.ActionDueDate:
		return "set the due date to " + dayWords(e.To) + " (was " + dayWords(e.From) + ")"
	case inventory.ActionOverride:
		if e.From == "" {
			return "overrode the category and path: now " + categoryAndPathWords(e.To)
		}
		return "overrode the category and path: " + categoryAndPathWords(e.From) + " → " + categoryAndPathWords(e.To)
	case inventory.ActionExceptionRequested:
		return "requested a technical exception"
	case inventory.ActionExceptionGranted:
		return "granted the technical exception"
	case inventory.ActionExceptionRejected:
		return "rejected the technical exception request"
	case inventory.ActionExceptionWithdrawn:
		return "withdrew the technical exception request"
	case inventory.ActionExceptionRevoked:
		return "revoked the technical exception"
	case inventory.ActionExceptionExpired:
		return "the technical exception expired and the account reopened"
	}
	s := actionLabel(e.Action)
	if e.From != "" || e.To != "" {
		s += ": " + orNobody(e.From) + " → " + orNobody(e.To)
	}
	return s
}

func orNobody(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}

// categoryAndPathWords reads an override event's "category / path" in
// words: "Service account, App password".
func categoryAndPathWords(v string) string {
	category, path, ok := strings.Cut(v, " / ")
	if !ok {
		return orNobody(v)
	}
	return inventory.Category(category).Label() + ", " + inventory.Path(path).Label()
}

// actorName is who acted, by the name recorded with the event.
func actorName(e pg.AuditEvent) string {
	if e.ActorName != "" {
		return e.ActorName
	}
	return e.ActorID
}

// timelineEntry is an event on an account's timeline.
func timelineEntry(e pg.AuditEvent) views.TimelineEntry {
	t := views.TimelineEntry{At: e.At, Actor: actorName(e), Action: e.Action}
	if e.Action == inventory.ActionComment {
		t.IsComment, t.Comment = true, e.Reason
		return t
	}
	t.Summary, t.Reason = eventSummary(e), e.Reason
	return t
}
