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
	return encodeAll(folds, func(f inventory.SignInFold) signInFoldJSON { return signInFoldJSON(f) })
}

func decodeSignIns(b []byte) ([]inventory.SignInFold, error) {
	if b == nil {
		return nil, nil
	}
	return decodeAll(b, func(f signInFoldJSON) inventory.SignInFold { return inventory.SignInFold(f) })
}

type warningJSON struct {
	Source  string `json:"source"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func encodeWarnings(ws []inventory.Warning) ([]byte, error) {
	return encodeAll(ws, func(w inventory.Warning) warningJSON { return warningJSON(w) })
}

// decodeWarnings reads no warnings back as nil, the snapshot's "none".
func decodeWarnings(b []byte) ([]inventory.Warning, error) {
	ws, err := decodeAll(b, func(w warningJSON) inventory.Warning { return inventory.Warning(w) })
	if len(ws) == 0 {
		return nil, err
	}
	return ws, nil
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

// fixAccountJSON is one account of a fix as plan_fixes.accounts holds it.
type fixAccountJSON struct {
	ID         string `json:"id"`
	UPN        string `json:"upn"`
	Name       string `json:"name"`
	Compliance string `json:"compliance"`
	After      string `json:"after"`
	Privileged bool   `json:"privileged,omitempty"`
	Resolved   bool   `json:"resolved,omitempty"`
}

func encodeFixAccounts(as []inventory.FixAccount) ([]byte, error) {
	return encodeAll(as, func(a inventory.FixAccount) fixAccountJSON {
		return fixAccountJSON{ID: a.ID, UPN: a.UPN, Name: a.DisplayName, Compliance: string(a.Compliance),
			After: string(a.After), Privileged: a.Privileged, Resolved: a.Resolved}
	})
}

func decodeFixAccounts(b []byte) ([]inventory.FixAccount, error) {
	return decodeAll(b, func(a fixAccountJSON) inventory.FixAccount {
		return inventory.FixAccount{ID: a.ID, UPN: a.UPN, DisplayName: a.Name, Compliance: inventory.Compliance(a.Compliance),
			After: inventory.Compliance(a.After), Privileged: a.Privileged, Resolved: a.Resolved}
	})
}

// Partner Center integrations (issue 13 §3): one row a tenant holding the
// service principals, the delegated permission grants and the Partner
// Center sign-ins of its last sync, as JSON. They are display-only: the
// marker they feed is stored with the assessments.

type partnerSignInJSON struct {
	Day           time.Time `json:"day"`
	AppID         string    `json:"app_id"`
	App           string    `json:"app"`
	Portal        bool      `json:"portal"`
	ClientAppUsed string    `json:"client_app"`
	Interactive   bool      `json:"interactive"`
	Requirement   string    `json:"requirement"`
	ErrorCode     int       `json:"error_code"`
	Count         int       `json:"count"`
	First         time.Time `json:"first"`
	Last          time.Time `json:"last"`
}

type servicePrincipalJSON struct {
	ID                     string `json:"id"`
	AppID                  string `json:"app_id"`
	DisplayName            string `json:"display_name"`
	PublisherName          string `json:"publisher_name,omitempty"`
	AppOwnerOrganizationID string `json:"app_owner_organization_id,omitempty"`
}

type permissionGrantJSON struct {
	ID          string `json:"id"`
	ClientID    string `json:"client_id"`
	ResourceID  string `json:"resource_id"`
	ConsentType string `json:"consent_type"`
	PrincipalID string `json:"principal_id,omitempty"`
	Scope       string `json:"scope"`
}

// convertAll converts every element of in with conv.
func convertAll[T, U any](in []T, conv func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = conv(v)
	}
	return out
}

// encodeAll stores in as a JSON array of the stored shapes conv makes.
func encodeAll[T, J any](in []T, conv func(T) J) ([]byte, error) {
	return json.Marshal(convertAll(in, conv))
}

// decodeAll reads a JSON array of stored shapes back, each made by conv.
func decodeAll[J, T any](b []byte, conv func(J) T) ([]T, error) {
	var in []J
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, err
	}
	return convertAll(in, conv), nil
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
