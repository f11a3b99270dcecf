package export

import (
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

func (d *Decoder) addOrganization(raw []byte) *fieldError {
	var w wireOrganization
	if err := decodeObject(raw, &w, ""); err != nil {
		return err
	}
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
type wireUser struct {
	ID                    string    `json:"id"`
	DisplayName           string    `json:"displayName"`
	UserPrincipalName     string    `json:"userPrincipalName"`
	Mail                  string    `json:"mail"`
	UserType              string    `json:"userType"`
	AccountEnabled        *bool     `json:"accountEnabled"`
	OnPremisesSyncEnabled bool      `json:"onPremisesSyncEnabled"`
	CreatedDateTime       graphTime `json:"createdDateTime"`
	JobTitle              string    `json:"jobTitle"`
	Department            string    `json:"department"`
	AssignedLicenses      []struct {
		SkuID string `json:"skuId"`
	} `json:"assignedLicenses"`
	SignInActivity *struct {
		LastSignInDateTime               graphTime `json:"lastSignInDateTime"`
		LastNonInteractiveSignInDateTime graphTime `json:"lastNonInteractiveSignInDateTime"`
		LastSuccessfulSignInDateTime     graphTime `json:"lastSuccessfulSignInDateTime"`
	} `json:"signInActivity"`
}

// addUser keeps an account whose id is readable even when another field is
// not: a dropped account could never be flagged, so a bad field is read as
// empty and named in a warning instead.
func (d *Decoder) addUser(raw []byte) *fieldError {
	var w wireUser
	err := decodeObject(raw, &w, "")
	if err != nil && !err.Partial {
		return err
	}
	if w.ID == "" {
		return badField("id", "is missing: an account without an id cannot be assessed")
	}
	if err != nil {
		d.warnItem(badField(err.Field, "%s; read as empty, the account is kept", err.Message))
	}
	u := inventory.User{
		ID:                    w.ID,
		DisplayName:           w.DisplayName,
		UserPrincipalName:     w.UserPrincipalName,
		Mail:                  w.Mail,
		UserType:              w.UserType,
		AccountEnabled:        true,
		OnPremisesSyncEnabled: w.OnPremisesSyncEnabled,
		JobTitle:              w.JobTitle,
		Department:            w.Department,
	}
	// An export made without accountEnabled in the $select must not turn
	// every account into "disabled, not applicable": that would read as a
	// ready tenant. Assume enabled, and say so once.
	if w.AccountEnabled != nil {
		u.AccountEnabled = *w.AccountEnabled
	} else {
		d.missingEnabled++
	}
	for _, l := range w.AssignedLicenses {
		if l.SkuID != "" {
			u.LicenseSKUs = append(u.LicenseSKUs, l.SkuID)
		}
	}
	dates := []dateField{{"createdDateTime", w.CreatedDateTime, &u.CreatedDateTime}}
	if a := w.SignInActivity; a != nil {
		dates = append(dates, []dateField{
			{"signInActivity.lastSignInDateTime", a.LastSignInDateTime, &u.LastSignIn},
			{"signInActivity.lastNonInteractiveSignInDateTime", a.LastNonInteractiveSignInDateTime, &u.LastNonInteractiveSignIn},
			{"signInActivity.lastSuccessfulSignInDateTime", a.LastSuccessfulSignInDateTime, &u.LastSuccessfulSignIn},
		}...)
	}
	for _, f := range dates {
		if bad := f.value.check(f.field); bad != nil {
			d.warnItem(badField(bad.Field, "%s; read as empty, the account is kept", bad.Message))
			continue
		}
		*f.into = f.value.t
	}
	d.snap.Users = append(d.snap.Users, u)
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
	ID                string   `json:"id"`
	IsMfaRegistered   bool     `json:"isMfaRegistered"`
	IsMfaCapable      bool     `json:"isMfaCapable"`
	IsAdmin           bool     `json:"isAdmin"`
	MethodsRegistered []string `json:"methodsRegistered"`
	DefaultMfaMethod  string   `json:"defaultMfaMethod"`
}

func (d *Decoder) addRegistration(raw []byte) *fieldError {
	var w wireRegistration
	if err := decodeObject(raw, &w, ""); err != nil {
		return err
	}
	if w.ID == "" {
		return badField("id", "is missing: the registration cannot be tied to an account")
	}
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
type wirePerUserMFA struct {
	ID              string  `json:"id"`
	PerUserMfaState *string `json:"perUserMfaState"`
}

func (d *Decoder) addPerUserMFA(raw []byte) *fieldError {
	var w wirePerUserMFA
	if err := decodeObject(raw, &w, ""); err != nil {
		return err
	}
	if w.ID == "" {
		return badField("id", "is missing: the per-user MFA state cannot be tied to an account")
	}
	if w.PerUserMfaState == nil {
		return badField("perUserMfaState", "is missing")
	}
	d.snap.PerUserMFA[w.ID] = *w.PerUserMfaState
	return nil
}
