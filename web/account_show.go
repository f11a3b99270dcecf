package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/views"
)

// accountShow serves GET /accounts/:id: the verdict, its reasons, the path
// and the facts behind them.
func (s *Server) accountShow(c echo.Context) error {
	t, ok, err := s.currentTenant(c)
	if err != nil {
		return err
	}
	if !ok {
		return inventory.Errorf(inventory.ENOTFOUND, "No tenant has been synced yet, so there is no account to show.")
	}
	return s.renderAccount(c, t, accountParam(c), http.StatusOK, views.Notice{}, nil)
}

// renderAccount renders the account page with a notice at a status: 200
// for a look, 400/403/409 when a plain form's action was refused, with
// what was typed into the exception form kept in keep.
func (s *Server) renderAccount(c echo.Context, t inventory.Tenant, id string, status int, notice views.Notice, keep *views.ExceptionForm) error {
	d, err := s.store.Account(c.Request().Context(), t.ID, id)
	if err != nil {
		return err
	}
	w, err := s.accountWork(c, t, id, d.Override)
	if err != nil {
		return err
	}
	w.Notice = notice
	if keep != nil {
		w.Request.Justification, w.Request.CompensatingControls, w.Request.Expiry = keep.Justification, keep.CompensatingControls, keep.Expiry
	}
	title := d.User.DisplayName
	if title == "" {
		title = d.User.UserPrincipalName
	}
	return render(c, status, views.Account(accountDetailView(viewerPage(c, page(t, title, "accounts")), d), w))
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
		PerUserMFA: d.PerUserMFA, LastSignIn: u.LastSignIn, LastNonInteractive: u.LastNonInteractiveSignIn,
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
