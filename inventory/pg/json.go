package pg

import (
	"encoding/json"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// The JSON shapes below are what the jsonb columns hold. They have their own
// snake_case names so that the stored form stays readable from SQL and
// independent of Go field names.

type registrationJSON struct {
	IsMfaRegistered   bool     `json:"is_mfa_registered"`
	IsMfaCapable      bool     `json:"is_mfa_capable"`
	IsAdmin           bool     `json:"is_admin"`
	MethodsRegistered []string `json:"methods_registered"`
	DefaultMethod     string   `json:"default_method"`
}

func encodeRegistration(r inventory.Registration) ([]byte, error) {
	return json.Marshal(registrationJSON(r))
}

func decodeRegistration(b []byte) (*inventory.Registration, error) {
	if b == nil {
		return nil, nil
	}
	var r registrationJSON
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	reg := inventory.Registration(r)
	return &reg, nil
}

type signInFoldJSON struct {
	Day           time.Time `json:"day"`
	App           string    `json:"app"`
	ClientAppUsed string    `json:"client_app"`
	Interactive   bool      `json:"interactive"`
	Requirement   string    `json:"requirement"`
	Success       bool      `json:"success"`
	Count         int       `json:"count"`
	First         time.Time `json:"first"`
	Last          time.Time `json:"last"`
}

func encodeSignIns(folds []inventory.SignInFold) ([]byte, error) {
	out := make([]signInFoldJSON, len(folds))
	for i, f := range folds {
		out[i] = signInFoldJSON(f)
	}
	return json.Marshal(out)
}

func decodeSignIns(b []byte) ([]inventory.SignInFold, error) {
	if b == nil {
		return nil, nil
	}
	var in []signInFoldJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	out := make([]inventory.SignInFold, len(in))
	for i, f := range in {
		out[i] = inventory.SignInFold(f)
	}
	return out, nil
}

type warningJSON struct {
	Source  string `json:"source"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func encodeWarnings(ws []inventory.Warning) ([]byte, error) {
	out := make([]warningJSON, len(ws))
	for i, w := range ws {
		out[i] = warningJSON(w)
	}
	return json.Marshal(out)
}

func decodeWarnings(b []byte) ([]inventory.Warning, error) {
	var in []warningJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]inventory.Warning, len(in))
	for i, w := range in {
		out[i] = inventory.Warning(w)
	}
	return out, nil
}

// settingsJSON is inventory.Settings without its kind, which has a column
// of its own.
type settingsJSON struct {
	ServicePatterns    []string `json:"service_patterns"`
	RoomPatterns       []string `json:"room_patterns"`
	BreakGlassPatterns []string `json:"break_glass_patterns"`
	BreakGlassAccounts []string `json:"break_glass_accounts"`
	RoomDeviceGroups   []string `json:"room_device_groups"`
	WindowSeconds      int64    `json:"window_seconds"`
}

func encodeSettings(s inventory.Settings) ([]byte, error) {
	return json.Marshal(settingsJSON{
		ServicePatterns:    s.ServicePatterns,
		RoomPatterns:       s.RoomPatterns,
		BreakGlassPatterns: s.BreakGlassPatterns,
		BreakGlassAccounts: s.BreakGlassAccounts,
		RoomDeviceGroups:   s.RoomDeviceGroups,
		WindowSeconds:      int64(s.Window / time.Second),
	})
}

func decodeSettings(kind inventory.TenantKind, b []byte) (inventory.Settings, error) {
	if b == nil {
		return inventory.DefaultSettings(kind), nil
	}
	var j settingsJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return inventory.Settings{}, err
	}
	return inventory.Settings{
		Kind:               kind,
		ServicePatterns:    j.ServicePatterns,
		RoomPatterns:       j.RoomPatterns,
		BreakGlassPatterns: j.BreakGlassPatterns,
		BreakGlassAccounts: j.BreakGlassAccounts,
		RoomDeviceGroups:   j.RoomDeviceGroups,
		Window:             time.Duration(j.WindowSeconds) * time.Second,
	}, nil
}

// timeOrNull stores the zero time ("empty" in the snapshot) as NULL.
func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// timeFromNull reads a nullable timestamptz back as the zero time or UTC.
func timeFromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// nonNil keeps a text[] column NOT NULL when a slice is nil.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// nilIfEmpty reads an empty text[] back as nil, the snapshot's "none".
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}
