package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views/report"
)

// The readiness exports: the PDF management forwards, the workbook with
// every account, and the account list as CSV. Every signed-in role may
// download them: the store checks it (inventory.CanExport) and records each
// export in the transaction that reads it.

// Content types of the exports.
const (
	contentPDF  = "application/pdf"
	contentXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	contentCSV  = "text/csv; charset=utf-8"
)

// readinessPDF serves GET /readiness/report.pdf. The PDF is a few pages,
// made whole before it is sent, so a failure is an error page rather than
// half a file.
func (s *Server) readinessPDF(c echo.Context) error {
	t, err := s.exportTenant(c)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	r, err := s.store.ExportReadiness(c.Request().Context(), actorOf(c), t.ID, now)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WritePDF(&buf, *r); err != nil {
		return err
	}
	setAttachment(c, contentPDF, exportName("readiness", now, "pdf"))
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(buf.Len()))
	return c.Blob(http.StatusOK, contentPDF, buf.Bytes())
}

// readinessXLSX serves GET /readiness/report.xlsx: the summary and every
// account, read at one moment and streamed into the workbook.
func (s *Server) readinessXLSX(c echo.Context) error {
	t, err := s.exportTenant(c)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	w := &attachmentWriter{c: c, contentType: contentXLSX, name: exportName("readiness", now, "xlsx")}
	err = s.store.ExportWorkbook(c.Request().Context(), actorOf(c), t.ID, now,
		func(r *inventory.Readiness, accounts func(yield func(inventory.AccountLine) error) error) error {
			return report.WriteXLSX(w, *r, accounts)
		})
	return w.finish(s, "readiness workbook", err)
}

// accountsCSV serves GET /accounts.csv: the account list under the same
// filters and order as /accounts (every page of it), streamed as it is read.
func (s *Server) accountsCSV(c echo.Context) error {
	t, err := s.exportTenant(c)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	f := pg.AccountFilter{
		TenantID: t.ID, Query: strings.TrimSpace(q.Get("q")),
		Category: q.Get("category"), Path: q.Get("path"), Compliance: q.Get("compliance"), Marker: q.Get("marker"),
		IncludeRemoved: q.Get("removed") == "1", Sort: q.Get("sort"),
	}
	w := &attachmentWriter{c: c, contentType: contentCSV, name: exportName("accounts", time.Now().UTC(), "csv"), flush: true}
	err = report.WriteCSV(w, func(yield func(inventory.AccountLine) error) error {
		return s.store.ExportAccountLines(c.Request().Context(), actorOf(c), f, yield)
	})
	return w.finish(s, "account list CSV", err)
}

// exportTenant finds the tenant to export.
func (s *Server) exportTenant(c echo.Context) (inventory.Tenant, error) {
	return tenantOf(c), nil
}

// exportName is a download's file name: mfaboard-<what>-<day>.<ext>.
func exportName(what string, now time.Time, ext string) string {
	return "mfaboard-" + what + "-" + now.Format(time.DateOnly) + "." + ext
}

func setAttachment(c echo.Context, contentType, name string) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, contentType)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
}

// attachmentWriter sends the headers of a download with its first byte:
// an export that fails before writing anything still gets an error page,
// not a broken file. With flush, every write is pushed to the client at
// once (the CSV writer writes every 1,000 rows), so a long list streams.
type attachmentWriter struct {
	c                 echo.Context
	contentType, name string
	flush, started    bool
}

func (w *attachmentWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.started = true
		setAttachment(w.c, w.contentType, w.name)
		w.c.Response().WriteHeader(http.StatusOK)
	}
	n, err := w.c.Response().Write(p)
	if err == nil && w.flush {
		if ferr := http.NewResponseController(w.c.Response().Writer).Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
			return n, ferr
		}
	}
	return n, err
}

// finish ends an export: an error before the first byte is answered as
// any error is; after it, the status line has gone out and all that can be
// done is to log it and end the file early.
func (w *attachmentWriter) finish(s *Server, what string, err error) error {
	if err == nil {
		if !w.started { // an empty file is still a file
			setAttachment(w.c, w.contentType, w.name)
			return w.c.NoContent(http.StatusOK)
		}
		return nil
	}
	if !w.started {
		return err
	}
	s.log.Error("export failed after it started", "export", what, "err", err)
	return nil
}
