package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	abs "github.com/microsoft/kiota-abstractions-go"
	"golang.org/x/sync/errgroup"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// expandLimit is how many members Graph puts inline under $expand=members,
// silently dropping the rest.
const expandLimit = 20

// directoryRoles reads the activated roles with every member inline, the
// shape of directoryRoles.json.
func (f *fetcher) directoryRoles(ctx context.Context) error {
	return f.membered(ctx, memberSource{
		collection:   inventory.CollDirectoryRoles,
		list:         f.c.request("v1.0", "/directoryRoles", nil, map[string]string{"$expand": "members"}),
		membersPath:  func(id string) string { return "/directoryRoles/" + url.PathEscape(id) + "/members" },
		refusedMeans: "reading a role's members needs RoleManagement.Read.Directory",
	})
}

// groups reads every group with its direct members inline, the shape of
// groups.json.
func (f *fetcher) groups(ctx context.Context) error {
	return f.membered(ctx, memberSource{
		collection: inventory.CollGroups,
		// With $expand Graph pages groups 100 at a time.
		list:         f.c.request("v1.0", "/groups", nil, map[string]string{"$expand": "members", "$top": "100"}),
		membersPath:  func(id string) string { return "/groups/" + url.PathEscape(id) + "/members?$top=999" },
		refusedMeans: "a group with hidden membership shows its members only to an app with Member.Read.Hidden",
	})
}

// memberSource is where groups or roles and their members come from.
type memberSource struct {
	collection string
	list       *abs.RequestInformation
	// membersPath is an object's members listing, relative to v1.0.
	membersPath func(id string) string
	// refusedMeans explains a 403 on one object's members listing.
	refusedMeans string
}

// membered reads groups or roles with $expand=members. An object that came
// with fewer than 20 members has them all and goes to the sink exactly as
// Graph wrote it; one with 20 may have more, so its members are listed from
// its own members endpoint — the first pages of 20 objects in one $batch,
// any further pages one after another — and written inline in place of the
// cut list. The next page of objects is read while the members of the last
// are, so the long listings of large groups run side by side; objects
// still reach the sink in Graph's order. An object whose members Graph
// refuses (a group with hidden membership) keeps the members Graph did
// list, with a warning, rather than failing the sync.
func (f *fetcher) membered(ctx context.Context, src memberSource) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(ctx)
	pages := make(chan *memberPage, 16) // in Graph's order
	g.Go(func() error {
		for p := range pages {
			select {
			case <-p.done:
			case <-gctx.Done():
				return gctx.Err()
			}
			if p.err != nil {
				return p.err
			}
			for _, n := range p.notes {
				if n != nil {
					f.warn(*n)
				}
			}
			if err := f.add(src.collection, p.out...); err != nil {
				return err
			}
		}
		return nil
	})
	begun := false
	err := f.c.walk(gctx, src.list, func(items []json.RawMessage, _ bool) error {
		if !begun {
			if err := f.begin(src.collection); err != nil {
				return err
			}
			begun = true
		}
		p, todo, err := newMemberPage(items)
		if err != nil {
			return err
		}
		g.Go(func() error {
			defer close(p.done)
			p.err = f.pageMembers(gctx, src, items, todo, p)
			return nil // the sink's goroutine returns p.err in order
		})
		select {
		case pages <- p:
			return nil
		case <-gctx.Done():
			return gctx.Err()
		}
	})
	close(pages)
	if err != nil {
		cancel()
	}
	gerr := g.Wait()
	if err != nil {
		return refused(src.collection, begun, err)
	}
	return gerr
}

// memberPage is one page of groups or roles whose members are being read.
type memberPage struct {
	done  chan struct{} // closed when out, notes and err are set
	out   []json.RawMessage
	notes []*inventory.Warning
	err   error
}

// memberListing is an object whose members must be listed.
type memberListing struct {
	at     int
	id     string
	fields []export.Field
}

// newMemberPage checks every object of a page before any listing starts,
// so a bad one does not leave listings running, and says which objects'
// members must be listed.
func newMemberPage(items []json.RawMessage) (*memberPage, []memberListing, error) {
	p := &memberPage{done: make(chan struct{}), out: make([]json.RawMessage, len(items)), notes: make([]*inventory.Warning, len(items))}
	var todo []memberListing
	for i, it := range items {
		fields, err := export.ObjectFields(it)
		if err != nil {
			return nil, nil, fmt.Errorf("an object of the list is not a JSON object: %w", err)
		}
		id, complete := membersInline(fields)
		switch {
		case complete:
			p.out[i] = it
		case id == "":
			return nil, nil, fmt.Errorf("an object of the list has no id, so its members cannot be read")
		default:
			todo = append(todo, memberListing{at: i, id: id, fields: fields})
		}
	}
	return p, todo, nil
}

// pageMembers lists the members of a page's objects, 20 first pages to a
// $batch, the batches side by side.
func (f *fetcher) pageMembers(ctx context.Context, src memberSource, items []json.RawMessage, todo []memberListing, p *memberPage) error {
	return inBatches(ctx, f.c, todo, func(l memberListing) step { return step{url: src.membersPath(l.id)} },
		func(ctx context.Context, _ int, chunk []memberListing, answers []batchAnswer, err error) error {
			if err != nil {
				return fmt.Errorf("members of %s and %d more: %w", chunk[0].id, len(chunk)-1, err)
			}
			return f.chunkMembers(ctx, src, items, chunk, answers, p)
		})
}

// chunkMembers finishes the members of one batch's objects, their further
// pages side by side.
func (f *fetcher) chunkMembers(ctx context.Context, src memberSource, items []json.RawMessage, chunk []memberListing, answers []batchAnswer, p *memberPage) error {
	g, gctx := errgroup.WithContext(ctx)
	for i, l := range chunk {
		g.Go(func() error {
			all, err := f.restOfMembers(gctx, answers[i])
			if r, ok := isRefusal(err); ok {
				p.out[l.at] = items[l.at]
				if statusOf(err) == http.StatusForbidden {
					p.notes[l.at] = &inventory.Warning{Source: src.collection, Field: l.id + ".members",
						Message: fmt.Sprintf("%s: %s; only the first %d members Graph listed are known", r.err, src.refusedMeans, expandLimit)}
				}
				return nil
			}
			if err != nil {
				return fmt.Errorf("members of %s: %w", l.id, err)
			}
			p.out[l.at] = withMembers(l.fields, all)
			return nil
		})
	}
	return g.Wait()
}

// restOfMembers reads one object's members from the batch answer of its
// first page, following its @odata.nextLink. A 403 or 404 there comes back
// as a refusal (a 404: the object was deleted since the list was read).
func (f *fetcher) restOfMembers(ctx context.Context, a batchAnswer) ([]json.RawMessage, error) {
	if a.Status != http.StatusOK {
		return nil, refused("members", false, newGraphError(a.Status, http.Header{}, a.Body))
	}
	var p collectionPage
	if err := json.Unmarshal(a.Body, &p); err != nil {
		return nil, fmt.Errorf("page 1 is not valid JSON (%v): the answer was cut or garbled", err)
	}
	if p.Value == nil {
		return nil, fmt.Errorf("page 1 has no \"value\" list: it is not a Graph collection answer")
	}
	all := *p.Value
	if p.NextLink == "" {
		return all, nil
	}
	next, err := f.c.link(p.NextLink)
	if err != nil {
		return nil, fmt.Errorf("page 1: %w", err)
	}
	err = f.c.walk(ctx, next, func(items []json.RawMessage, _ bool) error {
		all = append(all, items...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("the pages after the first: %w", err)
	}
	return all, nil
}

// membersInline finds an object's id and whether its inline members are
// known to be all of them (fewer than Graph's expand cut).
func membersInline(fields []export.Field) (id string, complete bool) {
	var members []json.RawMessage
	present := false
	for _, fl := range fields {
		switch fl.Key {
		case "id":
			_ = json.Unmarshal(fl.Value, &id)
		case "members":
			present = json.Unmarshal(fl.Value, &members) == nil
		}
	}
	return id, present && len(members) < expandLimit
}

// withMembers writes the object again with members set to the whole list;
// the annotations of the cut list ("members@odata.context") go with it.
func withMembers(fields []export.Field, members []json.RawMessage) json.RawMessage {
	var list bytes.Buffer
	list.WriteByte('[')
	for i, m := range members {
		if i > 0 {
			list.WriteByte(',')
		}
		list.Write(m)
	}
	list.WriteByte(']')
	out := make([]export.Field, 0, len(fields)+1)
	wrote := false
	for _, fl := range fields {
		switch {
		case fl.Key == "members":
			out = append(out, export.Field{Key: "members", Value: list.Bytes()})
			wrote = true
		case strings.HasPrefix(fl.Key, "members@"):
		default:
			out = append(out, fl)
		}
	}
	if !wrote {
		out = append(out, export.Field{Key: "members", Value: list.Bytes()})
	}
	return export.EncodeFields(out)
}
