package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/mfaboard/mfaboard/inventory"
)

// Password rules. Length is what makes a password strong; composition
// rules only make people write them down.
const (
	MinPasswordLength = 12
	maxPasswordLength = 1024 // hashing a megabyte would be a cheap denial of service
)

// argon2id parameters: OWASP's "m=19 MiB, t=2, p=1". Verification reads
// them from the stored hash, so raising them later keeps old hashes valid.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// ValidatePassword refuses a password too short or too long to use, with a
// sentence.
func ValidatePassword(password string) error {
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return inventory.Errorf(inventory.EINVALID, "The password is too short: use at least %d characters (a few words make a good one).", MinPasswordLength)
	}
	if len(password) > maxPasswordLength {
		return inventory.Errorf(inventory.EINVALID, "The password is too long: use at most %d characters.", maxPasswordLength)
	}
	return nil
}

// HashPassword returns the argon2id hash of password as a PHC string:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func HashPassword(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC-encoded hash,
// comparing in constant time. A malformed hash never matches.
func VerifyPassword(encoded, password string) bool {
	p, ok := parsePHC(encoded)
	if !ok || len(password) > maxPasswordLength {
		return false
	}
	key := argon2.IDKey([]byte(password), p.salt, p.time, p.memory, p.threads, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1
}

type phc struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

// parsePHC reads an argon2id PHC string, refusing parameters beyond sane
// bounds so that a tampered row cannot make a sign-in allocate gigabytes.
func parsePHC(s string) (phc, bool) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return phc{}, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return phc{}, false
	}
	var p phc
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil {
		return phc{}, false
	}
	if p.memory < 8 || p.memory > 1<<20 || p.time < 1 || p.time > 16 || p.threads < 1 {
		return phc{}, false
	}
	var err error
	if p.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return phc{}, false
	}
	if p.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 64 {
		return phc{}, false
	}
	return p, true
}

// dummyHash is verified against when the e-mail is unknown, so that an
// unknown e-mail takes as long to refuse as a wrong password. It is made on
// first use: the CLI's other commands never pay for it.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not anybody's password, only there to spend the time")
	return h
})
