package token

import (
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mfaboard/mfaboard/graph/token/tokentest"
	"github.com/mfaboard/mfaboard/inventory"
)

// FuzzDecode feeds arbitrary text and tokens built from arbitrary claim
// values: the decoder never panics, refuses only with EINVALID, and reads
// back exactly the claims a well-formed token carries.
func FuzzDecode(f *testing.F) {
	f.Add("eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ4In0.", "ada@contoso.com", "pwd", "mfa", int64(1700000000), false)
	f.Add("Bearer a.b.c", "", "MFA", "", int64(0), true)
	f.Add("a.b.c.d.e", "x", "", "rsa", int64(-1), false)
	f.Add(`{"amr":["pwd","mfa"],"exp":1.5e9,"aud":["a",2],"roles":"r","idtyp":"app"}`, "u", "mfa", "", int64(1), true)
	f.Add("Authorization: Bearer \"e.e.e\"", "\x00", "pwd", "pwd", int64(1<<40), true)
	f.Fuzz(func(t *testing.T, raw, upn, amr1, amr2 string, exp int64, sign bool) {
		// raw as the whole input, and as the payload of a token, where it
		// reaches the claim readers.
		for _, input := range []string{raw, seg(`{"alg":"none"}`) + "." + seg(raw) + "."} {
			if _, err := DecodeAt(input, now); err != nil {
				if inventory.ErrorCode(err) != inventory.EINVALID {
					t.Fatalf("code %q: %v", inventory.ErrorCode(err), err)
				}
				if len(raw) > 16 && strings.Contains(err.Error(), strings.TrimSpace(raw)) {
					t.Fatalf("error quotes the input: %v", err)
				}
			}
		}

		// Round trip: whatever the values, a token built from them reads back.
		amr := []string{amr1, amr2}
		exp %= 1 << 34 // within the years a NumericDate holds exactly
		c := jwt.MapClaims{"tid": "t", "upn": upn, "amr": amr, "exp": exp}
		var s string
		if sign {
			s = tokentest.Signed(t, c)
		} else {
			s = unsigned(t, c)
		}
		k, err := DecodeAt(s, now)
		if err != nil {
			t.Fatalf("a built token does not decode: %v", err)
		}
		wantMFA := strings.EqualFold(amr1, "mfa") || strings.EqualFold(amr2, "mfa")
		if !printable(upn, amr1, amr2) {
			return // shown values replace what cannot be printed, by design
		}
		wantExp := time.Unix(exp, 0)
		if exp == 0 {
			wantExp = time.Time{} // jwt reads 0 as "not set"
		}
		wantExpired := exp != 0 && !now.Before(wantExp)
		if k.User != upn || !slices.Equal(k.AMR, amr) || k.HasMFA != wantMFA ||
			!k.Expires.Equal(wantExp) || k.Expired != wantExpired {
			t.Fatalf("round trip: %+v from upn %q amr %q exp %d", k, upn, amr, exp)
		}
		if (len(k.Advice) == 0) != k.HasMFA || k.Verdict == "" || strings.ContainsAny(k.Verdict, "\r\n") {
			t.Fatalf("verdict %q advice %v for HasMFA=%v", k.Verdict, k.Advice, k.HasMFA)
		}
	})
}

func printable(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
			return false
		}
	}
	return true
}
