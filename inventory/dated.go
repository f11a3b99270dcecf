package inventory

import "time"

// DatedFact is a date in Microsoft's schedule that changes what advice is
// honest (DOMAIN.md §6), with where it was announced.
type DatedFact struct {
	Key    string
	Date   time.Time // the date that matters most for the advice
	Text   string
	Source string // the announcement, as its title and address
}

// Keys of DatedFacts.
const (
	DatedEXOBasicAuthOff   = "exo_basic_auth_off"
	DatedSMTPAuthBasicAuth = "smtp_auth_basic_auth"
	DatedEWSRetirement     = "ews_retirement"
	DatedSMSVoiceRetired   = "sms_voice_retirement"
	DatedPartnerCenterMFA  = "partner_center_mfa_claim"
	DatedEntraConnectApp   = "entra_connect_app_auth"
	DatedCSPAuthorization  = "csp_authorization_mfa"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DatedFacts is the one table of Microsoft's dates, as of November 2026. A
// change of schedule is one edit here.
var DatedFacts = map[string]DatedFact{
	DatedEXOBasicAuthOff: {
		Key:  DatedEXOBasicAuthOff,
		Date: date(2022, time.December, 31),
		Text: "Exchange Online turned basic auth off for IMAP, POP, Exchange ActiveSync, EWS, MAPI, Outlook Anywhere and the rest at the end of 2022: an app password cannot help those protocols there.",
		Source: "Microsoft Learn, \"Deprecation of Basic authentication in Exchange Online\" " +
			"(https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/deprecation-of-basic-authentication-exchange-online)",
	},
	DatedSMTPAuthBasicAuth: {
		Key:  DatedSMTPAuthBasicAuth,
		Date: date(2026, time.December, 31),
		Text: "SMTP AUTH (client submission) still takes basic auth: off by default for existing tenants from the end of December 2026, removed at a date Microsoft will announce in the second half of 2027. The app_password path lives only until then.",
		Source: "Exchange Team Blog, \"Exchange Online to retire Basic auth for Client Submission (SMTP AUTH)\" and its updated timeline " +
			"(https://techcommunity.microsoft.com/blog/exchange/)",
	},
	DatedEWSRetirement: {
		Key:  DatedEWSRetirement,
		Date: date(2027, time.April, 1),
		Text: "Exchange Web Services in Exchange Online is switched off from 2026-10-01 and gone on 2027-04-01: move to Microsoft Graph.",
		Source: "Exchange Team Blog, \"Retirement of Exchange Web Services in Exchange Online\" and its updated timeline " +
			"(https://techcommunity.microsoft.com/blog/exchange/)",
	},
	DatedSMSVoiceRetired: {
		Key:  DatedSMSVoiceRetired,
		Date: date(2027, time.February, 1),
		Text: "Microsoft-provided SMS and voice methods are retired on 2027-02-01; users with only those get a blocking passkey registration.",
		Source: "Microsoft Entra announcement of the retirement of Microsoft-provided SMS and voice authentication " +
			"(Microsoft 365 message center; https://learn.microsoft.com/entra/identity/authentication/concept-authentication-phone-options)",
	},
	DatedPartnerCenterMFA: {
		Key:  DatedPartnerCenterMFA,
		Date: date(2026, time.April, 1),
		Text: "App + user calls to the Partner Center API need the MFA claim since 2026-04-01 (error 900421 without it); the Azure portals, the Microsoft 365 admin center and Azure Resource Manager demand MFA too, so a service account that signs in there with a password breaks.",
		Source: "Partner Center, \"Partner security requirements\" (https://learn.microsoft.com/partner-center/security/partner-security-requirements) " +
			"and Microsoft Entra, \"Mandatory multifactor authentication for Azure and admin portals\" " +
			"(https://learn.microsoft.com/entra/identity/authentication/concept-mandatory-multifactor-authentication)",
	},
	DatedEntraConnectApp: {
		Key:  DatedEntraConnectApp,
		Date: date(2026, time.September, 30),
		Text: "Entra Connect Sync needs version 2.5.79.0 by 2026-09-30 and supports application-based authentication from 2.5.3.0, which replaces the Sync_ account.",
		Source: "Microsoft Learn, \"Microsoft Entra Connect: Version release history\" " +
			"(https://learn.microsoft.com/entra/identity/hybrid/connect/reference-connect-version-history)",
	},
	DatedCSPAuthorization: {
		Key:  DatedCSPAuthorization,
		Date: date(2025, time.October, 1),
		Text: "Partner Center's CSP authorization rules (from 2025-10-01) check MFA for all administrative users each year; the Partner Agreement asks it of every user, guests included.",
		Source: "Partner Center announcements, CSP authorization requirements " +
			"(https://learn.microsoft.com/partner-center/announcements/)",
	},
}

// datedFor lists the keys of DatedFacts that bear on an account.
func datedFor(p Path, m *markerSet, ev *evidence) []string {
	var keys []string
	if p == AppPassword || ev.usedLegacy(clientSMTP) {
		keys = append(keys, DatedSMTPAuthBasicAuth)
	}
	for _, l := range ev.legacy {
		if l.client != clientSMTP && l.client != clientOther {
			keys = append(keys, DatedEXOBasicAuthOff)
			break
		}
	}
	if ev.usedLegacy(clientEWS) {
		keys = append(keys, DatedEWSRetirement)
	}
	if m.has(SMSVoiceOnly) {
		keys = append(keys, DatedSMSVoiceRetired)
	}
	if p == SecureAppModel {
		keys = append(keys, DatedPartnerCenterMFA)
	}
	if m.has(DirectorySync) {
		keys = append(keys, DatedEntraConnectApp)
	}
	if m.has(Privileged) {
		keys = append(keys, DatedCSPAuthorization)
	}
	return keys
}
