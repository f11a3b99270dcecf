package inventory

import (
	"fmt"
	"net/url"
)

// Microsoft's documentation for each kind of fix.
const (
	docsExclusions           = "https://learn.microsoft.com/entra/identity/conditional-access/policy-all-users-mfa-strength"
	docsRequireMFA           = "https://learn.microsoft.com/entra/identity/conditional-access/policy-all-users-mfa-strength"
	docsReportOnly           = "https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-report-only"
	docsRegistrationCampaign = "https://learn.microsoft.com/entra/identity/authentication/how-to-mfa-registration-campaign"
	docsBlockLegacy          = "https://learn.microsoft.com/entra/identity/conditional-access/policy-block-legacy-authentication"
	docsAppPassword          = "https://learn.microsoft.com/entra/identity/authentication/howto-mfa-app-passwords"
	docsAppOnlyOAuth         = "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth"
	docsSecureAppModel       = "https://learn.microsoft.com/partner-center/developer/enable-secure-app-model"
	docsEntraConnectApp      = "https://learn.microsoft.com/entra/identity/hybrid/connect/authenticate-application-id"
	docsTeamsRooms           = "https://learn.microsoft.com/microsoftteams/rooms/supported-ca-and-compliance-policies"
	docsPartnerRequirements  = "https://learn.microsoft.com/partner-center/security/partner-security-requirements"
)

// The Entra admin center's pages of a policy and a group.
const (
	entraPolicyURL = "https://entra.microsoft.com/#view/Microsoft_AAD_ConditionalAccess/PolicyBlade/policyId/"
	entraGroupURL  = "https://entra.microsoft.com/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/"
)

func policyRef(p *Policy) *FixRef {
	name := p.DisplayName
	if name == "" {
		name = p.ID
	}
	return &FixRef{ID: p.ID, Name: name, URL: entraPolicyURL + url.PathEscape(p.ID)}
}

func groupFixRef(id, name string) *FixRef {
	return &FixRef{ID: id, Name: name, URL: entraGroupURL + url.PathEscape(id)}
}

// starred is the name set off as every reason sets it off.
func (r *FixRef) starred() string { return "*" + r.Name + "*" }

func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

func devices(n int) string     { return plural(n, "device") }
func roomDevices(n int) string { return plural(n, "room device") }

func theirOrIts(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}
