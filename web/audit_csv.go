package web

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views/report"
)

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
