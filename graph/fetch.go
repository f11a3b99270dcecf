package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// FetchOptions tune one read of the tenant.
type FetchOptions struct {
	Now          time.Time     // the moment of assessment; default time.Now()
	SignInWindow time.Duration // how far back sign-ins are read; default 30 days
	// Progress, if set, is told after every page how many objects of a
	// collection have reached the sink so far.
	Progress func(collection string, items int)
	// Concurrency is how many member listings or $batch requests are in
	// flight at once (default 4; Graph throttles a client that opens many).
	Concurrency int
}

// DefaultSignInWindow is DOMAIN.md's window of sign-in evidence.
const DefaultSignInWindow = 30 * 24 * time.Hour

func (o FetchOptions) withDefaults() FetchOptions {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.SignInWindow <= 0 {
		o.SignInWindow = DefaultSignInWindow
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	return o
}

// userSelect is the users.json request of GRAPH-EXPORT.md.
const userSelect = "id,displayName,userPrincipalName,mail,userType,accountEnabled,onPremisesSyncEnabled,createdDateTime,jobTitle,department,assignedLicenses"

// Fetch reads every collection of the tenant into sink: Begin once a
// collection's first answer has arrived, then Add for each object exactly as
// Graph wrote it. A collection Graph refuses (403, or 404 where an endpoint
// does not exist in a cloud) is not begun and comes back as a warning
// naming the permission or licence it needs. Anything else that stops a
// collection half-read — a dropped connection, a garbled page, a timeout, a
// 5xx or 429 that outlasted the retries, a refused token — is an error, and
// the caller must discard what the sink received.
//
// Users are read in full every run: /users/delta cannot select
// signInActivity, which the rules need.
func (c *Client) Fetch(ctx context.Context, sink export.Sink, opts FetchOptions) ([]inventory.Warning, error) {
	f := &fetcher{c: c, sink: sink, opts: opts.withDefaults()}
	steps := []struct {
		collection string
		read       func(context.Context) error
	}{
		{inventory.CollOrganization, f.plain(inventory.CollOrganization, "v1.0", "/organization", nil)},
		{inventory.CollUsers, f.users},
		{inventory.CollRegistrations, f.plain(inventory.CollRegistrations, "v1.0", "/reports/authenticationMethods/userRegistrationDetails", map[string]string{"$top": "999"})},
		{inventory.CollPolicies, f.plain(inventory.CollPolicies, "v1.0", "/identity/conditionalAccess/policies", nil)},
		{inventory.CollNamedLocations, f.plain(inventory.CollNamedLocations, "v1.0", "/identity/conditionalAccess/namedLocations", nil)},
		{inventory.CollSecurityDefaults, f.securityDefaults},
		{inventory.CollDirectoryRoles, f.directoryRoles},
		{inventory.CollGroups, f.groups},
		// The typed builder would send /places/graph.room; Graph documents
		// the cast with its full name.
		{inventory.CollRooms, f.plain(inventory.CollRooms, "v1.0", "/places/microsoft.graph.room", nil)},
		{inventory.CollSignIns, f.signIns},
		{inventory.CollPerUserMFA, f.perUserMFA},
	}
	for _, s := range steps {
		start := time.Now()
		err := s.read(ctx)
		if r, ok := isRefusal(err); ok {
			w := refusalWarning(r)
			c.log.Warn("graph collection not read", "collection", s.collection, "warning", w.Message)
			f.warnings = append(f.warnings, w)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s from Graph: %w", s.collection, c.explain(err))
		}
		c.log.Debug("graph collection read", "collection", s.collection, "items", f.counts[s.collection], "took", time.Since(start))
	}
	return f.warnings, nil
}

// fetcher is the state of one Fetch.
type fetcher struct {
	c        *Client
	sink     export.Sink
	opts     FetchOptions
	warnings []inventory.Warning
	counts   map[string]int
	userIDs  []string // for the per-user MFA batches
}

func (f *fetcher) begin(collection string) error {
	if f.counts == nil {
		f.counts = map[string]int{}
	}
	f.counts[collection] = 0
	if err := f.sink.Begin(collection); err != nil {
		return fmt.Errorf("sink: %w", err)
	}
	return nil
}

func (f *fetcher) add(collection string, items ...json.RawMessage) error {
	for _, it := range items {
		if err := f.sink.Add(collection, it); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
	}
	f.counts[collection] += len(items)
	return nil
}

func (f *fetcher) progress(collection string) {
	if f.opts.Progress != nil {
		f.opts.Progress(collection, f.counts[collection])
	}
}

// plain reads a collection whose objects go to the sink as they come.
func (f *fetcher) plain(collection, version, path string, query map[string]string) func(context.Context) error {
	return func(ctx context.Context) error {
		return f.collection(ctx, collection, f.c.request(version, path, nil, query), nil)
	}
}

// collection walks a request into the sink, beginning the collection once
// its first page has arrived. seen, if set, sees every object first.
func (f *fetcher) collection(ctx context.Context, collection string, first *abs.RequestInformation, seen func(json.RawMessage)) error {
	begun := false
	err := f.c.walk(ctx, first, func(items []json.RawMessage) error {
		if !begun {
			if err := f.begin(collection); err != nil {
				return err
			}
			begun = true
		}
		if seen != nil {
			for _, it := range items {
				seen(it)
			}
		}
		if err := f.add(collection, items...); err != nil {
			return err
		}
		f.progress(collection)
		return nil
	})
	return refused(collection, begun, err)
}

// users reads /users with signInActivity. Graph refuses signInActivity to
// a tenant without Entra ID P1 or an app without AuditLog.Read.All; the
// accounts are then read without it, with a warning, since users are the
// one collection a sync cannot do without.
func (f *fetcher) users(ctx context.Context) error {
	keepID := func(raw json.RawMessage) {
		var head struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &head) == nil && head.ID != "" {
			f.userIDs = append(f.userIDs, head.ID)
		}
	}
	// Graph pages users with signInActivity 120 at a time whatever $top says.
	ri := f.c.request("v1.0", "/users", nil, map[string]string{"$select": userSelect + ",signInActivity", "$top": "999"})
	err := f.collection(ctx, inventory.CollUsers, ri, keepID)
	if r, ok := isRefusal(err); ok && statusOf(err) == http.StatusForbidden {
		f.warnings = append(f.warnings, inventory.Warning{
			Source: inventory.CollUsers, Field: "signInActivity",
			Message: fmt.Sprintf("%s: reading signInActivity needs AuditLog.Read.All and an Entra ID P1 licence; accounts were read without last sign-in dates", r.err),
		})
		ri = f.c.request("v1.0", "/users", nil, map[string]string{"$select": userSelect, "$top": "999"})
		err = f.collection(ctx, inventory.CollUsers, ri, keepID)
	}
	if r, ok := isRefusal(err); ok {
		// Without accounts there is nothing to assess: this is no warning.
		return fmt.Errorf("%w: reading users needs User.Read.All", r.err)
	}
	return err
}

// securityDefaults reads the single policy object; it is the collection's
// one item.
func (f *fetcher) securityDefaults(ctx context.Context) error {
	body, err := f.c.send(ctx, f.c.request("v1.0", "/policies/identitySecurityDefaultsEnforcementPolicy", nil, nil))
	if err != nil {
		return refused(inventory.CollSecurityDefaults, false, err)
	}
	if !json.Valid(body) || len(body) == 0 || body[0] != '{' {
		return fmt.Errorf("the security defaults policy is not a JSON object: the answer was cut or garbled")
	}
	if err := f.begin(inventory.CollSecurityDefaults); err != nil {
		return err
	}
	if err := f.add(inventory.CollSecurityDefaults, json.RawMessage(body)); err != nil {
		return err
	}
	f.progress(inventory.CollSecurityDefaults)
	return nil
}

// signIns reads the beta sign-in log over the window, interactive and
// non-interactive events both (v1.0 has neither the non-interactive events
// nor authenticationRequirement).
func (f *fetcher) signIns(ctx context.Context) error {
	since := f.opts.Now.Add(-f.opts.SignInWindow).UTC().Truncate(time.Second)
	filter := "createdDateTime ge " + since.Format(time.RFC3339) +
		" and signInEventTypes/any(t: t eq 'interactiveUser' or t eq 'nonInteractiveUser')"
	ri := f.c.request("beta", "/auditLogs/signIns", nil, map[string]string{"$filter": filter, "$top": "999"})
	return f.collection(ctx, inventory.CollSignIns, ri, nil)
}
