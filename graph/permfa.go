package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// perUserMFA reads the per-user MFA state of the accounts whose verdicts it
// can change, from the beta /users/{id}/authentication/requirements, 20
// accounts per /beta/$batch. Which those are the domain decides
// (inventory.PerUserMFASkips) once users, groups, roles, policies and
// security defaults are in: an account that security defaults or an
// enabled policy already hold to MFA, or a disabled one, keeps its verdict
// whatever the state says, and its item says why it was not read
// ({"id": "<user id>", "notRead": "CA001 enforces MFA"}). Read items are
// {"id": "<user id>", "perUserMfaState": "..."} plus whatever else Graph
// put in the answer. The first batch runs alone: a 403 there means the app
// may not read the states at all, which is a warning, not a failure.
func (f *fetcher) perUserMFA(ctx context.Context) error {
	const coll = inventory.CollPerUserMFA
	for _, dep := range []string{inventory.CollUsers, inventory.CollGroups, inventory.CollDirectoryRoles, inventory.CollPolicies, inventory.CollSecurityDefaults} {
		select {
		case <-f.finished[dep]:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.prog.update(coll, func(t *track) { t.State = CollectionReading })
	skips := inventory.PerUserMFASkips(f.coverage())
	var need, skipped []string
	for _, id := range f.userIDs {
		if _, ok := skips[id]; ok {
			skipped = append(skipped, id)
		} else {
			need = append(need, id)
		}
	}
	f.c.log.Debug("per-user MFA states to read", "read", len(need), "not read", len(skipped))
	f.prog.update(coll, func(t *track) {
		t.ItemsTotal = len(f.userIDs)
		t.RequestsTotal = (len(need) + batchSteps - 1) / batchSteps
		t.lanes = f.opts.MaxConcurrency
		if len(skipped) > 0 {
			t.Note = fmt.Sprintf("%s of %s not read: their states cannot change their verdicts", count(len(skipped)), count(len(f.userIDs)))
		}
	})
	var chunks [][]string
	for i := 0; i < len(need); i += batchSteps {
		chunks = append(chunks, need[i:min(i+batchSteps, len(need))])
	}
	var first []json.RawMessage
	if len(chunks) > 0 {
		items, err := f.c.requirements(ctx, chunks[0])
		if err != nil {
			return refused(coll, false, err)
		}
		first, chunks = items, chunks[1:]
	}
	if err := f.begin(coll); err != nil {
		return err
	}
	if err := f.add(coll, first...); err != nil {
		return err
	}
	for _, id := range skipped {
		item, _ := json.Marshal(map[string]string{"id": id, "notRead": skips[id]})
		if err := f.add(coll, item); err != nil {
			return err
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	work := make(chan []string)
	for range min(f.opts.MaxConcurrency, len(chunks)) {
		g.Go(func() error {
			for chunk := range work {
				items, err := f.c.requirements(gctx, chunk)
				if err != nil {
					return err
				}
				if err := f.add(coll, items...); err != nil {
					return err
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(work)
		for _, chunk := range chunks {
			select {
			case work <- chunk:
			case <-gctx.Done():
				return gctx.Err()
			}
		}
		return nil
	})
	return g.Wait()
}

// requirements reads the per-user MFA state of up to 20 accounts in one
// batch. An account deleted since /users was read (404) is skipped.
func (c *Client) requirements(ctx context.Context, userIDs []string) ([]json.RawMessage, error) {
	steps := make([]step, len(userIDs))
	for i, id := range userIDs {
		steps[i] = step{url: "/users/" + url.PathEscape(id) + "/authentication/requirements"}
	}
	answers, err := c.batchGet(ctx, "beta", steps)
	if err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, 0, len(userIDs))
	for i, a := range answers {
		userID := userIDs[i]
		switch a.Status {
		case http.StatusOK:
			item, err := requirementItem(userID, a.Body)
			if err != nil {
				return nil, err
			}
			out = append(out, item)
		case http.StatusNotFound:
			c.log.Debug("account gone before its per-user MFA state was read", "user", userID)
		default:
			ge := newGraphError(a.Status, http.Header{}, a.Body)
			return nil, fmt.Errorf("per-user MFA state of user %s: %w", userID, ge)
		}
	}
	return out, nil
}

// requirementItem is the perUserMfaState.json item of one account: its id,
// then the fields of Graph's answer as written (annotations left out).
func requirementItem(userID string, body json.RawMessage) (json.RawMessage, error) {
	fields, err := export.ObjectFields(body)
	if err != nil {
		return nil, fmt.Errorf("per-user MFA state of user %s is not a JSON object: %w", userID, err)
	}
	id, _ := json.Marshal(userID)
	kept := []export.Field{{Key: "id", Value: id}}
	for _, fl := range fields {
		if fl.Key != "id" && !strings.HasPrefix(fl.Key, "@odata.") {
			kept = append(kept, fl)
		}
	}
	return export.EncodeFields(kept), nil
}
