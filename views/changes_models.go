package views

import (
	"net/url"
	"strings"
	"time"
)

// ChangesPage is GET /changes: what each sync found had changed since the
// one before, newest sync first (issue 13 §4).
type ChangesPage struct {
	Page
	Syncs []ChangeSync
	// Clipped says the list stops at the page's limit.
	Clipped bool
}

// ChangeSync is one sync's changes.
type ChangeSync struct {
	RunID        int64
	At           time.Time
	Lost, Gained int
	Changes      []ChangeRow
}

// ChangeRow is one account's change.
type ChangeRow struct {
	AccountID  string
	UPN        string
	From, To   string // compliance values; "" for a new or removed account
	FromLabel  string // "compliant", or "new account"
	ToLabel    string // "non-compliant", or "removed"
	Regression bool
	Causes     []string
}

// AccountHref is the account's page in the tenant shown.
func (v ChangesPage) AccountHref(id string) string {
	return "/accounts/" + url.PathEscape(id) + "?tenant=" + url.QueryEscape(v.TenantID)
}

// SinceLastSync is the readiness page's line on the last sync's changes:
// "Since the last sync: 3 accounts lost coverage, 1 gained it"; "" when
// nothing moved.
func (v ReadinessPage) SinceLastSync() string {
	var parts []string
	if v.Lost > 0 {
		parts = append(parts, plural(v.Lost, "account")+" lost coverage")
	}
	if v.Gained > 0 {
		parts = append(parts, plural(v.Gained, "account")+" gained it")
	}
	if len(parts) == 0 {
		return ""
	}
	return "Since the last sync: " + strings.Join(parts, ", ")
}

// ChangesHref lists the changes of the tenant shown.
func (v ReadinessPage) ChangesHref() string { return "/changes" + v.tenantQuery() }
