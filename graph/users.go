package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	abs "github.com/microsoft/kiota-abstractions-go"
	"golang.org/x/sync/errgroup"

	"github.com/mfaboard/mfaboard/inventory"
)

// A userPrincipalName holds only A–Z, a–z, 0–9 and ' . - _ ! # ^ ~ before
// its @ (Microsoft Entra's username policy), and Graph compares it without
// regard to case, so these prefixes split the users into parts that cover
// them all, each read with $filter=startswith(userPrincipalName,'…'), which
// /users supports without advanced query parameters. After a prefix, "@"
// ends the name. A UPN that breaks the policy is still read: see sweep.
const (
	upnFirst = "abcdefghijklmnopqrstuvwxyz0123456789'.-_!#^~"
	upnNext  = upnFirst + "@"
	// maxPrefix bounds how far a part is split.
	maxPrefix = 8
	// usersPage is Graph's page of users when signInActivity is selected.
	usersPage = 120
)

// errNoCount is Graph not counting users (no advanced queries, as in a B2C
// tenant).
var errNoCount = errors.New("graph did not count the users")

// userPart is one prefix of the users and how many there are.
type userPart struct {
	prefix string
	n      int
}

// users reads /users with signInActivity, in parts side by side. It counts
// the users first (an advanced query: $count with ConsistencyLevel:
// eventual, 20 counts to a $batch), by first letter of their UPN, and
// splits a letter that holds too many for one chain of pages into its
// two-letter prefixes, and so on, so no part takes much longer than the
// rest. Every account reaches the sink exactly once, whatever its UPN: if
// fewer came than were counted, sweep finds the rest. Without a count, the
// users are read in one listing.
//
// Graph refuses signInActivity to a tenant without Entra ID P1 or an app
// without AuditLog.Read.All; the accounts are then read without it, with a
// warning, since users are the one collection a sync cannot do without.
func (f *fetcher) users(ctx context.Context) error {
	var (
		sel   string
		parts []userPart
		total int
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		var err error
		sel, err = f.userSelect(gctx)
		return err
	})
	g.Go(func() error {
		var err error
		total, parts, err = f.planUsers(gctx)
		return err
	})
	err := g.Wait()
	switch statusOf(err) {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusNotImplemented:
		err = errors.Join(errNoCount, err)
	}
	if errors.Is(err, errNoCount) {
		f.c.log.Debug("graph would not count the users; reading them in one listing", "error", err)
		f.setUserTotal(-1)
		return f.usersInOneListing(ctx)
	}
	if err != nil {
		return err
	}
	f.setUserTotal(total)
	pages := 0
	for _, p := range parts {
		pages += (p.n + usersPage - 1) / usersPage
	}
	f.prog.update(inventory.CollUsers, func(t *track) {
		t.ItemsTotal, t.RequestsTotal, t.lanes = total, t.Requests+pages, max(len(parts), 1)
		t.Note = fmt.Sprintf("read in %d parts by UPN", len(parts))
	})
	f.c.log.Debug("graph users counted", "users", total, "parts", len(parts))

	// The largest parts first, so they are not the ones left at the end.
	slices.SortStableFunc(parts, func(a, b userPart) int { return b.n - a.n })
	g, gctx = errgroup.WithContext(ctx)
	for _, p := range parts {
		g.Go(func() error {
			ri := f.c.request("v1.0", "/users", nil, map[string]string{
				"$filter": "startswith(userPrincipalName," + odataString(p.prefix) + ")", "$select": sel, "$top": "999",
			})
			pages := (p.n + usersPage - 1) / usersPage
			if err := f.userPages(expectedPages.with(gctx, func() int { return pages }), ri); err != nil {
				return fmt.Errorf("users whose UPN starts with %q: %w", p.prefix, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := f.begin(inventory.CollUsers); err != nil { // a tenant without users
		return err
	}
	f.usersMu.Lock()
	got := len(f.seen)
	f.usersMu.Unlock()
	if got < total {
		f.c.log.Info("fewer users read than counted; looking for the rest", "read", got, "counted", total)
		return f.sweep(ctx, sel)
	}
	return nil
}

// userSelect is the $select of the users: with signInActivity, unless
// Graph refuses it (then with a warning).
func (f *fetcher) userSelect(ctx context.Context) (string, error) {
	_, err := f.c.send(ctx, f.c.request("v1.0", "/users", nil, map[string]string{"$select": "id,signInActivity", "$top": "1"}))
	switch statusOf(err) {
	case 0:
		if err != nil {
			return "", err
		}
		return userSelect + ",signInActivity", nil
	case http.StatusForbidden:
		f.warnNoSignInActivity(err)
		return userSelect, nil
	}
	return "", err
}

// warnNoSignInActivity warns, once, that the accounts come without
// signInActivity.
func (f *fetcher) warnNoSignInActivity(err error) {
	f.usersMu.Lock()
	warned := f.noSignInActivity
	f.noSignInActivity = true
	f.usersMu.Unlock()
	if warned {
		return
	}
	f.warn(inventory.Warning{
		Source: inventory.CollUsers, Field: "signInActivity",
		Message: fmt.Sprintf("%s: reading signInActivity needs AuditLog.Read.All and an Entra ID P1 licence; accounts were read without last sign-in dates", err),
	})
}

// planUsers counts the users and splits them into parts of at most about
// limit users, by UPN prefix. A prefix whose longer prefixes do not add up
// to its own count (a UPN outside the username policy) stays one part.
func (f *fetcher) planUsers(ctx context.Context) (int, []userPart, error) {
	first := []string{""}
	for _, c := range upnFirst {
		first = append(first, string(c))
	}
	counts, err := f.countUsers(ctx, first)
	if err != nil {
		return 0, nil, err
	}
	total := counts[0]
	f.setUserTotal(total) // the sign-ins need not wait for the plan
	limit := max(4*usersPage, total/(2*f.opts.MaxConcurrency))
	var parts, level []userPart
	for i, c := range upnFirst {
		level = append(level, userPart{string(c), counts[i+1]})
	}
	for len(level) > 0 {
		var split []userPart
		for _, p := range level {
			switch {
			case p.n == 0:
			case p.n > limit && len(p.prefix) < maxPrefix:
				split = append(split, p)
			default:
				parts = append(parts, p)
			}
		}
		var children []string
		for _, p := range split {
			for _, c := range upnNext {
				children = append(children, p.prefix+string(c))
			}
		}
		if len(children) == 0 {
			break
		}
		counts, err := f.countUsers(ctx, children)
		if err != nil {
			return 0, nil, err
		}
		level = level[:0]
		for i, p := range split {
			kids := counts[i*len(upnNext) : (i+1)*len(upnNext)]
			sum := 0
			for _, n := range kids {
				sum += n
			}
			if sum != p.n {
				f.c.log.Debug("graph counts of a UPN prefix do not add up; reading it whole", "prefix", p.prefix, "count", p.n, "longer prefixes", sum)
				parts = append(parts, p)
				continue
			}
			for j, c := range upnNext {
				level = append(level, userPart{p.prefix + string(c), kids[j]})
			}
		}
	}
	return total, parts, nil
}

// countUsers counts the users whose UPN starts with each prefix ("": all
// users), 20 counts to a $batch, the batches side by side.
func (f *fetcher) countUsers(ctx context.Context, prefixes []string) ([]int, error) {
	counts := make([]int, len(prefixes))
	countStep := func(p string) step {
		q := url.Values{"$count": {"true"}, "$top": {"1"}, "$select": {"id"}}
		if p != "" {
			q.Set("$filter", "startswith(userPrincipalName,"+odataString(p)+")")
		}
		return step{url: "/users?" + q.Encode(), headers: map[string]string{"ConsistencyLevel": "eventual"}}
	}
	err := inBatches(ctx, f.c, prefixes, countStep, func(_ context.Context, from int, _ []string, answers []batchAnswer, err error) error {
		if err != nil {
			return err
		}
		for i, a := range answers {
			if a.Status != http.StatusOK {
				return newGraphError(a.Status, http.Header{}, a.Body)
			}
			var page struct {
				Count *int `json:"@odata.count"`
			}
			if err := json.Unmarshal(a.Body, &page); err != nil {
				return fmt.Errorf("a users count from Graph is not valid JSON (%v): the answer was cut or garbled", err)
			}
			if page.Count == nil || *page.Count < 0 {
				return errNoCount
			}
			counts[from+i] = *page.Count
		}
		return nil
	})
	return counts, err
}

// odataString writes s as an OData string literal.
func odataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// userPages walks a users listing into the sink, each account once.
func (f *fetcher) userPages(ctx context.Context, ri *abs.RequestInformation) error {
	return f.c.walk(ctx, ri, func(items []json.RawMessage, _ bool) error {
		return f.addUsers(items)
	})
}

// addUsers sends to the sink the accounts not sent yet.
func (f *fetcher) addUsers(items []json.RawMessage) error {
	if err := f.begin(inventory.CollUsers); err != nil {
		return err
	}
	fresh := items[:0:0]
	f.usersMu.Lock()
	for _, it := range items {
		id := idOf(it)
		if id != "" {
			if _, dup := f.seen[id]; dup {
				continue
			}
			f.seen[id] = struct{}{}
			f.userIDs = append(f.userIDs, id)
		}
		fresh = append(fresh, it)
	}
	f.usersMu.Unlock()
	return f.add(inventory.CollUsers, fresh...)
}

// idOf reads an object's id ("" when it has none: the decoder refuses it).
func idOf(raw json.RawMessage) string {
	return topString(raw, "id")
}

// topString reads a string field of a JSON object Graph wrote without
// decoding the rest of it: the value after the first "key":. That is the
// object's own for the fields read here, since no object nested in a user
// has an "id" (signInActivity, assignedLicenses) and none nested in a
// sign-in has a "createdDateTime". A value that is not a plain string, or
// a key not found, is looked up by decoding the object.
func topString(raw []byte, key string) string {
	i := bytes.Index(raw, []byte(`"`+key+`":`))
	if i >= 0 {
		rest := bytes.TrimLeft(raw[i+len(key)+3:], " \t\r\n")
		if len(rest) > 0 && rest[0] == '"' {
			if end := bytes.IndexByte(rest[1:], '"'); end >= 0 && bytes.IndexByte(rest[1:end+1], '\\') < 0 {
				return string(rest[1 : end+1])
			}
		}
	}
	var head map[string]json.RawMessage
	if json.Unmarshal(raw, &head) != nil {
		return ""
	}
	var v string
	if json.Unmarshal(head[key], &v) != nil {
		return ""
	}
	return v
}

// usersInOneListing reads /users in one listing, as when Graph would not
// count them.
func (f *fetcher) usersInOneListing(ctx context.Context) error {
	ri := f.c.request("v1.0", "/users", nil, map[string]string{"$select": userSelect + ",signInActivity", "$top": "999"})
	err := f.userPages(ctx, ri)
	if r, ok := isRefusal(refused(inventory.CollUsers, false, err)); ok && statusOf(err) == http.StatusForbidden && !f.anyUser() {
		f.warnNoSignInActivity(r.err)
		ri = f.c.request("v1.0", "/users", nil, map[string]string{"$select": userSelect, "$top": "999"})
		err = f.userPages(ctx, ri)
	}
	if r, ok := isRefusal(refused(inventory.CollUsers, f.anyUser(), err)); ok {
		// Without accounts there is nothing to assess: this is no warning.
		return fmt.Errorf("%w: reading users needs User.Read.All", r.err)
	}
	if err != nil {
		return err
	}
	return f.begin(inventory.CollUsers)
}

func (f *fetcher) anyUser() bool {
	f.usersMu.Lock()
	defer f.usersMu.Unlock()
	return len(f.seen) > 0
}

// sweep finds the accounts the parts missed — a UPN outside the username
// policy, or one renamed while the parts were read — by listing every id
// (999 to a page), and reads each missing account by its id, 20 to a
// $batch.
func (f *fetcher) sweep(ctx context.Context, sel string) error {
	var missing []string
	ri := f.c.request("v1.0", "/users", nil, map[string]string{"$select": "id", "$top": "999"})
	err := f.c.walk(ctx, ri, func(items []json.RawMessage, _ bool) error {
		f.usersMu.Lock()
		defer f.usersMu.Unlock()
		for _, it := range items {
			if id := idOf(it); id != "" {
				if _, ok := f.seen[id]; !ok {
					missing = append(missing, id)
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing the user ids: %w", err)
	}
	f.c.log.Info("users the parts missed", "users", len(missing))
	for from := 0; from < len(missing); from += batchSteps {
		chunk := missing[from:min(from+batchSteps, len(missing))]
		steps := make([]step, len(chunk))
		for i, id := range chunk {
			steps[i] = step{url: "/users/" + url.PathEscape(id) + "?" + url.Values{"$select": {sel}}.Encode()}
		}
		answers, err := f.c.batchGet(ctx, "v1.0", steps)
		if err != nil {
			return err
		}
		for i, a := range answers {
			switch a.Status {
			case http.StatusOK:
				if err := f.addUsers([]json.RawMessage{a.Body}); err != nil {
					return err
				}
			case http.StatusNotFound: // deleted meanwhile
			default:
				return fmt.Errorf("user %s: %w", chunk[i], newGraphError(a.Status, http.Header{}, a.Body))
			}
		}
	}
	return nil
}
