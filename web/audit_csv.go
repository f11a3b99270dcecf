package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views/report"
)

// auditCSVFlushEvery is how many rows go out before the writer flushes:
// the export streams, so a long record neither sits in memory nor makes
// the browser wait for the whole of it.
const auditCSVFlushEvery = 500

// auditCSV serves GET /audit.csv: the filtered record as CSV, oldest
// first, streamed from the database.
func (s *Server) auditCSV(c echo.Context) error {
	if err := inventory.CanExport(actorOf(c)); err != nil {
		return err
	}
	aq, err := parseAuditQuery(c.QueryParams(), tenantOf(c).ID)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="mfaboard-audit-`+time.Now().UTC().Format("2006-01-02")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	w := report.NewCSVWriter(c.Response())
	err = w.Write("id", "at", "actor_id", "actor_name", "tenant_id", "account_id", "account_upn", "action", "from", "to", "reason")
	n := 0
	if err == nil {
		err = s.store.StreamAudit(c.Request().Context(), aq.Filter, func(e pg.AuditEvent) error {
			if err := w.Write(strconv.FormatInt(e.ID, 10), e.At.UTC().Format(time.RFC3339), e.ActorID, e.ActorName,
				e.TenantID, e.AccountID, e.AccountUPN, e.Action, e.From, e.To, e.Reason); err != nil {
				return err
			}
			if n++; n%auditCSVFlushEvery == 0 {
				if err := w.Flush(); err != nil {
					return err
				}
				c.Response().Flush()
			}
			return nil
		})
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		// The status line has gone out: all that can be done is to log it
		// and end the file early.
		s.log.Error("audit export failed", "rows", n, "err", err)
	}
	return nil
}
