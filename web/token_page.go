package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaboard/mfaboard/graph/token"
	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/views"
)

// tokenShow serves GET /tools/token: the empty form.
func (s *Server) tokenShow(c echo.Context) error {
	noStore(c)
	return render(c, http.StatusOK, views.TokenCheckPage(views.TokenCheck{Page: pageOf(c, "Token check", "token")}))
}

// tokenCheck serves POST /tools/token. The token lives only in this
// function's variables (DOMAIN.md §5): it is never stored, logged, put in an
// error that could be logged, or written back into the page, and the
// answer may not be cached. Input that is not a token gets the decoder's
// sentence, which never quotes it, with status 400.
func (s *Server) tokenCheck(c echo.Context) error {
	p := pageOf(c, "Token check", "token")
	noStore(c)
	now := time.Now()
	k, err := token.DecodeAt(c.FormValue("token"), now)
	if err != nil {
		if inventory.ErrorCode(err) != inventory.EINVALID {
			return err
		}
		v := views.TokenCheck{Page: p, Error: inventory.ErrorMessage(err)}
		return render(c, http.StatusBadRequest, views.TokenCheckPage(v))
	}
	v := views.TokenCheck{Page: p, Checked: true, HasMFA: k.HasMFA, Verdict: k.Verdict, Advice: k.Advice, Claims: tokenClaims(k, now)}
	return render(c, http.StatusOK, views.TokenCheckPage(v))
}

// noStore keeps an answer out of every cache: the browser's back-forward
// cache and disk cache included.
func noStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
}

// tokenClaims lists what a person checks, in the order of the CLI's output.
func tokenClaims(k token.Check, now time.Time) []views.TokenClaim {
	kind := "user (delegated)"
	if k.AppOnly {
		kind = "app-only"
	}
	expiry := ""
	switch {
	case k.Expired:
		expiry = "expired"
	case !k.Expires.IsZero():
		expiry = "valid for another " + strings.TrimSuffix(k.Expires.Sub(now).Round(time.Minute).String(), "0s")
	}
	amrHint := "no mfa in it"
	if k.HasMFA {
		amrHint = "contains mfa"
	}
	if k.AMR == nil {
		amrHint = "absent"
	}
	return []views.TokenClaim{
		{Name: "audience", Value: strings.Join(k.Audience, ", ")},
		{Name: "tenant", Value: k.TenantID},
		{Name: "user", Value: k.User},
		{Name: "app", Value: k.AppID},
		{Name: "token type", Value: kind},
		{Name: "issued", Value: claimTime(k.IssuedAt)},
		{Name: "expires", Value: claimTime(k.Expires), Hint: expiry},
		{Name: "amr", Value: strings.Join(k.AMR, " "), Hint: amrHint},
		{Name: "acr", Value: k.ACR},
		{Name: "scopes", Value: k.Scopes},
		{Name: "roles", Value: strings.Join(k.Roles, " ")},
		{Name: "issuer", Value: k.Issuer},
	}
}

func claimTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return views.DateTime(t)
}
