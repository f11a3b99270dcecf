package export

import (
	"encoding/json"
	"reflect"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// wireOrganization is the part of GET /organization the snapshot uses.
type wireOrganization struct {
	ID              string `json:"id"`
	DisplayName     string `json:"displayName"`
	VerifiedDomains []struct {
		Name      string `json:"name"`
		IsDefault bool   `json:"isDefault"`
	} `json:"verifiedDomains"`
}

func (d *Decoder) addOrganization(w wireOrganization) *fieldError {
	if d.orgSeen {
		d.warnItem(badField("", "a second organization in one tenant's export; only the first is used"))
		return nil
	}
	d.orgSeen = true
	t := inventory.Tenant{ID: w.ID, DisplayName: w.DisplayName}
	for _, dom := range w.VerifiedDomains {
		if dom.IsDefault {
			t.Domains = append(t.Domains, dom.Name)
		}
	}
	for _, dom := range w.VerifiedDomains {
		if !dom.IsDefault {
			t.Domains = append(t.Domains, dom.Name)
		}
	}
	d.snap.Tenant = t
	return nil
}

// wireUser is one account of GET /users with the $select of GRAPH-EXPORT.md.
// The members the rules read are typed, so a wrong type refuses the item;
// the ones only shown on the account page stay raw and are read leniently
// (displayOnly), since they can never change a verdict.
type wireUser struct {
	ID                string `json:"id" required:"an account without an id cannot be assessed"`
	DisplayName       string `json:"displayName"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail"`
	UserType          string `json:"userType"`
	AccountEnabled    *bool  `json:"accountEnabled"`
	SignInActivity    *struct {
		LastSignInDateTime               graphTime `json:"lastSignInDateTime"`
		LastNonInteractiveSignInDateTime graphTime `json:"lastNonInteractiveSignInDateTime"`
		LastSuccessfulSignInDateTime     graphTime `json:"lastSuccessfulSignInDateTime"`
	} `json:"signInActivity"`

	OnPremisesSyncEnabled json.RawMessage `json:"onPremisesSyncEnabled"`
	CreatedDateTime       json.RawMessage `json:"createdDateTime"`
	JobTitle              json.RawMessage `json:"jobTitle"`
	Department            json.RawMessage `json:"department"`
	AssignedLicenses      json.RawMessage `json:"assignedLicenses"`
}

func (d *Decoder) addUser(w wireUser) *fieldError {
	u := inventory.User{
		ID:                w.ID,
		DisplayName:       w.DisplayName,
		UserPrincipalName: w.UserPrincipalName,
		Mail:              w.Mail,
		UserType:          w.UserType,
		AccountEnabled:    true,
	}
	// An export made without accountEnabled in the $select must not turn
	// every account into "disabled, not applicable": that would read as a
	// ready tenant. Assume enabled, and say so once.
	if w.AccountEnabled != nil {
		u.AccountEnabled = *w.AccountEnabled
	} else {
		d.missingEnabled++
	}
	if a := w.SignInActivity; a != nil {
		for _, f := range []dateField{
			{"signInActivity.lastSignInDateTime", a.LastSignInDateTime, &u.LastSignIn},
			{"signInActivity.lastNonInteractiveSignInDateTime", a.LastNonInteractiveSignInDateTime, &u.LastNonInteractiveSignIn},
			{"signInActivity.lastSuccessfulSignInDateTime", a.LastSuccessfulSignInDateTime, &u.LastSuccessfulSignIn},
		} {
			if bad := f.value.check(f.field); bad != nil {
				return bad
			}
			*f.into = f.value.t
		}
	}
	return d.displayOnly(&u, w)
}

// displayOnly reads the members shown on the account page and never used by
// a rule: one of the wrong type is read as empty with a warning, the account
// is kept. Text is still checked, since the store would refuse a NUL.
func (d *Decoder) displayOnly(u *inventory.User, w wireUser) *fieldError {
	lenient := func(raw json.RawMessage, field string, into any) *fieldError {
		if isNull(raw) {
			return nil
		}
		if bad := jsonProblem(field, json.Unmarshal(raw, into)); bad != nil {
			reflect.ValueOf(into).Elem().SetZero()
			d.warnItem(badField(bad.Field, "%s; read as empty (it is only shown, never used in a verdict)", bad.Message))
			return nil
		}
		return checkValue(reflect.ValueOf(into), field)
	}
	var created graphTime
	var licences []struct {
		SkuID string `json:"skuId"`
	}
	for _, f := range []struct {
		field string
		raw   json.RawMessage
		into  any
	}{
		{"onPremisesSyncEnabled", w.OnPremisesSyncEnabled, &u.OnPremisesSyncEnabled},
		{"createdDateTime", w.CreatedDateTime, &created},
		{"jobTitle", w.JobTitle, &u.JobTitle},
		{"department", w.Department, &u.Department},
		{"assignedLicenses", w.AssignedLicenses, &licences},
	} {
		if err := lenient(f.raw, f.field, f.into); err != nil {
			return err
		}
	}
	if bad := created.check("createdDateTime"); bad != nil {
		d.warnItem(badField(bad.Field, "%s; read as empty (it is only shown, never used in a verdict)", bad.Message))
	} else {
		u.CreatedDateTime = created.t
	}
	for _, l := range licences {
		if l.SkuID != "" {
			u.LicenseSKUs = append(u.LicenseSKUs, l.SkuID)
		}
	}
	d.snap.Users = append(d.snap.Users, *u)
	return nil
}

// dateField is one date of a user: where it sits, what was read, and the
// snapshot field it fills.
type dateField struct {
	field string
	value graphTime
	into  *time.Time
}

// wireRegistration is one row of userRegistrationDetails.
type wireRegistration struct {
	ID                string   `json:"id" required:"the registration cannot be tied to an account"`
	IsMfaRegistered   bool     `json:"isMfaRegistered"`
	IsMfaCapable      bool     `json:"isMfaCapable"`
	IsAdmin           bool     `json:"isAdmin"`
	MethodsRegistered []string `json:"methodsRegistered"`
	DefaultMfaMethod  string   `json:"defaultMfaMethod"`
}

func (d *Decoder) addRegistration(w wireRegistration) *fieldError {
	d.snap.Registrations[w.ID] = inventory.Registration{
		IsMfaRegistered:   w.IsMfaRegistered,
		IsMfaCapable:      w.IsMfaCapable,
		IsAdmin:           w.IsAdmin,
		MethodsRegistered: nonEmpty(w.MethodsRegistered),
		DefaultMethod:     w.DefaultMfaMethod,
	}
	return nil
}

// wirePerUserMFA is one entry of perUserMfaState.json (GRAPH-EXPORT.md).
// An entry of an account whose state a sync did not ask for, since it could
// not change the verdict, has notRead (the reason) instead of the state.
type wirePerUserMFA struct {
	ID              string  `json:"id" required:"the per-user MFA state cannot be tied to an account"`
	PerUserMfaState *string `json:"perUserMfaState"`
	NotRead         *string `json:"notRead"`
}

func (d *Decoder) addPerUserMFA(w wirePerUserMFA) *fieldError {
	if w.PerUserMfaState == nil && w.NotRead == nil {
		return badField("perUserMfaState", "is missing")
	}
	if w.PerUserMfaState == nil {
		if d.snap.PerUserMFANotRead == nil {
			d.snap.PerUserMFANotRead = map[string]string{}
		}
		d.snap.PerUserMFANotRead[w.ID] = *w.NotRead
		return nil
	}
	d.snap.PerUserMFA[w.ID] = *w.PerUserMfaState
	return nil
}
