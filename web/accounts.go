package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// The accounts of a tenant: the list (search, filters, paging) and one
// account's page.

// pageSize is how many accounts a list page shows.
const pageSize = 50

// accountCountCap is where the list stops counting the matches of a
// filter the stored counts cannot answer: "10,000+".
const accountCountCap = 10_000

// accountList serves GET /accounts: search, filters, paging. A page is
// found from the key of the row before it (after=) or after it (before=);
// page= is the page's number as shown, and alone (an old link) the
// position to read from.
func (s *Server) accountList(c echo.Context) error {
	ctx, t := c.Request().Context(), tenantOf(c)
	q := c.QueryParams()
	at, err := accountPageOf(q)
	if err != nil {
		return err
	}
	f := accountFilterOf(q, t.ID)
	f.Limit, f.After, f.Before, f.CountCap = pageSize, at.after, at.before, accountCountCap
	if at.after == "" && at.before == "" {
		f.Offset = at.offset()
	}
	res, err := s.store.ListAccounts(ctx, f)
	if err != nil {
		return err
	}
	if len(res.Rows) == 0 && f.Offset > 0 {
		return pastTheEnd(at.number, res)
	}
	sum, err := s.store.Summary(ctx, t.ID)
	if err != nil {
		return err
	}
	v := views.AccountsList{
		Page: pageOf(c, "Accounts", "accounts"), Ready: sum.Ready,
		Query: f.Query, IncludeRemoved: f.IncludeRemoved, Total: res.Total, TotalCapped: res.TotalCapped,
		Offset: at.offset(), Limit: f.Limit,
		Filters: []views.Filter{
			filterOf("category", "category", f.Category, inventory.Categories, sum.ByCategory),
			filterOf("path", "path", f.Path, inventory.Paths, sum.ByPath),
			filterOf("compliance", "verdict", f.Compliance, inventory.Compliances, sum.Counts),
			filterOf("marker", "marker", f.Marker, inventory.Markers, sum.ByMarker),
		},
		Tiles: complianceTiles(sum),
	}
	for _, r := range res.Rows {
		v.Rows = append(v.Rows, accountRowView(r))
	}
	v.PrevURL, v.NextURL = at.links(q, res)
	return render(c, http.StatusOK, views.Accounts(v))
}

// accountFilterOf reads the account list's search, filters and order from
// its URL, which the list and its CSV export (accountsCSV) read alike.
func accountFilterOf(q url.Values, tenantID string) pg.AccountFilter {
	return pg.AccountFilter{
		TenantID: tenantID, Query: strings.TrimSpace(q.Get("q")),
		Category: q.Get("category"), Path: q.Get("path"), Compliance: q.Get("compliance"), Marker: q.Get("marker"),
		IncludeRemoved: q.Get("removed") == "1", Sort: q.Get("sort"),
	}
}

// accountShow serves GET /accounts/:id: the verdict, its reasons, the path
// and the facts behind them.
func (s *Server) accountShow(c echo.Context) error {
	return s.renderAccount(c, tenantOf(c), accountParam(c), http.StatusOK, views.Notice{})
}

// renderAccount renders the account page with a notice at a status: 200
// for a look, 400/403/409 when a plain form's action was refused, with
// what was typed into the exception form kept.
func (s *Server) renderAccount(c echo.Context, t inventory.Tenant, id string, status int, notice views.Notice) error {
	d, err := s.store.Account(c.Request().Context(), t.ID, id)
	if err != nil {
		return err
	}
	w, err := s.accountWork(c, t, id, d.Override)
	if err != nil {
		return err
	}
	w.Notice = notice
	if status != http.StatusOK {
		keepTyped(c, &w.Request)
	}
	title := d.User.DisplayName
	if title == "" {
		title = d.User.UserPrincipalName
	}
	v := accountDetailView(pageOf(c, title, "accounts"), d)
	if v.WhatIf, err = s.whatIfPanel(c, t, id, v.ComplianceLabel); err != nil {
		return err
	}
	return render(c, status, views.Account(v, w))
}

func accountDetailView(p views.Page, d pg.AccountDetail) views.AccountDetail {
	a := inventory.Assessment{}
	if d.Assessment != nil {
		a = *d.Assessment
	}
	u := d.User
	v := views.AccountDetail{
		Page: p, ID: u.ID, UPN: u.UserPrincipalName, DisplayName: u.DisplayName, Mail: u.Mail, UserType: u.UserType,
		Enabled: u.AccountEnabled, Removed: !d.RemovedAt.IsZero(), RemovedAt: d.RemovedAt,
		JobTitle: u.JobTitle, Department: u.Department, Created: u.CreatedDateTime, OnPremSync: u.OnPremisesSyncEnabled,
		Category: string(a.Category), CategoryLabel: a.Category.Label(), CategoryReason: a.CategoryReason,
		AutoCategoryLabel: a.AutoCategory.Label(), CategoryOverride: a.CategoryOverride,
		Path: string(a.Path), PathLabel: a.Path.Label(), PathReason: a.PathReason, PathHelp: a.Path.Help(),
		AutoPathLabel: a.AutoPath.Label(), PathOverride: a.PathOverride,
		Compliance: string(a.Compliance), ComplianceLabel: a.Compliance.Label(),
		EnforcedBy: a.EnforcedBy, RiskBased: a.RiskBased, Reasons: a.Reasons,
		PerUserMFA: d.PerUserMFA, PerUserMFANotRead: d.PerUserMFANotRead, LastSignIn: u.LastSignIn, LastNonInteractive: u.LastNonInteractiveSignIn,
		Licenses: u.LicenseSKUs, Groups: refNames(d.Groups), Roles: refNames(d.Roles),
	}
	if v.DisplayName == "" {
		v.DisplayName = u.UserPrincipalName
	}
	if d.Override != nil {
		v.OverrideAuthor, v.OverrideReason, v.OverrideAt = d.Override.Author, d.Override.Reason, d.Override.At
	}
	for _, m := range a.Markers {
		v.Markers = append(v.Markers, views.Badge{Value: string(m), Label: m.Label(), Title: a.MarkerReasons[m]})
	}
	for _, key := range a.Dated {
		if f, ok := inventory.DatedFacts[key]; ok {
			v.Dated = append(v.Dated, views.DatedFact{Date: f.Date, Text: f.Text, Source: f.Source})
		}
	}
	switch {
	case d.Registration == nil:
		v.MFARegistered = "no registration details"
	case d.Registration.IsMfaRegistered:
		v.MFARegistered = "yes"
		v.Methods, v.DefaultMethod = d.Registration.MethodsRegistered, d.Registration.DefaultMethod
	default:
		v.MFARegistered = "no"
		v.Methods, v.DefaultMethod = d.Registration.MethodsRegistered, d.Registration.DefaultMethod
	}
	for _, f := range d.SignIns {
		v.SignIns = append(v.SignIns, views.SignInLine{
			Day: f.Day, App: f.App, ClientApp: f.ClientAppUsed, Interactive: f.Interactive,
			SingleFactor: strings.EqualFold(f.Requirement, "singleFactorAuthentication"), Success: f.Success,
			Legacy: inventory.IsLegacyClient(f.ClientAppUsed), Count: f.Count,
		})
	}
	return v
}

func refNames(refs []pg.ObjectRef) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		name := r.DisplayName
		if name == "" {
			name = r.ID
		}
		out = append(out, name)
	}
	return out
}

// labelled is any of the domain's enums.
type labelled interface {
	~string
	Label() string
}

// filterOf builds a select with every value of an enum and its count.
func filterOf[T labelled](name, label, selected string, values []T, counts map[T]int) views.Filter {
	f := views.Filter{Name: name, Label: label}
	for _, v := range values {
		f.Options = append(f.Options, views.Option{Value: string(v), Label: v.Label() + " (" + views.Itoa(counts[v]) + ")", Count: counts[v], Selected: string(v) == selected})
	}
	return f
}

func complianceTiles(sum inventory.TenantVerdict) []views.Tile {
	tiles := make([]views.Tile, 0, len(inventory.Compliances))
	tones := map[inventory.Compliance]string{inventory.NonCompliant: "bad", inventory.AtRisk: "warn", inventory.Excepted: "info", inventory.Compliant: "ok", inventory.NotApplicable: "muted"}
	for _, c := range inventory.Compliances {
		tiles = append(tiles, views.Tile{Label: c.Label(), Value: views.Itoa(sum.Counts[c]), Tone: tones[c], Href: "/accounts?compliance=" + string(c)})
	}
	return tiles
}

func accountRowView(r pg.AccountRow) views.AccountRow {
	v := views.AccountRow{
		ID: r.ID, UPN: r.UserPrincipalName, DisplayName: r.DisplayName,
		Category: string(r.Category), CategoryLabel: r.Category.Label(),
		Path: string(r.Path), PathLabel: r.Path.Label(),
		Compliance: string(r.Compliance), ComplianceLabel: r.Compliance.Label(),
		EnforcedBy: strings.Join(r.EnforcedBy, ", "), LastSignIn: r.LastSignIn, Reason: r.FirstReason,
		Removed: r.Removed(), Enabled: r.Enabled,
	}
	if v.DisplayName == "" {
		v.DisplayName = r.UserPrincipalName
	}
	for _, m := range r.Markers {
		v.Markers = append(v.Markers, views.Badge{Value: string(m), Label: m.Label()})
	}
	return v
}

// accountPage is where a page of the account list is: its number as shown,
// and the key it follows or precedes.
type accountPage struct {
	number        int
	after, before string
}

// accountPageOf reads page=, after= and before= from a list URL.
func accountPageOf(q url.Values) (accountPage, error) {
	n, err := pageNumber(q.Get("page"))
	if err != nil {
		return accountPage{}, err
	}
	p := accountPage{number: n, after: q.Get("after"), before: q.Get("before")}
	if p.after != "" && p.before != "" {
		return p, inventory.Errorf(inventory.EINVALID, "a page link has after= or before=, not both: start again from the first page")
	}
	if (n-1)*pageSize > pg.MaxOffset || n-1 > pg.MaxOffset {
		return p, inventory.Errorf(inventory.EINVALID, "page %s is past the end of any list: pages go up to %s",
			views.Itoa(n), views.Itoa(pg.MaxOffset/pageSize+1))
	}
	return p, nil
}

// offset is the position of the page's first row.
func (p accountPage) offset() int { return (p.number - 1) * pageSize }

// pastTheEnd is the sentence for a page number beyond the last page.
func pastTheEnd(number int, res pg.AccountPage) error {
	last := max((res.Total+pageSize-1)/pageSize, 1)
	if res.TotalCapped {
		return inventory.Errorf(inventory.EINVALID, "there is no page %s of this list: it ends before it. Go back to the first page, or narrow the search",
			views.Itoa(number))
	}
	return inventory.Errorf(inventory.EINVALID, "there is no page %s of this list: %s accounts match, on %s pages",
		views.Itoa(number), views.Itoa(res.Total), views.Itoa(last))
}

// links are the previous and next pages' URLs ("" where there is none):
// each carries the key of the row it follows or precedes, and its number.
func (p accountPage) links(q url.Values, res pg.AccountPage) (prev, next string) {
	if res.HasPrev && len(res.Rows) > 0 {
		if p.number <= 2 {
			prev = accountsURL(q, 1, "", "")
		} else {
			prev = accountsURL(q, p.number-1, "before", res.First)
		}
	}
	if res.HasNext && len(res.Rows) > 0 {
		next = accountsURL(q, p.number+1, "after", res.Last)
	}
	return prev, next
}

// accountsURL is the list under the filters of q, at page number with the
// cursor (name=cursor; none for the first page).
func accountsURL(q url.Values, number int, name, cursor string) string {
	out := url.Values{}
	for k, vs := range q {
		if k != "page" && k != "after" && k != "before" && len(vs) > 0 && vs[0] != "" {
			out.Set(k, vs[0])
		}
	}
	if number > 1 {
		out.Set("page", strconv.Itoa(number))
		out.Set(name, cursor)
	}
	if len(out) == 0 {
		return "/accounts"
	}
	return "/accounts?" + out.Encode()
}
