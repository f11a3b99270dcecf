// Package tokentest makes access tokens for tests of the token check.
package tokentest

import (
	"crypto/rand"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// Signed is a token of claims signed with a throwaway HMAC key: the token
// check decodes and never verifies, so it must not care who signed.
func Signed(tb testing.TB, claims jwt.MapClaims) string {
	tb.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		tb.Fatal(err)
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
