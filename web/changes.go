package web

import (
	"context"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// changesShown bounds the page; the CLI gives every change.
const changesShown = 500

// recentChanges reads what GET /changes shows: one change more than it
// shows, to tell that the page is clipped.
func (s *Server) recentChanges(ctx context.Context, tenantID string) ([]pg.SyncChange, error) {
	return s.store.Changes(ctx, pg.ChangeFilter{TenantID: tenantID, Limit: changesShown + 1})
}

// changesPage is GET /changes (showInTenant): what each sync of the tenant
// found had changed since the one before, newest sync first. Every role
// reads it.
func changesPage(c echo.Context, t inventory.Tenant, cs []pg.SyncChange) (templ.Component, error) {
	return views.Changes(views.ChangesPage{Page: pageOf(c, "What changed", "changes"), Clipped: len(cs) > changesShown,
		Syncs: changeSyncs(cs[:min(len(cs), changesShown)])}), nil
}

// changeSyncs groups changes, which come newest sync first, by sync.
func changeSyncs(cs []pg.SyncChange) []views.ChangeSync {
	var out []views.ChangeSync
	for _, c := range cs {
		if len(out) == 0 || out[len(out)-1].RunID != c.RunID {
			out = append(out, views.ChangeSync{RunID: c.RunID, At: c.At})
		}
		s := &out[len(out)-1]
		if c.Regression {
			s.Lost++
		}
		if c.Direction == inventory.Better {
			s.Gained++
		}
		s.Changes = append(s.Changes, views.ChangeRow{AccountID: c.AccountID, UPN: c.UPN,
			From: string(c.From), To: string(c.To), FromLabel: changeVerdictLabel(c.From, "new account"),
			ToLabel: changeVerdictLabel(c.To, "removed"), Regression: c.Regression, Causes: c.Causes})
	}
	return out
}

// changeVerdictLabel is a verdict in words, or none for a new or removed
// account.
func changeVerdictLabel(c inventory.Compliance, none string) string {
	if c == "" {
		return none
	}
	return c.Label()
}
