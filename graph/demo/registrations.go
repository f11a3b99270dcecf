package demo

import "github.com/mfaboard/mfaboard/inventory"

// Method names as userRegistrationDetails writes them.
const (
	methodMobilePhone    = "mobilePhone"
	methodAltMobilePhone = "alternateMobilePhone"
	methodOfficePhone    = "officePhone"
	methodPush           = "microsoftAuthenticatorPush"
	methodPasswordless   = "microsoftAuthenticatorPasswordless"
	methodOTP            = "softwareOneTimePasscode"
	methodFIDO2          = "fido2"
	methodWHfB           = "windowsHelloForBusiness"
	methodEmail          = "email"
)

// registrations decides every account's registration details. New hires and
// the sync account have none at all ("no registration details").
func (g *generator) registrations() {
	globalAdmins := 0
	for i := range g.snap.Users {
		a := &g.accts[i]
		var reg inventory.Registration
		switch a.cohort {
		case newHire, syncAccount:
			continue
		case globalAdmin:
			reg = globalAdminRegistration(globalAdmins)
			globalAdmins++
		case breakGlass:
			// Several FIDO2 keys kept in a safe, as Microsoft advises.
			reg = registered("none", methodFIDO2)
		case officeWorker, cloudEngineer, serviceDeskAgent, accountManager, itAdmin, contractor, leaver:
			reg = g.personRegistration()
		case b2bMember:
			reg = registered(methodPush, methodPush, methodOTP)
		case guest:
			if g.chance(45) {
				reg = registered(methodPush, methodPush)
			} else {
				reg = unregistered()
			}
		case smtpDevice:
			if a.perUser == "enforced" {
				// Registered a phone once, to create an app password.
				reg = registered(methodMobilePhone, methodMobilePhone)
			} else {
				reg = unregistered()
			}
		default: // service accounts, rooms, the internal guest
			reg = unregistered()
		}
		reg.IsAdmin = a.role != ""
		a.registered = reg.IsMfaRegistered
		g.snap.Registrations[g.snap.Users[i].ID] = reg
	}
}

// personRegistration draws a person's methods in the proportions a partner
// tenant shows: Authenticator for most, some stronger, some phone-only, a
// few not registered at all.
func (g *generator) personRegistration() inventory.Registration {
	switch r := g.rng.IntN(100); {
	case r < 6:
		if g.chance(40) {
			r := unregistered()
			r.MethodsRegistered = []string{methodEmail} // self-service password reset only
			return r
		}
		return unregistered()
	case r < 9:
		return registered(methodMobilePhone, methodMobilePhone)
	case r < 11:
		return registered(methodMobilePhone, methodMobilePhone, methodOfficePhone)
	case r < 13:
		return registered(methodMobilePhone, methodMobilePhone, methodAltMobilePhone)
	case r < 55:
		return registered(methodPush, methodPush, methodOTP)
	case r < 68:
		return registered(methodPush, methodMobilePhone, methodPush, methodOTP)
	case r < 78:
		return registered(methodPush, methodPush, methodPasswordless, methodOTP)
	case r < 93:
		return registered(methodPush, methodWHfB, methodPush, methodOTP)
	default:
		return registered(methodPush, methodFIDO2, methodPush, methodOTP)
	}
}

func globalAdminRegistration(n int) inventory.Registration {
	switch n % 3 {
	case 0:
		return registered(methodPush, methodFIDO2, methodWHfB, methodPush, methodOTP)
	case 1:
		return registered(methodPush, methodPush, methodOTP)
	default:
		// A Global Administrator on SMS alone: common, and due before 2027-02-01.
		return registered(methodMobilePhone, methodMobilePhone)
	}
}

func registered(defaultMethod string, methods ...string) inventory.Registration {
	return inventory.Registration{
		IsMfaRegistered:   true,
		IsMfaCapable:      true,
		MethodsRegistered: methods,
		DefaultMethod:     defaultMethod,
	}
}

func unregistered() inventory.Registration {
	return inventory.Registration{MethodsRegistered: []string{}, DefaultMethod: "none"}
}

// perUserMFA writes every account's legacy per-user MFA state: "disabled"
// for nearly all, "enforced" or "enabled" for a handful left over from before
// Conditional Access.
func (g *generator) perUserMFA() {
	handful := max(2, len(g.snap.Users)/2000)
	enforced, enabled := 0, 0
	for i, u := range g.snap.Users {
		a := &g.accts[i]
		if a.cohort == officeWorker && a.perUser == "" {
			switch {
			case enforced < handful:
				a.perUser = "enforced"
				enforced++
			case enabled < handful:
				a.perUser = "enabled"
				enabled++
			}
		}
		state := a.perUser
		if state == "" {
			state = "disabled"
		}
		g.snap.PerUserMFA[u.ID] = state
	}
}
