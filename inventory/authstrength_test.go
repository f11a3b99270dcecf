package inventory

import "testing"

func TestStrengthMet(t *testing.T) {
	t.Parallel()
	phishingResistant := &AuthStrength{DisplayName: "Phishing-resistant MFA",
		AllowedCombinations: []string{"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"}}
	passwordless := &AuthStrength{DisplayName: "Passwordless MFA",
		AllowedCombinations: []string{"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush"}}
	multifactor := &AuthStrength{DisplayName: "Multifactor authentication", AllowedCombinations: []string{
		"windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush",
		"temporaryAccessPassOneTime", "temporaryAccessPassMultiUse",
		"password,microsoftAuthenticatorPush", "password,softwareOath", "password,hardwareOath",
		"password,sms", "password,voice", "federatedMultiFactor",
	}}
	tests := []struct {
		name     string
		strength *AuthStrength
		methods  []string
		want     bool
	}{
		{"FIDO2 key meets phishing-resistant", phishingResistant, []string{"fido2"}, true},
		{"newer FIDO2 name", phishingResistant, []string{"fido2SecurityKey"}, true},
		{"device-bound passkey in Authenticator", phishingResistant, []string{"passKeyDeviceBoundAuthenticator"}, true},
		{"Windows Hello", phishingResistant, []string{"windowsHelloForBusiness"}, true},
		{"push does not meet phishing-resistant", phishingResistant, []string{"microsoftAuthenticatorPush", "mobilePhone"}, false},
		{"phone sign-in meets passwordless", passwordless, []string{"microsoftAuthenticatorPasswordless"}, true},
		{"push with password meets multifactor", multifactor, []string{"microsoftAuthenticatorPush"}, true},
		{"SMS meets multifactor", multifactor, []string{"mobilePhone"}, true},
		{"office phone meets multifactor by voice", multifactor, []string{"officePhone"}, true},
		{"software OTP", multifactor, []string{"softwareOneTimePasscode"}, true},
		{"email alone does not", multifactor, []string{"email"}, false},
		{"nothing registered", multifactor, nil, false},
		{"method names ignore case", phishingResistant, []string{"FIDO2"}, true},
		{"combination atoms ignore case and spaces", &AuthStrength{AllowedCombinations: []string{"Password, SMS"}}, []string{"mobilePhone"}, true},
		{"SMS-only strength, alternate phone takes only voice", &AuthStrength{AllowedCombinations: []string{"password,sms"}}, []string{"alternateMobilePhone"}, false},
		{"no allowed combinations", &AuthStrength{DisplayName: "Empty"}, []string{"fido2"}, false},
		{"an empty combination meets nothing", &AuthStrength{AllowedCombinations: []string{"", " , "}}, []string{"fido2"}, false},
		{"unknown method", multifactor, []string{"someFutureMethod"}, false},
		{"certificates are not in registration details", &AuthStrength{AllowedCombinations: []string{"x509CertificateMultiFactor"}}, []string{"fido2"}, false},
		{"temporary access pass", multifactor, []string{"temporaryAccessPass"}, true},
	}
	for _, tt := range tests {
		if got := StrengthMet(tt.strength, tt.methods); got != tt.want {
			t.Errorf("%s: StrengthMet = %v, want %v", tt.name, got, tt.want)
		}
	}
}
