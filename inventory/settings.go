package inventory

import (
	"slices"
	"strings"
	"time"
)

// MaxWindow is the longest sign-in window a tenant may set; Graph keeps
// sign-in logs for 30 days (P1/P2), so a longer window only waits for data.
const MaxWindow = 365 * 24 * time.Hour

// Validate says whether settings can be saved: a known kind ("" keeps the
// tenant's), a window from a second to MaxWindow, and no empty entry in a
// list.
func (st Settings) Validate() error {
	if st.Kind != "" {
		if _, err := ParseTenantKind(string(st.Kind)); err != nil {
			return err
		}
	}
	if st.Window <= 0 || st.Window > MaxWindow {
		return Errorf(EINVALID, "the sign-in window must be between 1 second and 365 days, not %s", st.Window)
	}
	for _, l := range settingsLists {
		for i, item := range l.of(st) {
			if strings.TrimSpace(item) == "" {
				return Errorf(EINVALID, "%s %d is empty", l.item, i+1)
			}
		}
	}
	return nil
}

// settingsLists are the lists of the settings, by their names as one item
// and as the whole list.
var settingsLists = []struct {
	item, list string
	of         func(Settings) []string
}{
	{"service pattern", "service patterns", func(s Settings) []string { return s.ServicePatterns }},
	{"room pattern", "room patterns", func(s Settings) []string { return s.RoomPatterns }},
	{"break-glass pattern", "break-glass patterns", func(s Settings) []string { return s.BreakGlassPatterns }},
	{"break-glass account", "break-glass accounts", func(s Settings) []string { return s.BreakGlassAccounts }},
	{"room-device group", "room device groups", func(s Settings) []string { return s.RoomDeviceGroups }},
}

// SettingsChanges names the settings that differ between old and st, for
// the audit trail, in the order of the settings page.
func SettingsChanges(old, st Settings) []string {
	var out []string
	if old.Kind != st.Kind {
		out = append(out, "kind "+string(old.Kind)+" → "+string(st.Kind))
	}
	for _, l := range settingsLists {
		if !slices.Equal(l.of(old), l.of(st)) {
			out = append(out, l.list)
		}
	}
	if old.Window != st.Window {
		out = append(out, "window")
	}
	return out
}
