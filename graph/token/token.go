// Package token reads an Entra ID access token and says whether it carries
// the MFA claim Partner Center checks on every app+user request.
//
// The token is parsed without verifying its signature: we do not hold the
// issuer's signing keys (Graph tokens cannot even be verified by third
// parties) and we only read what the token says about its own sign-in. No
// function here keeps, logs or echoes the token text.
package token

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// MaxLength bounds the input we agree to read; Entra access tokens stay well
// under 16 KB even with many group claims.
const MaxLength = 64 << 10

// Check is what an access token says about its sign-in.
type Check struct {
	Audience []string
	Issuer   string
	TenantID string // tid
	User     string // upn, unique_name, preferred_username or oid
	AppID    string // appid (v1) or azp (v2)

	IssuedAt, NotBefore, Expires time.Time // zero when the claim is absent
	Expired                      bool

	AMR     []string
	ACR     string
	Scopes  string // scp: delegated permissions, space separated
	Roles   []string
	AppOnly bool // idtyp=app, or application permissions with no user in the token

	// HasMFA: amr contains "mfa" (case-insensitive), the claim Partner Center checks.
	HasMFA  bool
	Verdict string   // one line
	Advice  []string // what to do when HasMFA is false; empty otherwise
}

// Decode reads a token as of now. See DecodeAt.
func Decode(raw string) (Check, error) { return DecodeAt(raw, time.Now()) }

// DecodeAt reads a token and judges expiry against now. raw may carry
// surrounding whitespace or quotes, a leading "Bearer ", or be a whole
// "Authorization: Bearer …" header line. Anything that is not a readable JWT
// is an inventory.EINVALID error whose sentence says what is wrong and never
// quotes the input.
func DecodeAt(raw string, now time.Time) (Check, error) {
	if len(raw) > MaxLength {
		return Check{}, invalid("the input is %d KB, far longer than any access token: paste only the token", len(raw)>>10)
	}
	s := unwrap(raw)
	if s == "" {
		return Check{}, invalid("no token given: paste the access token, the long text that starts with eyJ")
	}
	if n := strings.Count(s, ".") + 1; n != 3 {
		return Check{}, wrongShape(n)
	}

	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithPaddingAllowed())
	_, _, err := parser.ParseUnverified(s, claims)
	// An algorithm this library does not know does not stop us reading the
	// claims, which were decoded before the algorithm was looked up.
	if err != nil && !errors.Is(err, jwt.ErrTokenUnverifiable) {
		return Check{}, diagnose(parser, s)
	}
	if len(claims) == 0 {
		return Check{}, invalid("the token's payload holds no claims: this is not an access token")
	}
	return readClaims(claims, now)
}

// unwrap strips what people paste around a token: the header name, the
// scheme, quotes, and line breaks a terminal or e-mail inserted.
func unwrap(raw string) string {
	s := strings.TrimSpace(raw)
	if name, rest, ok := strings.Cut(s, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Authorization") {
		s = strings.TrimSpace(rest)
	}
	if end := strings.IndexFunc(s, unicode.IsSpace); strings.EqualFold(s, "Bearer") || end == len("Bearer") && strings.EqualFold(s[:end], "Bearer") {
		s = strings.TrimSpace(s[len("Bearer"):])
	}
	s = strings.Trim(s, `"'`)
	// base64url never contains whitespace, so any inside is from wrapping.
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func wrongShape(parts int) error {
	switch parts {
	case 1:
		return invalid("this is not a JWT: a token has three parts separated by dots, and this has no dots")
	case 5:
		return invalid("this is an encrypted token (JWE, five parts) and cannot be read: ask for an access token for Graph or Partner Center, not an ID token for another app")
	default:
		return invalid("this is not a JWT: a token has three parts separated by dots, and this has %d", parts)
	}
}

// diagnose says which part of a three-part token is unreadable; it runs
// only after the parser refused the token, whose own errors name no part a
// person would recognise.
func diagnose(p *jwt.Parser, s string) error {
	parts := strings.SplitN(s, ".", 3)
	var object map[string]any
	if b, err := p.DecodeSegment(parts[0]); err != nil || json.Unmarshal(b, &object) != nil {
		return invalid("the header (the first part, before the first dot) is not valid base64url JSON: the token was probably cut or changed when it was copied")
	}
	if b, err := p.DecodeSegment(parts[1]); err != nil || json.Unmarshal(b, &object) != nil {
		return invalid("the payload (the middle part) is not valid base64url JSON: the token was probably cut or changed when it was copied")
	}
	if _, err := p.DecodeSegment(parts[2]); err != nil {
		return invalid("the signature (the last part) is not valid base64url: the token was probably cut or changed when it was copied")
	}
	return invalid("the token cannot be read")
}

func invalid(format string, args ...any) error {
	return inventory.Errorf(inventory.EINVALID, format, args...)
}

// readClaims picks the claims we show. A known claim of the wrong type is
// refused rather than silently dropped: a token that says amr is a number
// did not come from Entra ID.
func readClaims(c jwt.MapClaims, now time.Time) (Check, error) {
	var k Check
	aud, err := c.GetAudience()
	if err != nil {
		return Check{}, wrongType("aud", "a string or a list of strings")
	}
	k.Audience = []string(aud)
	for _, d := range []struct {
		name string
		into *time.Time
	}{{"iat", &k.IssuedAt}, {"nbf", &k.NotBefore}, {"exp", &k.Expires}} {
		if *d.into, err = numericDate(c, d.name); err != nil {
			return Check{}, err
		}
	}
	k.Expired = !k.Expires.IsZero() && !now.Before(k.Expires)

	strs := map[string]*string{"iss": &k.Issuer, "tid": &k.TenantID, "acr": &k.ACR, "scp": &k.Scopes}
	for name, into := range strs {
		if *into, err = stringClaim(c, name); err != nil {
			return Check{}, err
		}
	}
	if k.User, err = firstString(c, "upn", "unique_name", "preferred_username", "oid"); err != nil {
		return Check{}, err
	}
	if k.AppID, err = firstString(c, "appid", "azp"); err != nil {
		return Check{}, err
	}
	if k.AMR, err = stringList(c, "amr"); err != nil {
		return Check{}, err
	}
	if k.Roles, err = stringList(c, "roles"); err != nil {
		return Check{}, err
	}
	idtyp, err := stringClaim(c, "idtyp")
	if err != nil {
		return Check{}, err
	}
	// v1 tokens may lack idtyp; an app-only token then has roles, no scp and
	// no user name (its oid is the service principal's, so upn decides).
	k.AppOnly = strings.EqualFold(idtyp, "app") ||
		(idtyp == "" && k.Scopes == "" && len(k.Roles) > 0 && !hasAny(c, "upn", "unique_name", "preferred_username"))
	for _, m := range k.AMR {
		if strings.EqualFold(m, "mfa") {
			k.HasMFA = true
		}
	}
	k.Verdict, k.Advice = judge(k)
	return k, nil
}

func wrongType(name, want string) error {
	return invalid("the %s claim is not %s, so this token did not come from Entra ID", name, want)
}

func numericDate(c jwt.MapClaims, name string) (time.Time, error) {
	if _, ok := c[name]; !ok {
		return time.Time{}, nil
	}
	var d *jwt.NumericDate
	var err error
	switch name {
	case "iat":
		d, err = c.GetIssuedAt()
	case "nbf":
		d, err = c.GetNotBefore()
	default:
		d, err = c.GetExpirationTime()
	}
	if err != nil {
		return time.Time{}, wrongType(name, "a time in seconds")
	}
	if d == nil { // the library reads 0 as "not set"
		return time.Time{}, nil
	}
	return d.UTC(), nil
}

func stringClaim(c jwt.MapClaims, name string) (string, error) {
	v, ok := c[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", wrongType(name, "a string")
	}
	return shown(s), nil
}

// shown makes a claim value safe to print on one line: a crafted token must
// not move a terminal's cursor or split the verdict.
func shown(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '\uFFFD'
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func firstString(c jwt.MapClaims, names ...string) (string, error) {
	for _, n := range names {
		s, err := stringClaim(c, n)
		if err != nil || s != "" {
			return s, err
		}
	}
	return "", nil
}

func hasAny(c jwt.MapClaims, names ...string) bool {
	for _, n := range names {
		if s, _ := c[n].(string); s != "" {
			return true
		}
	}
	return false
}

// stringList reads a list of strings; a lone string counts as a list of one,
// as some issuers write single-valued arrays that way.
func stringList(c jwt.MapClaims, name string) ([]string, error) {
	switch v := c[name].(type) {
	case nil:
		return nil, nil
	case string:
		return []string{shown(v)}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, wrongType(name, "a list of strings")
			}
			out = append(out, shown(s))
		}
		return out, nil
	default:
		return nil, wrongType(name, "a list of strings")
	}
}
