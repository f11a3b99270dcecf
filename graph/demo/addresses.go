package demo

import (
	"strconv"
	"strings"
)

// uniqueUPN makes local@domain unique by numbering repeats, the way an
// administrator would (jan.devries, jan.devries2, ...).
func (g *generator) uniqueUPN(local, domain string) string {
	return g.uniqueLocal(local, domain) + "@" + domain
}

// uniqueLocal returns local, numbered if local@domain is taken. nextNumber
// remembers where numbering stopped for each name, so a common name costs
// no more than a rare one.
func (g *generator) uniqueLocal(local, domain string) string {
	key := strings.ToLower(local + "@" + domain)
	for n := max(g.nextNumber[key], 1); ; n++ {
		candidate := local
		if n > 1 {
			candidate += strconv.Itoa(n)
		}
		full := strings.ToLower(candidate + "@" + domain)
		if !g.taken[full] {
			g.taken[full] = true
			g.nextNumber[key] = n + 1
			return candidate
		}
	}
}

// localPart lowers a name to the letters a mailbox name keeps: "van den
// Berg" → "vandenberg".
func localPart(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
