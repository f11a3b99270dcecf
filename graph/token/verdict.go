package token

import (
	"fmt"
	"strings"
)

// The advice a person needs when a token lacks the claim. Partner Center
// reads amr on every app+user request; the claim is stamped at sign-in and
// copied into every token refreshed from that sign-in, so the fix is always
// a new sign-in that performs MFA, never a change to the token request.
const (
	adviceSignIn = "Sign in again through a Conditional Access policy that requires multifactor authentication " +
		"(or with security defaults on), then ask for a new token: amr is written at sign-in and a token only carries what that sign-in did."
	adviceSecureAppModel = "For unattended Partner Center calls, use the Secure Application Model: grant app+user consent " +
		"with an account that completes MFA, then get access tokens from that refresh token; they carry the same amr, including mfa."
	adviceEnforceHeader = "Test against the Partner Center API with the header MS-Enforce-MFA: true: " +
		"a token without the claim is refused there (401, MFA required) exactly as it will be under enforcement."
	adviceAppOnly = "App-only tokens (client credentials, idtyp=app) have no amr and can never carry the claim: " +
		"Partner Center app+user calls need a user token."
)

// judge writes the one-line verdict and, when the claim is missing, the
// steps that get it.
func judge(k Check) (string, []string) {
	if k.HasMFA {
		v := "MFA claim present: amr contains mfa — Partner Center will accept this token"
		if k.Expired {
			v += fmt.Sprintf(" once refreshed (this one expired at %s; a refreshed token keeps the claim)", k.Expires.Format("2006-01-02 15:04 UTC"))
		}
		return v, nil
	}
	switch {
	case k.AppOnly:
		return "No MFA claim: this is an app-only token, which cannot carry amr — Partner Center app+user calls need a user token signed in with MFA",
			[]string{adviceAppOnly, adviceSecureAppModel, adviceEnforceHeader}
	case k.AMR == nil:
		return "No MFA claim: the token has no amr claim — sign in again with MFA and ask for a new token",
			[]string{adviceSignIn, adviceSecureAppModel, adviceEnforceHeader}
	default:
		return fmt.Sprintf("No MFA claim: amr is [%s] — sign in again through a policy that requires MFA and ask for a new token", strings.Join(k.AMR, " ")),
			[]string{adviceSignIn, adviceSecureAppModel, adviceEnforceHeader}
	}
}
