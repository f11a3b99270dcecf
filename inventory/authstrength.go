package inventory

import "strings"

// methodModes maps a methodsRegistered value of userRegistrationDetails to
// the authentication method modes of an authentication strength's allowed
// combinations ("fido2", "password,microsoftAuthenticatorPush", ...) it can
// satisfy. Keys are lower case.
var methodModes = map[string][]string{
	"microsoftauthenticatorpush":         {"microsoftAuthenticatorPush"},
	"microsoftauthenticatorpasswordless": {"deviceBasedPush"},
	"softwareonetimepasscode":            {"softwareOath"},
	"hardwareonetimepasscode":            {"hardwareOath"},
	"mobilephone":                        {"sms", "voice"},
	"alternatemobilephone":               {"voice"},
	"officephone":                        {"voice"},
	"email":                              {"email"},
	"fido2":                              {"fido2"},
	"fido2securitykey":                   {"fido2"},
	"passkeydevicebound":                 {"fido2"},
	"passkeydeviceboundauthenticator":    {"fido2"},
	"passkeydeviceboundwindowshello":     {"fido2"},
	"passkeysynced":                      {"fido2"},
	"windowshelloforbusiness":            {"windowsHelloForBusiness"},
	"temporaryaccesspass":                {"temporaryAccessPassOneTime", "temporaryAccessPassMultiUse"},
	"qrcode":                             {"qrCodePin"},
	"qrcodepin":                          {"qrCodePin"},
}

// alwaysHeld are modes every account has: a password. Certificates and
// federation do not show in registration details, so combinations that need
// them are never counted as met.
var alwaysHeld = []string{"password"}

// StrengthMet reports whether registered methods can meet at least one of
// the allowed combinations of an authentication strength.
func StrengthMet(s *AuthStrength, methodsRegistered []string) bool {
	held := map[string]bool{}
	for _, m := range alwaysHeld {
		held[strings.ToLower(m)] = true
	}
	for _, m := range methodsRegistered {
		for _, mode := range methodModes[strings.ToLower(m)] {
			held[strings.ToLower(mode)] = true
		}
	}
	for _, combo := range s.AllowedCombinations {
		if comboMet(combo, held) {
			return true
		}
	}
	return false
}

func comboMet(combo string, held map[string]bool) bool {
	atoms := 0
	for _, a := range strings.Split(combo, ",") {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "" {
			continue
		}
		atoms++
		if !held[a] {
			return false
		}
	}
	return atoms > 0
}

func strengthName(s *AuthStrength) string {
	if s.DisplayName != "" {
		return s.DisplayName
	}
	if s.ID != "" {
		return s.ID
	}
	return "(unnamed authentication strength)"
}

// multiFactorModes are the authentication method modes that are
// multi-factor on their own; every other mode alone (password, sms, voice,
// email, an OATH code, federatedSingleFactor, x509CertificateSingleFactor,
// qrCodePin, a mode Graph adds later) is a single factor.
var multiFactorModes = map[string]bool{
	"windowshelloforbusiness":     true,
	"fido2":                       true,
	"x509certificatemultifactor":  true,
	"devicebasedpush":             true,
	"temporaryaccesspassonetime":  true,
	"temporaryaccesspassmultiuse": true,
	"federatedmultifactor":        true,
}

// StrengthGrantsMFA applies DOMAIN.md §3 to an authentication strength: it
// grants an MFA claim when Graph says it satisfies "mfa", or, where Graph
// does not say, when every allowed combination is multi-factor (two modes,
// or one mode that is multi-factor on its own). When it does not, single
// is the first single-factor combination it allows ("" when Graph says it
// satisfies something else and none looks single-factor).
func StrengthGrantsMFA(s *AuthStrength) (ok bool, single string) {
	for _, combo := range s.AllowedCombinations {
		if !comboMultiFactor(combo) {
			single = strings.TrimSpace(combo)
			break
		}
	}
	if req := strings.TrimSpace(s.RequirementsSatisfied); req != "" {
		return strings.EqualFold(req, "mfa"), single
	}
	return single == "", single
}

// comboMultiFactor: an empty combination allows nothing, so it lets no
// sign-in through without MFA.
func comboMultiFactor(combo string) bool {
	atoms, only := 0, ""
	for _, a := range strings.Split(combo, ",") {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			atoms++
			only = a
		}
	}
	return atoms != 1 || multiFactorModes[only]
}
