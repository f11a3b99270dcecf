package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
	"github.com/mfaboard/mfaboard/views/readiness"
	"github.com/mfaboard/mfaboard/views/report"
)

// readinessNow reads the readiness GET /readiness shows, as of now.
func (s *Server) readinessNow(ctx context.Context, tenantID string) (*inventory.Readiness, error) {
	return s.store.Readiness(ctx, tenantID, time.Now().UTC())
}

// readinessPage is GET /readiness (showInTenant): the verdict, when the
// tenant will be ready, and the work behind it.
func (s *Server) readinessPage(c echo.Context, t inventory.Tenant, r *inventory.Readiness) (templ.Component, error) {
	v := views.ReadinessPage{
		Page: viewerPage(c, page(t, "Readiness", "readiness")), Report: readiness.New(*r),
		CanSetDeadline: inventory.CanChangeSettings(actorOf(c)) == nil, DeadlineSaved: c.QueryParam("saved") != "",
	}
	var err error
	if v.Lost, v.Gained, err = s.store.LastSyncChanges(c.Request().Context(), t.ID); err != nil { // changes.go
		return nil, err
	}
	if v.WhatIf, err = s.whatIfCount(c, t.ID); err != nil { // whatif.go
		return nil, err
	}
	return views.Readiness(v), nil
}

// readinessDeadline serves POST /readiness/deadline: a security lead sets
// or clears the tenant's enforcement deadline (a date, 2006-01-02, as the
// date input sends it), in the tenant the page showed (postedTenant).
func (s *Server) readinessDeadline(c echo.Context) error {
	t := tenantOf(c)
	var day time.Time
	if c.FormValue("clear") == "" {
		var err error
		if day, err = formDate(c, "deadline", "deadline"); err != nil {
			return err
		}
		if day.IsZero() {
			return inventory.Errorf(inventory.EINVALID, "Choose a deadline date, or clear the deadline.")
		}
	}
	if err := s.store.SetDeadline(c.Request().Context(), actorOf(c), t.ID, day); err != nil {
		return err
	}
	return backInTenant(c, "/readiness", "saved", "1")
}

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
	t := tenantOf(c)
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
	t := tenantOf(c)
	now := time.Now().UTC()
	w := &attachmentWriter{c: c, contentType: contentXLSX, name: exportName("readiness", now, "xlsx")}
	err := s.store.ExportWorkbook(c.Request().Context(), actorOf(c), t.ID, now,
		func(r *inventory.Readiness, accounts func(yield func(inventory.AccountLine) error) error) error {
			return report.WriteXLSX(w, *r, accounts)
		})
	return w.finish(s, "readiness workbook", err)
}

// accountsCSV serves GET /accounts.csv: the account list under the same
// filters and order as /accounts (every page of it), streamed as it is read.
func (s *Server) accountsCSV(c echo.Context) error {
	f := accountFilterOf(c.QueryParams(), tenantOf(c).ID)
	w := &attachmentWriter{c: c, contentType: contentCSV, name: exportName("accounts", time.Now().UTC(), "csv"), flush: true}
	err := report.WriteCSV(w, func(yield func(inventory.AccountLine) error) error {
		return s.store.ExportAccountLines(c.Request().Context(), actorOf(c), f, yield)
	})
	return w.finish(s, "account list CSV", err)
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
