package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
)

// The CSV is the account list under the list's own filters, every page of
// it, in the list's order.
func TestAccountsCSVHonoursTheListsFilters(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 1200)
	for _, query := range []string{
		"",
		"compliance=non_compliant&sort=-name",
		"category=service_account&sort=compliance",
		"marker=privileged",
		"q=son&path=mfa_enrolment",
	} {
		resp, body := f.fetch(t, inventory.Management, http.MethodGet, "/accounts.csv?"+query, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /accounts.csv?%s: %d\n%.300s", query, resp.StatusCode, body)
		}
		records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatalf("?%s: not CSV: %v", query, err)
		}
		if records[0][0] != "ID" || records[0][1] != "User principal name" {
			t.Fatalf("?%s: header %q", query, records[0])
		}
		var got []string
		for _, rec := range records[1:] {
			got = append(got, rec[0])
		}
		want := listedIDs(t, f.store, f.tenant, query)
		if len(want) == 0 && query != "q=son&path=mfa_enrolment" {
			t.Fatalf("?%s matches nothing: the comparison would prove nothing", query)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("?%s: the CSV has %d accounts, the list %d, or in another order", query, len(got), len(want))
		}
	}
	resp, body := f.fetch(t, inventory.Management, http.MethodGet, "/accounts.csv?compliance=sort-of", nil)
	if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Disposition") != "" ||
		!strings.Contains(string(body), "unknown compliance") {
		t.Errorf("an unknown filter: status %d, disposition %q; want 400 with a sentence, no file\n%.300s",
			resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
}

// listedIDs pages through the account list as /accounts shows it.
func listedIDs(t *testing.T, store *pg.Store, tenant, query string) []string {
	t.Helper()
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	f := pg.AccountFilter{TenantID: tenant, Query: q.Get("q"), Category: q.Get("category"), Path: q.Get("path"),
		Compliance: q.Get("compliance"), Marker: q.Get("marker"), Sort: q.Get("sort"), Limit: pg.MaxPageSize}
	var ids []string
	for {
		page, err := store.ListAccounts(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Rows {
			ids = append(ids, r.ID)
		}
		f.Offset += len(page.Rows)
		if len(page.Rows) == 0 || f.Offset >= page.Total {
			return ids
		}
	}
}

// flushCounter records how much of the body had been written at each
// flush.
type flushCounter struct {
	*httptest.ResponseRecorder
	linesAtFlush []int
}

func (w *flushCounter) Flush() {
	w.linesAtFlush = append(w.linesAtFlush, bytes.Count(w.Body.Bytes(), []byte("\n")))
	w.ResponseRecorder.Flush()
}

// The CSV goes out as it is read: flushed every thousand rows, the first
// rows long before the last.
func TestAccountsCSVStreams(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 2500)
	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/accounts.csv", nil)
	u, _ := url.Parse(f.srv.URL)
	for _, c := range f.clients[inventory.Management].Jar.Cookies(u) {
		req.AddCookie(c)
	}
	w := &flushCounter{ResponseRecorder: httptest.NewRecorder()}
	f.handler.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d\n%.300s", w.Code, w.Body.String())
	}
	lines := bytes.Count(w.Body.Bytes(), []byte("\n"))
	if lines != 2501 {
		t.Fatalf("%d lines, want a header and 2,500 accounts", lines)
	}
	if len(w.linesAtFlush) < 3 || w.linesAtFlush[0] > 1001 || w.linesAtFlush[len(w.linesAtFlush)-1] != lines {
		t.Errorf("flushed with %v lines written; want a flush every 1,000 rows and one at the end", w.linesAtFlush)
	}
}
