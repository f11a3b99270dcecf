package web_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
	"github.com/mfaboard/mfaboard/views/report/reporttest"
	"github.com/mfaboard/mfaboard/web"
	"github.com/mfaboard/mfaboard/web/webtest"
)

// readinessFixture is a demo tenant with real verdicts, a trend of a few
// weeks, a deadline, and a signed-in person of each role.
type readinessFixture struct {
	srv      *httptest.Server
	handler  *web.Server
	store    *pg.Store
	tenant   string
	deadline time.Time
	lead     pg.User
	clients  map[inventory.Role]*http.Client
}

func newReadinessFixture(t *testing.T, accounts int) *readinessFixture {
	t.Helper()
	store, _ := pgtest.NewStore(t)
	snap := pgtest.SeedDemo(t, store, accounts)
	srv, h := webtest.Serve(t, store)
	f := &readinessFixture{srv: srv, handler: h, store: store, tenant: snap.Tenant.ID, clients: map[inventory.Role]*http.Client{}}
	for _, role := range []inventory.Role{inventory.SecurityLead, inventory.Engineer, inventory.Management} {
		c, u := webtest.LoginUser(t, srv, store, role)
		f.clients[role] = c
		if role == inventory.SecurityLead {
			f.lead = u
		}
	}
	ctx := t.Context()
	now := time.Now().UTC()
	sum, err := store.Summary(ctx, f.tenant)
	if err != nil {
		t.Fatal(err)
	}
	// Four weeks of burn-down before today: ten more open accounts a week.
	for w := 4; w >= 1; w-- {
		v := inventory.TenantVerdict{Counts: map[inventory.Compliance]int{
			inventory.NonCompliant: sum.Counts[inventory.NonCompliant] + 6*w, inventory.AtRisk: sum.Counts[inventory.AtRisk] + 4*w,
			inventory.Compliant: max(0, sum.Counts[inventory.Compliant]-10*w)}}
		if err := store.RecordTrend(ctx, f.tenant, now.AddDate(0, 0, -7*w), v); err != nil {
			t.Fatal(err)
		}
	}
	f.deadline = time.Date(now.Year()+1, time.March, 31, 0, 0, 0, 0, time.UTC)
	lead := inventory.Actor{ID: f.lead.ID, Name: f.lead.Name(), Role: f.lead.Role}
	if err := store.SetDeadline(ctx, lead, f.tenant, f.deadline); err != nil {
		t.Fatal(err)
	}
	return f
}

// fetch sends a request as a browser would (send, with a browser's Accept)
// as role ("": signed out) and reads the whole answer.
func (f *readinessFixture) fetch(t *testing.T, role inventory.Role, method, path string, form url.Values) (*http.Response, []byte) {
	t.Helper()
	c := webtest.NewClient(t)
	if role != "" {
		c = f.clients[role]
	}
	resp, body := send(t, c, method, f.srv.URL+path, form, browser)
	return resp, []byte(body)
}

// assessStored runs the rules on the stored tenant now: what the figures
// must equal.
func (f *readinessFixture) assessStored(t *testing.T) inventory.Result {
	t.Helper()
	ctx := t.Context()
	snap, err := f.store.LoadSnapshot(ctx, f.tenant)
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := f.store.AssessInputs(ctx, f.tenant, "", time.Now().UTC())
	if err != nil {
		t.Fatal(err)
	}
	return inventory.Assess(snap, in)
}

// page reads a page as role, which must answer 200, parsed and as sent.
func (f *readinessFixture) page(t *testing.T, role inventory.Role, path string) (*goquery.Document, string) {
	t.Helper()
	resp, body := f.fetch(t, role, http.MethodGet, path, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s as %s: %d\n%s", path, role, resp.StatusCode, body)
	}
	return htmlDoc(t, string(body)), string(body)
}

// sheet reads a sheet of the workbook management downloads.
func (f *readinessFixture) sheet(t *testing.T, name string) [][]string {
	t.Helper()
	_, book := f.fetch(t, inventory.Management, http.MethodGet, "/readiness/report.xlsx", nil)
	x, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer x.Close()
	rows, err := x.GetRows(name)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestReadinessPageAnswersWhetherAndWhen(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 300)
	res := f.assessStored(t)
	doc, html := f.page(t, inventory.Management, "/readiness")
	text := func(sel string) string { return strings.Join(strings.Fields(doc.Find(sel).Text()), " ") }

	r := inventory.Readiness{Tenant: res.Tenant}
	if got, want := text(`[data-testid="readiness-verdict"]`), r.Headline(); got != want || !strings.HasPrefix(got, "Not ready:") {
		t.Errorf("verdict line %q, want %q", got, want)
	}
	if got := text(`[data-testid="readiness-deadline"]`); got != f.deadline.Format("2 Jan 2006") {
		t.Errorf("deadline %q, want %s", got, f.deadline.Format("2 Jan 2006"))
	}
	if got := text(`[data-testid="readiness-projection"]`); !strings.Contains(got, "the tenant is ready around") {
		t.Errorf("the page does not say when the tenant will be ready: %q", got)
	}
	// The shares of applicable accounts, and the counts behind them.
	shares := inventory.Shares(res.Tenant.Counts)
	tiles := text(`[data-testid="readiness-shares"]`)
	for _, c := range []inventory.Compliance{inventory.NonCompliant, inventory.AtRisk, inventory.Excepted, inventory.Compliant} {
		want := fmt.Sprintf("%.1f%% %s · %d accounts", shares[c], c.Label(), res.Tenant.Counts[c])
		if !strings.Contains(tiles, want) {
			t.Errorf("the shares lack %q: %q", want, tiles)
		}
	}
	// Privileged accounts first: the section comes before the chart and
	// the figures, and lists the open ones.
	priv, chart, figures := strings.Index(html, `data-testid="readiness-privileged"`), strings.Index(html, `data-testid="trend-chart"`),
		strings.Index(html, `data-testid="figures"`)
	if priv < 0 || chart < 0 || figures < 0 || !(priv < chart && chart < figures) {
		t.Errorf("sections at %d (privileged), %d (chart), %d (figures): want privileged first", priv, chart, figures)
	}
	if inventory.OpenCount(res.Tenant.PrivilegedCounts) > 0 && doc.Find(`[data-testid="readiness-privileged"] tbody tr`).Length() == 0 {
		t.Error("privileged accounts are open but none is listed")
	}
	var cells []string
	doc.Find(`[data-testid="figures"] tr:contains("All accounts")`).First().Children().Each(func(_ int, s *goquery.Selection) {
		cells = append(cells, strings.Join(strings.Fields(s.Text()), " "))
	})
	allRow := strings.Join(cells, " ")
	if want := fmt.Sprintf("All accounts %d %d (%.1f%%)", inventory.ApplicableCount(res.Tenant.Counts),
		res.Tenant.Counts[inventory.NonCompliant], shares[inventory.NonCompliant]); !strings.HasPrefix(allRow, want) {
		t.Errorf("figures row %q, want it to start %q", allRow, want)
	}
	// The chart: SVG, the open accounts drawn, the deadline and the
	// projection marked in words.
	svg := doc.Find(`svg[data-testid="trend-chart"]`)
	if svg.Length() != 1 {
		t.Fatal("no trend chart")
	}
	if pts := strings.Fields(svg.Find(`[data-testid="chart-open"]`).AttrOr("points", "")); len(pts) != 5 {
		t.Errorf("the open line has %d points, want 5 (four weeks and today)", len(pts))
	}
	deadline := svg.Find(`[data-testid="chart-deadline"]`)
	if deadline.Find("line").Length() != 1 || !strings.Contains(deadline.Text(), "Deadline "+f.deadline.Format("2 Jan 2006")) {
		t.Errorf("the chart has no labelled deadline line: %q", deadline.Text())
	}
	if svg.Find(`[data-testid="chart-projected"]`).Length() != 1 || svg.Find(`[data-testid="chart-projection"]`).Length() != 1 {
		t.Error("the chart does not draw the projection")
	}
	if doc.Find(`script`).FilterFunction(func(_ int, s *goquery.Selection) bool { return s.AttrOr("src", "") == "" }).Length() != 0 {
		t.Error("the page has inline script; the chart must need none")
	}
	// Management changes nothing: no deadline form.
	if doc.Find(`[data-testid="deadline-form"]`).Length() != 0 {
		t.Error("management is offered the deadline form")
	}
	if _, html := f.page(t, inventory.SecurityLead, "/readiness"); !strings.Contains(html, `data-testid="deadline-form"`) {
		t.Error("a security lead is not offered the deadline form")
	}
}

func TestOnlyLeadsSetTheDeadline(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 60)
	path := "/readiness/deadline"
	for _, role := range []inventory.Role{inventory.Management, inventory.Engineer} {
		resp, body := f.fetch(t, role, http.MethodPost, path, url.Values{"tenant": {f.tenant}, "deadline": {"2027-06-30"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "Only a security lead") {
			t.Errorf("%s: status %d, want 403 with a sentence\n%.300s", role, resp.StatusCode, body)
		}
	}
	resp, _ := f.fetch(t, inventory.SecurityLead, http.MethodPost, path, url.Values{"tenant": {f.tenant}, "deadline": {"30/06/2027"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a date that is not one: status %d, want 400", resp.StatusCode)
	}
	got, err := f.store.Deadline(t.Context(), f.tenant)
	if err != nil || !got.Equal(f.deadline) {
		t.Fatalf("after refusals the deadline is %v (%v), want it unchanged at %v", got, err, f.deadline)
	}
	resp, _ = f.fetch(t, inventory.SecurityLead, http.MethodPost, path, url.Values{"tenant": {f.tenant}, "deadline": {"2027-06-30"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/readiness?") {
		t.Fatalf("a lead's deadline: status %d to %q, want 303 back to /readiness", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got, _ := f.store.Deadline(t.Context(), f.tenant); !got.Equal(time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("deadline = %v, want 30 Jun 2027", got)
	}
	resp, _ = f.fetch(t, inventory.SecurityLead, http.MethodPost, path, url.Values{"tenant": {f.tenant}, "clear": {"1"}})
	if got, _ := f.store.Deadline(t.Context(), f.tenant); resp.StatusCode != http.StatusSeeOther || !got.IsZero() {
		t.Errorf("clearing: status %d, deadline %v; want 303 and none", resp.StatusCode, got)
	}
}

// Management can export everything; nobody signed in can export nothing.
func TestEveryRoleExportsAndAnonymousCannot(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 60)
	exports := map[string]string{
		"/readiness/report.pdf":  "application/pdf",
		"/readiness/report.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"/accounts.csv":          "text/csv; charset=utf-8",
	}
	for path, contentType := range exports {
		for _, role := range []inventory.Role{inventory.Management, inventory.Engineer, inventory.SecurityLead} {
			resp, body := f.fetch(t, role, http.MethodGet, path, nil)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != contentType ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment;") || len(body) == 0 {
				t.Errorf("%s as %s: status %d, %q, %q, %d bytes; want 200, %s, an attachment", path, role, resp.StatusCode,
					resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), len(body), contentType)
			}
		}
		resp, _ := f.fetch(t, "", http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("%s without a session: status %d, want 303 to /login", path, resp.StatusCode)
		}
	}
}

// The PDF and the workbook say what the assessment of the stored tenant
// says, read back from the files themselves.
func TestReportFilesEqualTheAssessment(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 300)
	res := f.assessStored(t)
	counts := res.Tenant.Counts
	shares := inventory.Shares(counts)
	r := inventory.Readiness{Tenant: res.Tenant}

	_, doc := f.fetch(t, inventory.Management, http.MethodGet, "/readiness/report.pdf", nil)
	text, _ := reporttest.PDFText(t, doc)
	for _, want := range []string{
		r.Headline(),
		fmt.Sprintf("All accounts %d %d (%.1f%%) %d (%.1f%%) %d (%.1f%%) %d (%.1f%%) %d", inventory.ApplicableCount(counts),
			counts[inventory.NonCompliant], shares[inventory.NonCompliant], counts[inventory.AtRisk], shares[inventory.AtRisk],
			counts[inventory.Excepted], shares[inventory.Excepted], counts[inventory.Compliant], shares[inventory.Compliant],
			counts[inventory.NotApplicable]),
		fmt.Sprintf("Privileged accounts %d %d", inventory.ApplicableCount(res.Tenant.PrivilegedCounts),
			res.Tenant.PrivilegedCounts[inventory.NonCompliant]),
		"enforcement deadline " + f.deadline.Format("2 Jan 2006"),
	} {
		if !strings.Contains(text, reporttest.Squeeze(want)) {
			t.Errorf("the PDF lacks %q", want)
		}
	}

	summary := f.sheet(t, "Summary")
	if summary[0][0] != r.Headline() {
		t.Errorf("A1 = %q, want the headline %q", summary[0][0], r.Headline())
	}
	var all []string
	for _, row := range summary {
		if len(row) > 0 && row[0] == "All accounts" {
			all = row
			break
		}
	}
	want := []string{"All accounts", fmt.Sprint(inventory.ApplicableCount(counts))}
	for _, c := range []inventory.Compliance{inventory.NonCompliant, inventory.AtRisk, inventory.Excepted, inventory.Compliant} {
		want = append(want, fmt.Sprint(counts[c]), fmt.Sprintf("%.1f%%", shares[c]))
	}
	want = append(want, fmt.Sprint(counts[inventory.NotApplicable]))
	if strings.Join(all, "|") != strings.Join(want, "|") {
		t.Errorf("summary row\n got  %q\n want %q", all, want)
	}
	rows := f.sheet(t, "Accounts")
	if len(rows)-1 != len(res.Accounts) {
		t.Fatalf("the Accounts sheet has %d rows, the assessment %d accounts", len(rows)-1, len(res.Accounts))
	}
	byUPN := map[string]inventory.Assessment{}
	for _, a := range res.Accounts {
		byUPN[a.UserPrincipalName] = a
	}
	for _, row := range rows[1:] {
		a, ok := byUPN[row[1]]
		if !ok || row[0] != a.UserID || row[3] != a.Category.Label() || row[5] != a.Path.Label() || row[6] != a.Compliance.Label() {
			t.Fatalf("account row %q does not match the assessment %+v", row, a)
		}
	}
}

// Wherever a reason shows (the account list, the readiness page, the PDF,
// the XLSX and the CSV) an at-risk account that has not registered leads
// with "not registered for MFA", not with the policies that enforce MFA
// (issue 11). Each takes the first stored reason, so the order the rules
// give is the order every output shows.
func TestEveryOutputLeadsWithTheCause(t *testing.T) {
	t.Parallel()
	f := newReadinessFixture(t, 300)
	res := f.assessStored(t)
	const cause = "not registered for MFA"
	var unregistered, privileged *inventory.Assessment
	for i, a := range res.Accounts {
		if unregistered == nil && a.Compliance == inventory.AtRisk && a.Reasons[0] == cause {
			unregistered = &res.Accounts[i]
		}
		// The readiness page and the PDF list privileged accounts only.
		if privileged == nil && a.Compliance == inventory.AtRisk && slices.Contains(a.Markers, inventory.Privileged) {
			privileged = &res.Accounts[i]
		}
	}
	if unregistered == nil || privileged == nil {
		t.Fatalf("the demo has no at-risk account that leads with %q, or no privileged one: the test proves nothing", cause)
	}
	privCause := strings.ReplaceAll(privileged.Reasons[0], "*", "")
	if strings.HasPrefix(privCause, "MFA is enforced") {
		t.Fatalf("the privileged %s leads with the enforcer: %q", privileged.UserPrincipalName, privileged.Reasons)
	}
	if !strings.HasPrefix(unregistered.Reasons[1], "MFA is enforced by") {
		t.Fatalf("the enforcer comes after the cause: %q", unregistered.Reasons)
	}

	// The account list, searched for the account.
	found := false
	accounts, _ := f.page(t, inventory.Management, "/accounts?q="+url.QueryEscape(unregistered.UserPrincipalName))
	accounts.Find(`[data-testid="account-row"]`).Each(func(_ int, row *goquery.Selection) {
		if strings.Contains(row.Text(), unregistered.UserPrincipalName) {
			found = true
			if got := strings.TrimSpace(row.Find("td.reason").Text()); got != cause {
				t.Errorf("the account list shows %q, want %q", got, cause)
			}
		}
	})
	if !found {
		t.Fatalf("the account list has no row for %s", unregistered.UserPrincipalName)
	}

	// The readiness page's privileged list.
	found = false
	readiness, _ := f.page(t, inventory.Management, "/readiness")
	readiness.Find("tr").Each(func(_ int, row *goquery.Selection) {
		if row.Find("td.reason").Length() > 0 && strings.Contains(row.Text(), privileged.UserPrincipalName) {
			found = true
			if got := strings.TrimSpace(row.Find("td.reason").Text()); got != privCause {
				t.Errorf("the readiness page shows %q for %s, want %q", got, privileged.UserPrincipalName, privCause)
			}
		}
	})
	if !found {
		t.Errorf("the readiness page lists no reason for the privileged %s", privileged.UserPrincipalName)
	}

	// The PDF: the verdict and its cause beside the privileged account (a
	// long cause is cut short in its cell, so its start is compared).
	_, pdf := f.fetch(t, inventory.Management, http.MethodGet, "/readiness/report.pdf", nil)
	text, _ := reporttest.PDFText(t, pdf)
	if want := reporttest.Squeeze(inventory.AtRisk.Label() + privCause); !strings.Contains(text, want[:min(len(want), 60)]) {
		t.Errorf("the PDF lacks the verdict with its cause %q", want)
	}
	if strings.Contains(text, reporttest.Squeeze(inventory.AtRisk.Label()+"MFA is enforced")) {
		t.Error("the PDF shows an at-risk verdict with the enforcer as its cause")
	}

	// The XLSX's Accounts sheet and the CSV: the Reasons column starts with the cause.
	checkReasonsColumn(t, "the XLSX", f.sheet(t, "Accounts"), unregistered.UserPrincipalName, cause)
	_, body := f.fetch(t, inventory.Management, http.MethodGet, "/accounts.csv?compliance=at_risk", nil)
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	checkReasonsColumn(t, "the CSV", records, unregistered.UserPrincipalName, cause)
}

// checkReasonsColumn finds the account's row by UPN and its Reasons column
// by the header.
func checkReasonsColumn(t *testing.T, what string, rows [][]string, upn, cause string) {
	t.Helper()
	col := slices.Index(rows[0], "Reasons")
	if col < 0 {
		t.Fatalf("%s has no Reasons column: %q", what, rows[0])
	}
	for _, row := range rows[1:] {
		if slices.Contains(row, upn) {
			if !strings.HasPrefix(row[col], cause+";") && row[col] != cause {
				t.Errorf("%s gives %s the reasons %q, want them to start with %q", what, upn, row[col], cause)
			}
			return
		}
	}
	t.Errorf("%s has no row for %s", what, upn)
}
