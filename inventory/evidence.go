package inventory

import (
	"strings"
	"time"
)

// legacyClients are the clientAppUsed values of the sign-in logs that are
// legacy (basic-auth) clients, by lower-case name (DOMAIN.md §1). Browser and
// "Mobile Apps and Desktop clients" are modern.
var legacyClients = map[string]string{}

// LegacyClientApps lists the legacy clientAppUsed values as the logs write them.
var LegacyClientApps = []string{
	"AutoDiscover", "Exchange ActiveSync", "Exchange Online PowerShell", "Exchange Web Services",
	"IMAP4", "MAPI Over HTTP", "Offline Address Book", "Other clients", "Outlook Anywhere (RPC over HTTP)",
	"POP3", "Reporting Web Services", "Authenticated SMTP", "Universal Outlook",
}

func init() {
	for _, c := range LegacyClientApps {
		legacyClients[strings.ToLower(c)] = c
	}
}

// Legacy clients an app password can still serve (DOMAIN.md §2).
const (
	clientSMTP  = "Authenticated SMTP"
	clientOther = "Other clients"
	clientEWS   = "Exchange Web Services"
)

// IsLegacyClient reports whether a clientAppUsed value is a legacy client,
// without regard to case.
func IsLegacyClient(clientAppUsed string) bool {
	_, ok := legacyClients[strings.ToLower(clientAppUsed)]
	return ok
}

// window is the stretch of time sign-in evidence counts in: [from, to].
type window struct{ from, to time.Time }

// overlaps reports whether a fold may hold an event inside the window.
func (w window) overlaps(f *SignInFold) bool {
	first, last := f.First, f.Last
	if first.IsZero() {
		first = f.Day
	}
	if last.IsZero() {
		last = first
	}
	return !last.Before(w.from) && !first.After(w.to)
}

// when is the latest moment of a fold inside the window, for a reason.
func (w window) when(f *SignInFold) time.Time {
	for _, t := range []time.Time{f.Last, f.First, f.Day} {
		if !t.IsZero() && !t.After(w.to) && !t.Before(w.from) {
			return t
		}
	}
	return f.Day
}

// use is how often, and how lately, an account used an app or client.
type use struct {
	app, client string
	count       int
	last        time.Time
}

// evidence is what one account's sign-in folds show.
type evidence struct {
	// legacy are successful legacy sign-ins in the window, one per client.
	legacy []use
	// singleFactor are successful single-factor sign-ins in the window,
	// one per app and client.
	singleFactor []use
	// nonInteractive: a successful non-interactive sign-in in the window.
	nonInteractive bool
	// interactive: a successful interactive sign-in anywhere in the logs.
	interactive bool
}

// evidenceOf reads the folds. Failed sign-ins are not evidence, and sign-ins
// outside the window are not counted (DOMAIN.md §3).
func evidenceOf(folds []SignInFold, w window) evidence {
	var ev evidence
	for i := range folds {
		f := &folds[i]
		if !f.Success {
			continue
		}
		if f.Interactive {
			ev.interactive = true
		}
		if !w.overlaps(f) {
			continue
		}
		n := max(f.Count, 1)
		t := w.when(f)
		if !f.Interactive {
			ev.nonInteractive = true
		}
		if name, ok := legacyClients[strings.ToLower(f.ClientAppUsed)]; ok {
			ev.legacy = addUse(ev.legacy, "", name, n, t)
		}
		if strings.EqualFold(f.Requirement, "singleFactorAuthentication") {
			ev.singleFactor = addUse(ev.singleFactor, f.App, f.ClientAppUsed, n, t)
		}
	}
	return ev
}

func addUse(list []use, app, client string, n int, t time.Time) []use {
	for i := range list {
		if list[i].app == app && list[i].client == client {
			list[i].count += n
			if t.After(list[i].last) {
				list[i].last = t
			}
			return list
		}
	}
	return append(list, use{app: app, client: client, count: n, last: t})
}

// legacyOnly reports whether every legacy sign-in used one of the clients.
func (ev *evidence) legacyOnly(clients ...string) bool {
	for _, u := range ev.legacy {
		if !containsFold(clients, u.client) {
			return false
		}
	}
	return len(ev.legacy) > 0
}

func (ev *evidence) usedLegacy(client string) bool {
	for _, u := range ev.legacy {
		if strings.EqualFold(u.client, client) {
			return true
		}
	}
	return false
}

// day formats a date for a reason: "16 Nov", with the year when it is not
// the year of the assessment.
func day(t, asOf time.Time) string {
	t = t.UTC()
	if t.Year() != asOf.UTC().Year() {
		return t.Format("2 Jan 2006")
	}
	return t.Format("2 Jan")
}
