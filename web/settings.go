package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// settingsShow serves GET /settings: everyone may read; leads may edit.
func (s *Server) settingsShow(c echo.Context) error {
	t := tenantOf(c)
	st, err := s.store.TenantSettings(c.Request().Context(), t.ID)
	if err != nil {
		return err
	}
	v := settingsView(viewerPage(c, page(t, "Settings", "settings")), st)
	v.CanEdit = inventory.CanChangeSettings(actorOf(c)) == nil
	v.Saved = c.QueryParam("saved") != ""
	if n, err := strconv.Atoi(c.QueryParam("open")); err == nil {
		v.Open = n
	}
	return render(c, http.StatusOK, views.SettingsPage(v))
}

// settingsSave serves POST /settings: validate, store and record (the
// store checks who may), re-assess, in the tenant the form was shown for
// (postedTenant).
func (s *Server) settingsSave(c echo.Context) error {
	ctx := c.Request().Context()
	t := tenantOf(c)
	old, err := s.store.TenantSettings(ctx, t.ID)
	if err != nil {
		return err
	}
	st, err := settingsFromForm(c, old)
	if err == nil {
		err = s.store.SaveTenantSettings(ctx, actorOf(c), t.ID, st)
	}
	if inventory.ErrorCode(err) == inventory.EINVALID {
		v := settingsView(viewerPage(c, page(t, "Settings", "settings")), old)
		v.CanEdit, v.Error = inventory.CanChangeSettings(actorOf(c)) == nil, inventory.ErrorMessage(err)
		return render(c, http.StatusBadRequest, views.SettingsPage(v))
	}
	if err != nil {
		return err
	}
	res, err := inventory.Reassess(ctx, s.store, t.ID, inventory.ReassessOptions{})
	if err != nil {
		return err
	}
	open := res.Tenant.Counts[inventory.NonCompliant] + res.Tenant.Counts[inventory.AtRisk]
	return c.Redirect(http.StatusSeeOther, "/settings?tenant="+url.QueryEscape(t.ID)+"&saved=1&open="+strconv.Itoa(open))
}

func settingsFromForm(c echo.Context, old inventory.Settings) (inventory.Settings, error) {
	kind, err := inventory.ParseTenantKind(c.FormValue("kind"))
	if err != nil {
		return old, err
	}
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("window_days")))
	if err != nil || days < 1 || days > 365 {
		return old, inventory.Errorf(inventory.EINVALID, "The sign-in evidence window must be a whole number of days from 1 to 365.")
	}
	st := inventory.Settings{
		Kind:               kind,
		ServicePatterns:    splitList(c.FormValue("service_patterns")),
		RoomPatterns:       splitList(c.FormValue("room_patterns")),
		BreakGlassPatterns: splitList(c.FormValue("break_glass_patterns")),
		BreakGlassAccounts: splitList(c.FormValue("break_glass_accounts")),
		RoomDeviceGroups:   splitList(c.FormValue("room_device_groups")),
		Window:             time.Duration(days) * 24 * time.Hour,
	}
	for _, p := range [][]string{st.ServicePatterns, st.RoomPatterns, st.BreakGlassPatterns} {
		for _, w := range p {
			if len(w) > 100 {
				return old, inventory.Errorf(inventory.EINVALID, "The pattern %q is longer than 100 characters.", w[:40]+"…")
			}
		}
	}
	return st, nil
}

// splitList reads one entry per line or comma, trimmed, without empties or
// repeats.
func splitList(s string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		f = strings.TrimSpace(f)
		if f != "" && !seen[strings.ToLower(f)] {
			seen[strings.ToLower(f)] = true
			out = append(out, f)
		}
	}
	return out
}

func settingsView(p views.Page, st inventory.Settings) views.Settings {
	days := int(st.Window / (24 * time.Hour))
	if days == 0 {
		days = 30
	}
	return views.Settings{Page: p, Kind: string(st.Kind), WindowDays: days,
		ServicePatterns: strings.Join(st.ServicePatterns, "\n"), RoomPatterns: strings.Join(st.RoomPatterns, "\n"),
		BreakGlassPatterns: strings.Join(st.BreakGlassPatterns, "\n"), BreakGlassAccounts: strings.Join(st.BreakGlassAccounts, "\n"),
		RoomDeviceGroups: strings.Join(st.RoomDeviceGroups, "\n")}
}
