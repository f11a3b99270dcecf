package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/views/report"
)

// auditList serves GET /audit: the record, newest first, filtered and paged.
func (s *Server) auditList(c echo.Context) error {
	ctx, t := c.Request().Context(), tenantOf(c)
	aq, err := parseAuditQuery(c.QueryParams(), t.ID)
	if err != nil {
		return err
	}
	f := aq.Filter
	f.Limit, f.Offset = auditPageSize, (aq.Page-1)*auditPageSize
	events, total, err := s.store.Audit(ctx, f)
	if err != nil {
		return err
	}
	actors, err := s.actorOptions(c, f.ActorID)
	if err != nil {
		return err
	}
	v := views.AuditSearch{Search: f.Search, AuditPage: views.AuditPage{
		Page: pageOf(c, "Audit trail", "audit"), Account: f.AccountID, Actor: f.ActorID, Action: f.Action,
		From: aq.From, To: aq.To, Actors: actors, Actions: actionOptions(f.Action),
		Total: total, Offset: f.Offset, CSVURL: "/audit.csv",
	}}
	if len(aq.Values) > 0 {
		v.CSVURL += "?" + aq.Values.Encode()
	}
	for _, e := range events {
		v.Events = append(v.Events, views.AuditLine{
			At: e.At, Actor: actorName(e), ActorID: e.ActorID, AccountID: e.AccountID, AccountUPN: e.AccountUPN,
			Action: e.Action, ActionLabel: actionLabel(e.Action), From: valueWords(e.From), To: valueWords(e.To), Reason: e.Reason,
		})
	}
	if aq.Page > 1 {
		v.PrevURL = pagedURL("/audit", aq.Values, aq.Page-1)
	}
	if f.Offset+len(events) < total {
		v.NextURL = pagedURL("/audit", aq.Values, aq.Page+1)
	}
	return render(c, http.StatusOK, views.Audit(v))
}

// actorOptions are the people who may appear in the record, and the system.
func (s *Server) actorOptions(c echo.Context, selected string) ([]views.Option, error) {
	users, err := s.store.Users(c.Request().Context())
	if err != nil {
		return nil, err
	}
	out := []views.Option{
		{Value: inventory.SyncActor.ID, Label: inventory.SyncActor.Name, Selected: selected == inventory.SyncActor.ID},
		{Value: inventory.ExpiryActor.ID, Label: inventory.ExpiryActor.Name, Selected: selected == inventory.ExpiryActor.ID},
	}
	for _, u := range users {
		out = append(out, views.Option{Value: u.ID, Label: u.Name(), Selected: u.ID == selected})
	}
	return out, nil
}

// The audit trail's filter lives in its URL, which the page and the CSV
// export read alike.

// auditPageSize is how many events the audit page shows at once.
const auditPageSize = 100

// auditQuery is the audit page's filter as read from its URL.
type auditQuery struct {
	Filter   pg.AuditFilter
	From, To string // as typed, yyyy-mm-dd
	Page     int
	Values   url.Values // the filter alone, for links
}

// maxAuditSearch is the longest search the audit page takes: a UPN is at
// most 113 characters.
const maxAuditSearch = 200

// parseAuditQuery reads the filters: account (its id, as the account
// page links it), q (a UPN, a name or an id: the search box), actor,
// action and a date range whose end day is included.
func parseAuditQuery(q url.Values, tenantID string) (auditQuery, error) {
	aq := auditQuery{Page: 1, Values: url.Values{}}
	f := pg.AuditFilter{
		TenantID: tenantID, AccountID: strings.TrimSpace(q.Get("account")),
		ActorID: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Search: strings.TrimSpace(q.Get("q")),
	}
	if n := len([]rune(f.Search)); n > maxAuditSearch {
		return aq, inventory.Errorf(inventory.EINVALID, "A search can be at most %d characters; this one has %d.", maxAuditSearch, n)
	}
	var err error
	aq.From, aq.To = strings.TrimSpace(q.Get("from")), strings.TrimSpace(q.Get("to"))
	if f.From, err = parseDay(aq.From, "start date"); err != nil {
		return aq, err
	}
	var to time.Time
	if to, err = parseDay(aq.To, "end date"); err != nil {
		return aq, err
	}
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the end day is included
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return aq, inventory.Errorf(inventory.EINVALID, "The start date %s is after the end date %s.", aq.From, aq.To)
	}
	if aq.Page, err = pageNumber(q.Get("page")); err != nil {
		return aq, err
	}
	for _, k := range []string{"tenant", "account", "q", "actor", "action", "from", "to"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			aq.Values.Set(k, v)
		}
	}
	aq.Filter = f
	return aq, nil
}

// auditCSVFlushEvery is how many rows go out before the writer flushes:
// the export streams, so a long record neither sits in memory nor makes
// the browser wait for the whole of it.
const auditCSVFlushEvery = 500

// auditCSV serves GET /audit.csv: the filtered record as CSV, oldest
// first, streamed from the database. The store checks who may export and
// records the export, before the first row.
func (s *Server) auditCSV(c echo.Context) error {
	t := tenantOf(c)
	aq, err := parseAuditQuery(c.QueryParams(), t.ID)
	if err != nil {
		return err
	}
	out := &attachmentWriter{c: c, contentType: contentCSV, name: exportName("audit", time.Now().UTC(), "csv"), flush: true}
	w := report.NewCSVWriter(out)
	err = w.Write("id", "at", "actor_id", "actor_name", "tenant_id", "account_id", "account_upn", "action", "from", "to", "reason")
	n := 0
	if err == nil {
		err = s.store.ExportAudit(c.Request().Context(), actorOf(c), aq.Filter, func(e pg.AuditEvent) error {
			if err := w.Write(strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), e.ActorID, e.ActorName,
				e.TenantID, e.AccountID, e.AccountUPN, e.Action, e.From, e.To, e.Reason); err != nil {
				return err
			}
			if n++; n%auditCSVFlushEvery == 0 {
				return w.Flush()
			}
			return nil
		})
	}
	if err == nil {
		err = w.Flush()
	}
	return out.finish(s, "audit trail CSV", err)
}

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
	// Recorded by the sign-in, user and settings pages (web/auth_login.go).
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
