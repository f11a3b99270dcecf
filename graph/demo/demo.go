// Package demo generates a realistic CSP partner tenant as an
// inventory.Snapshot: the demo tenant of `mfaboard serve --demo`, the large
// tenants of the benchmarks, and a fixture for tests. Every case DOMAIN.md
// names appears in it — office workers, admins and Partner Center agents,
// break-glass accounts, the Entra Connect sync account, IMAP and SMTP
// service accounts, Teams Rooms, guests of every kind, leavers — with the
// Conditional Access exclusions partners really write.
//
// The tenant is a pure function of its Options: the same Options give the
// same Snapshot, ids included.
package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mfaboard/mfaboard/inventory"
)

// Options shape the generated tenant. Zero values take the defaults.
type Options struct {
	// Users is the number of accounts in all (default 300). The named
	// accounts (break-glass, sync, rooms, integrations, ...) exist once in
	// every tenant, so a count below MinUsers gives MinUsers accounts.
	Users int
	// Policies is the number of Conditional Access policies. The hand-made
	// demo set (DemoPolicies of them) is always there; a larger count adds
	// generated variations up to it.
	Policies int
	// Groups is the number of groups. The hand-made set (DemoGroups of them)
	// is always there; a larger count adds generated groups nested
	// GroupDepth deep.
	Groups int
	// GroupDepth is how deep generated groups nest (default 3).
	GroupDepth int
	// Seed picks the tenant: the same seed gives the same tenant.
	Seed int64
	// AsOf is the moment the tenant is described at: sign-ins and
	// signInActivity fall in the 30 days before it, plus a few older events
	// that an assessment must ignore. Default: now (UTC), truncated to the
	// hour.
	AsOf time.Time
	// TenantName is the organisation's display name (default "Contoso
	// Partners"); the domains are derived from it.
	TenantName string
}

// Window is the sign-in window the generated events are placed in.
const Window = 30 * 24 * time.Hour

// Generate builds the tenant the options describe. It never fails: an
// option out of range takes its default or minimum.
func Generate(opts Options) *inventory.Snapshot {
	g := newGenerator(opts.withDefaults())
	g.tenant()
	g.accounts()
	g.assignRoles()
	g.registrations()
	g.signIns()
	g.perUserMFA()
	g.groups()
	g.roles()
	g.rooms()
	g.namedLocations()
	g.policies()
	g.policyVariations()
	g.partnerCenter()
	return g.snap
}

func (o Options) withDefaults() Options {
	if o.Users <= 0 {
		o.Users = 300
	}
	o.Users = max(o.Users, MinUsers)
	o.Policies = max(o.Policies, DemoPolicies)
	o.Groups = max(o.Groups, DemoGroups)
	if o.GroupDepth <= 0 {
		o.GroupDepth = 3
	}
	if o.AsOf.IsZero() {
		o.AsOf = time.Now()
	}
	// Whole hours keep every derived time on whole seconds, as Graph writes
	// them, and make two runs in the same hour agree.
	o.AsOf = o.AsOf.UTC().Truncate(time.Hour)
	if strings.TrimSpace(o.TenantName) == "" {
		o.TenantName = "Contoso Partners"
	}
	o.TenantName = strings.TrimSpace(o.TenantName)
	return o
}

// generator carries the tenant being built and what later steps need to
// know about each account beyond its Graph fields.
type generator struct {
	opts Options
	rng  *rand.Rand
	snap *inventory.Snapshot

	asOf        time.Time
	domain      string // the custom (default) domain
	onmicrosoft string // the initial domain

	accts      []account         // parallel to snap.Users
	taken      map[string]bool   // lower-case addresses given out
	nextNumber map[string]int    // per base address, the next number to try
	groupIDs   map[string]string // hand-made group display name → id
	genGroups  []genGroup        // generated groups, in order
	idBuf      []byte
}

func newGenerator(o Options) *generator {
	// Maps sized once: growing them is most of the cost of a large tenant.
	n := o.Users
	return &generator{
		opts: o,
		rng:  rand.New(rand.NewPCG(uint64(o.Seed), 0x6d6661626f617264)), // "mfaboard"
		snap: &inventory.Snapshot{
			Registrations: make(map[string]inventory.Registration, n),
			PerUserMFA:    make(map[string]string, n),
			SignIns:       make(map[string][]inventory.SignInFold, n),
			Present:       map[string]bool{},
		},
		asOf:       o.AsOf,
		taken:      make(map[string]bool, n+n/10),
		nextNumber: make(map[string]int, n),
		groupIDs:   make(map[string]string, o.Groups),
	}
}

func (g *generator) tenant() {
	words := domainWords(g.opts.TenantName)
	g.onmicrosoft = strings.Join(words, "") + ".onmicrosoft.com"
	g.domain = strings.Join(words, "-") + ".com"
	g.snap.Tenant = inventory.Tenant{
		ID:          g.idFor("tenant", g.opts.TenantName),
		DisplayName: g.opts.TenantName,
		Domains:     []string{g.domain, g.onmicrosoft},
	}
	defaults := false // CA policies exist, so security defaults are off
	g.snap.SecurityDefaults = &defaults
	for _, c := range inventory.Collections {
		g.snap.Present[c] = true
	}
}

// domainWords lowers a tenant name to the ASCII words a domain is made of.
func domainWords(name string) []string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	if len(words) == 0 {
		return []string{"tenant"}
	}
	return words
}

// idFor makes a Graph-shaped object id (a version 4 GUID) from the seed, the
// kind of object and a key unique within that kind, so an object keeps its id
// when other options change.
func (g *generator) idFor(kind, key string) string {
	b := binary.LittleEndian.AppendUint64(g.idBuf[:0], uint64(g.opts.Seed))
	b = append(b, kind...)
	b = append(b, 0)
	b = append(b, key...)
	g.idBuf = b
	sum := sha256.Sum256(b)
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], sum[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], sum[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], sum[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], sum[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], sum[10:16])
	return string(out[:])
}

// chance is true with probability percent/100.
func (g *generator) chance(percent int) bool {
	return g.rng.IntN(100) < percent
}

func pick[T any](g *generator, list []T) T {
	return list[g.rng.IntN(len(list))]
}

// daysAgo is a whole-second moment d days before AsOf, at a random time of
// that day's working hours (never after AsOf).
func (g *generator) daysAgo(d int) time.Time {
	offset := time.Duration(g.rng.Int64N(int64(14*time.Hour/time.Second))) * time.Second
	return g.asOf.Add(-time.Duration(d)*24*time.Hour - offset)
}

// inWindow is a moment well inside the window: at most 28 days back, so its
// UTC day starts inside the window too.
func (g *generator) inWindow() time.Time {
	return g.daysAgo(g.rng.IntN(29))
}

// beforeWindow is a moment between 32 and 45 days back: an event an
// assessment must ignore.
func (g *generator) beforeWindow() time.Time {
	return g.daysAgo(32 + g.rng.IntN(14))
}

// longAgo is a moment between from and to days back.
func (g *generator) longAgo(from, to int) time.Time {
	return g.daysAgo(from + g.rng.IntN(to-from+1))
}
