package token

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfaboard/mfaboard/graph/token/tokentest"
	"github.com/mfaboard/mfaboard/inventory"
)

var now = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// userClaims are what Entra ID puts in a delegated v1 token for Partner Center.
func userClaims(amr ...string) jwt.MapClaims {
	c := jwt.MapClaims{
		"aud":   "https://api.partnercenter.microsoft.com",
		"iss":   "https://sts.windows.net/6f1c2a4e-0000-4000-8000-000000000001/",
		"tid":   "6f1c2a4e-0000-4000-8000-000000000001",
		"upn":   "ada@contoso.onmicrosoft.com",
		"oid":   "0a0b0c0d-0000-4000-8000-000000000002",
		"appid": "fa2e5f2b-d98e-42d4-9891-cbcb51e6b960",
		"iat":   now.Add(-30 * time.Minute).Unix(),
		"nbf":   now.Add(-30 * time.Minute).Unix(),
		"exp":   now.Add(30 * time.Minute).Unix(),
		"acr":   "1",
		"scp":   "user_impersonation",
		"idtyp": "user",
	}
	if amr != nil {
		c["amr"] = amr
	}
	return c
}

func appOnlyClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"aud":   "https://graph.microsoft.com",
		"tid":   "6f1c2a4e-0000-4000-8000-000000000001",
		"oid":   "0a0b0c0d-0000-4000-8000-000000000003",
		"appid": "11111111-2222-4333-8444-555555555555",
		"roles": []string{"User.Read.All", "Policy.Read.All"},
		"iat":   now.Add(-5 * time.Minute).Unix(),
		"exp":   now.Add(55 * time.Minute).Unix(),
		"idtyp": "app",
	}
}

func unsigned(t testing.TB, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestTokenDecodeReadsTheMFAClaim(t *testing.T) {
	t.Parallel()
	expired := userClaims("pwd", "mfa")
	expired["exp"] = now.Add(-time.Minute).Unix()
	v2 := userClaims("pwd", "MFA")
	delete(v2, "upn")
	delete(v2, "appid")
	v2["preferred_username"] = "grace@contoso.com"
	v2["azp"] = "22222222-0000-4000-8000-000000000000"
	v2["aud"] = []string{"fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd", "https://api.partnercenter.microsoft.com"}

	tests := []struct {
		name    string
		input   func(t *testing.T) string
		mfa     bool
		appOnly bool
		expired bool
		user    string
		amr     []string
		verdict string
		advice  string // one advice line must contain this; "" means no advice at all
	}{
		{"signed with pwd and mfa", func(t *testing.T) string { return tokentest.Signed(t, userClaims("pwd", "mfa")) },
			true, false, false, "ada@contoso.onmicrosoft.com", []string{"pwd", "mfa"}, "MFA claim present: amr contains mfa", ""},
		{"unsigned alg none with mfa", func(t *testing.T) string { return unsigned(t, userClaims("pwd", "mfa")) },
			true, false, false, "ada@contoso.onmicrosoft.com", []string{"pwd", "mfa"}, "Partner Center will accept this token", ""},
		{"v2 claims and upper-case MFA", func(t *testing.T) string { return tokentest.Signed(t, v2) },
			true, false, false, "grace@contoso.com", []string{"pwd", "MFA"}, "MFA claim present", ""},
		{"password only", func(t *testing.T) string { return tokentest.Signed(t, userClaims("pwd")) },
			false, false, false, "ada@contoso.onmicrosoft.com", []string{"pwd"}, "No MFA claim: amr is [pwd]", "Conditional Access"},
		{"no amr at all", func(t *testing.T) string { return unsigned(t, userClaims()) },
			false, false, false, "ada@contoso.onmicrosoft.com", nil, "No MFA claim: the token has no amr claim", "MS-Enforce-MFA: true"},
		{"app-only", func(t *testing.T) string { return tokentest.Signed(t, appOnlyClaims()) },
			false, true, false, "0a0b0c0d-0000-4000-8000-000000000003", nil, "app-only token", "idtyp=app"},
		{"expired but with mfa", func(t *testing.T) string { return tokentest.Signed(t, expired) },
			true, false, true, "ada@contoso.onmicrosoft.com", []string{"pwd", "mfa"}, "expired at 2025-03-10 11:59 UTC", ""},
		{"Bearer prefix", func(t *testing.T) string { return "Bearer " + tokentest.Signed(t, userClaims("mfa")) },
			true, false, false, "ada@contoso.onmicrosoft.com", []string{"mfa"}, "MFA claim present", ""},
		{"whole header line with newline", func(t *testing.T) string {
			return "  Authorization: bearer " + tokentest.Signed(t, userClaims("pwd", "rsa")) + "\r\n"
		}, false, false, false, "ada@contoso.onmicrosoft.com", []string{"pwd", "rsa"}, "amr is [pwd rsa]", "Secure Application Model"},
		{"wrapped by a terminal", func(t *testing.T) string {
			s := tokentest.Signed(t, userClaims("mfa"))
			return s[:40] + "\n" + s[40:90] + "\n" + s[90:]
		}, true, false, false, "ada@contoso.onmicrosoft.com", []string{"mfa"}, "MFA claim present", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := DecodeAt(tt.input(t), now)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if k.HasMFA != tt.mfa || k.AppOnly != tt.appOnly || k.Expired != tt.expired {
				t.Errorf("HasMFA=%v AppOnly=%v Expired=%v, want %v %v %v", k.HasMFA, k.AppOnly, k.Expired, tt.mfa, tt.appOnly, tt.expired)
			}
			if k.User != tt.user {
				t.Errorf("User = %q, want %q", k.User, tt.user)
			}
			if !slices.Equal(k.AMR, tt.amr) {
				t.Errorf("AMR = %v, want %v", k.AMR, tt.amr)
			}
			if !strings.Contains(k.Verdict, tt.verdict) || strings.Contains(k.Verdict, "\n") {
				t.Errorf("verdict %q does not say %q on one line", k.Verdict, tt.verdict)
			}
			if tt.advice == "" && len(k.Advice) > 0 {
				t.Errorf("advice given for a token with the claim: %v", k.Advice)
			}
			if tt.advice != "" && !slices.ContainsFunc(k.Advice, func(a string) bool { return strings.Contains(a, tt.advice) }) {
				t.Errorf("no advice mentions %q: %v", tt.advice, k.Advice)
			}
		})
	}
}

func TestTokenDecodeShowsTheClaims(t *testing.T) {
	t.Parallel()
	k, err := DecodeAt(tokentest.Signed(t, userClaims("pwd", "mfa")), now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(k.Audience, []string{"https://api.partnercenter.microsoft.com"}) ||
		k.TenantID != "6f1c2a4e-0000-4000-8000-000000000001" ||
		k.AppID != "fa2e5f2b-d98e-42d4-9891-cbcb51e6b960" ||
		k.ACR != "1" || k.Scopes != "user_impersonation" ||
		!strings.HasPrefix(k.Issuer, "https://sts.windows.net/") {
		t.Errorf("claims not read: %+v", k)
	}
	if !k.IssuedAt.Equal(now.Add(-30*time.Minute)) || !k.NotBefore.Equal(now.Add(-30*time.Minute)) || !k.Expires.Equal(now.Add(30*time.Minute)) {
		t.Errorf("times: iat %v nbf %v exp %v", k.IssuedAt, k.NotBefore, k.Expires)
	}
	app, err := DecodeAt(tokentest.Signed(t, appOnlyClaims()), now)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(app.Roles, []string{"User.Read.All", "Policy.Read.All"}) || app.Scopes != "" {
		t.Errorf("roles %v scopes %q", app.Roles, app.Scopes)
	}
}

// A v1 app-only token without idtyp is still recognised by its shape.
func TestTokenAppOnlyWithoutIdtyp(t *testing.T) {
	t.Parallel()
	c := appOnlyClaims()
	delete(c, "idtyp")
	k, err := DecodeAt(tokentest.Signed(t, c), now)
	if err != nil || !k.AppOnly {
		t.Fatalf("AppOnly=%v err=%v", k.AppOnly, err)
	}
	c["upn"] = "someone@contoso.com"
	if k, _ := DecodeAt(tokentest.Signed(t, c), now); k.AppOnly {
		t.Fatal("a token naming a user was taken for app-only")
	}
}

func TestTokenDecodeRefusesWhatIsNotAToken(t *testing.T) {
	t.Parallel()
	header := seg(`{"alg":"HS256","typ":"JWT"}`)
	body := seg(`{"tid":"x","amr":["mfa"]}`)
	tests := []struct {
		name, input, says string
	}{
		{"empty", "   \n", "no token given"},
		{"bearer alone", "Bearer ", "no token given"},
		{"garbage", "hello world", "three parts separated by dots"},
		{"two parts", header + "." + body, "three parts separated by dots, and this has 2"},
		{"JWE", strings.Join([]string{seg(`{"alg":"RSA-OAEP","enc":"A256GCM"}`), "a", "b", "c", "d"}, "."), "encrypted token (JWE, five parts)"},
		{"header not base64", "%%%." + body + ".", "header"},
		{"header not JSON", seg("not json") + "." + body + ".", "header"},
		{"payload not base64", header + ".%%%.", "payload (the middle part) is not valid base64url JSON"},
		{"payload not JSON", header + "." + seg("{amr:") + ".", "payload (the middle part) is not valid base64url JSON"},
		{"payload an array", header + "." + seg(`["mfa"]`) + ".", "payload (the middle part) is not valid base64url JSON"},
		{"payload empty object", header + "." + seg(`{}`) + ".", "holds no claims"},
		{"payload null", header + "." + seg(`null`) + ".", "holds no claims"},
		{"signature not base64", header + "." + body + ".!!", "signature"},
		{"amr a number", header + "." + seg(`{"amr":7}`) + ".", "amr claim is not a list of strings"},
		{"amr with a number", header + "." + seg(`{"amr":["pwd",1]}`) + ".", "amr claim is not a list of strings"},
		{"exp a string", header + "." + seg(`{"exp":"tomorrow"}`) + ".", "exp claim is not a time"},
		{"tid an object", header + "." + seg(`{"tid":{}}`) + ".", "tid claim is not a string"},
		{"too long", strings.Repeat("a", MaxLength+1), "longer than any access token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeAt(tt.input, now)
			if err == nil {
				t.Fatal("decoded")
			}
			if inventory.ErrorCode(err) != inventory.EINVALID {
				t.Fatalf("code %q for %v", inventory.ErrorCode(err), err)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
			if len(tt.input) > 8 && strings.Contains(err.Error(), strings.TrimSpace(tt.input)) {
				t.Errorf("error quotes the input: %q", err)
			}
		})
	}
}

// An algorithm the library does not know does not hide the claims.
func TestTokenUnknownAlgorithmStillReads(t *testing.T) {
	t.Parallel()
	s := seg(`{"alg":"XY999"}`) + "." + seg(`{"tid":"t","amr":["mfa"]}`) + "." + seg("sig")
	k, err := DecodeAt(s, now)
	if err != nil || !k.HasMFA {
		t.Fatalf("HasMFA=%v err=%v", k.HasMFA, err)
	}
}
