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

// pageSize is how many accounts a list page shows.
const pageSize = 50

// accountList serves GET /accounts: search, filters, paging.
func (s *Server) accountList(c echo.Context) error {
	ctx := c.Request().Context()
	t, ok, err := s.currentTenant(c)
	if err != nil {
		return err
	}
	if !ok {
		return render(c, http.StatusOK, views.Accounts(views.AccountsList{Page: viewerPage(c, views.Page{Title: "Accounts", Nav: "accounts"})}))
	}
	q := c.QueryParams()
	pageNo := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return inventory.Errorf(inventory.EINVALID, "page %q is not a page number: use 1, 2, 3, …", p)
		}
		pageNo = n
	}
	f := pg.AccountFilter{
		TenantID: t.ID, Query: strings.TrimSpace(q.Get("q")),
		Category: q.Get("category"), Path: q.Get("path"), Compliance: q.Get("compliance"), Marker: q.Get("marker"),
		IncludeRemoved: q.Get("removed") == "1", Sort: q.Get("sort"),
		Limit: pageSize, Offset: (pageNo - 1) * pageSize,
	}
	res, err := s.store.ListAccounts(ctx, f)
	if err != nil {
		return err
	}
	sum, err := s.store.Summary(ctx, t.ID)
	if err != nil {
		return err
	}
	v := views.AccountsList{
		Page: viewerPage(c, page(t, "Accounts", "accounts")), Synced: true, Ready: sum.Ready,
		Query: f.Query, IncludeRemoved: f.IncludeRemoved, Total: res.Total, Offset: f.Offset, Limit: f.Limit,
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
	if pageNo > 1 {
		v.PrevURL = pageURL(q, pageNo-1)
	}
	if f.Offset+len(res.Rows) < res.Total {
		v.NextURL = pageURL(q, pageNo+1)
	}
	return render(c, http.StatusOK, views.Accounts(v))
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

// pageURL keeps the filters and changes the page.
func pageURL(q url.Values, page int) string {
	out := url.Values{}
	for k, vs := range q {
		if k != "page" && len(vs) > 0 && vs[0] != "" {
			out.Set(k, vs[0])
		}
	}
	if page > 1 {
		out.Set("page", strconv.Itoa(page))
	}
	return "/accounts?" + out.Encode()
}
