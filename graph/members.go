package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/sync/errgroup"

	abs "github.com/microsoft/kiota-abstractions-go"

	"github.com/mfaboard/mfaboard/inventory"
)

// expandLimit is how many members Graph puts inline under $expand=members,
// silently dropping the rest.
const expandLimit = 20

// directoryRoles reads the activated roles with every member inline, the
// shape of directoryRoles.json.
func (f *fetcher) directoryRoles(ctx context.Context) error {
	return f.membered(ctx, memberSource{
		collection: inventory.CollDirectoryRoles,
		list:       f.c.request("v1.0", "/directoryRoles", nil, map[string]string{"$expand": "members"}),
		membersOf: func(id string) *abs.RequestInformation {
			return f.c.request("v1.0", "/directoryRoles/{id}/members", map[string]string{"id": id}, nil)
		},
		refusedMeans: "reading a role's members needs RoleManagement.Read.Directory",
	})
}

// groups reads every group with its direct members inline, the shape of
// groups.json.
func (f *fetcher) groups(ctx context.Context) error {
	return f.membered(ctx, memberSource{
		collection: inventory.CollGroups,
		// With $expand Graph pages groups 100 at a time.
		list: f.c.request("v1.0", "/groups", nil, map[string]string{"$expand": "members", "$top": "100"}),
		membersOf: func(id string) *abs.RequestInformation {
			return f.c.request("v1.0", "/groups/{id}/members", map[string]string{"id": id}, map[string]string{"$top": "999"})
		},
		refusedMeans: "a group with hidden membership shows its members only to an app with Member.Read.Hidden",
	})
}

// memberSource is where groups or roles and their members come from.
type memberSource struct {
	collection string
	list       *abs.RequestInformation
	membersOf  func(id string) *abs.RequestInformation
	// refusedMeans explains a 403 on one object's members listing.
	refusedMeans string
}

// membered reads groups or roles with $expand=members. An object that came
// with fewer than 20 members has them all and goes to the sink exactly as
// Graph wrote it; one with 20 may have more, so its members are paged from
// its own members endpoint and written inline in place of the cut list.
// Member listings of one page run a few at a time; objects reach the sink
// in Graph's order. An object whose members Graph refuses (a group with
// hidden membership) keeps the members Graph did list, with a warning,
// rather than failing the sync.
func (f *fetcher) membered(ctx context.Context, src memberSource) error {
	begun := false
	err := f.c.walk(ctx, src.list, func(items []json.RawMessage) error {
		if !begun {
			if err := f.begin(src.collection); err != nil {
				return err
			}
			begun = true
		}
		// Check every object before any listing starts, so a bad one does
		// not leave listings running.
		out := make([]json.RawMessage, len(items))
		notes := make([]*inventory.Warning, len(items))
		type listing struct {
			at     int
			id     string
			fields []field
		}
		var todo []listing
		for i, it := range items {
			fields, err := objectFields(it)
			if err != nil {
				return fmt.Errorf("an object of the list is not a JSON object: %w", err)
			}
			id, complete := membersInline(fields)
			switch {
			case complete:
				out[i] = it
			case id == "":
				return fmt.Errorf("an object of the list has no id, so its members cannot be read")
			default:
				todo = append(todo, listing{at: i, id: id, fields: fields})
			}
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(f.opts.Concurrency)
		for _, l := range todo {
			g.Go(func() error {
				all, err := f.allMembers(gctx, src.membersOf(l.id))
				if r, ok := isRefusal(err); ok {
					out[l.at] = items[l.at]
					if statusOf(err) == http.StatusForbidden {
						notes[l.at] = &inventory.Warning{Source: src.collection, Field: l.id + ".members",
							Message: fmt.Sprintf("%s: %s; only the first %d members Graph listed are known", r.err, src.refusedMeans, expandLimit)}
					}
					return nil
				}
				if err != nil {
					return fmt.Errorf("members of %s: %w", l.id, err)
				}
				out[l.at] = withMembers(l.fields, all)
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for _, n := range notes {
			if n != nil {
				f.warnings = append(f.warnings, *n)
			}
		}
		if err := f.add(src.collection, out...); err != nil {
			return err
		}
		f.progress(src.collection)
		return nil
	})
	return refused(src.collection, begun, err)
}

// membersInline finds an object's id and whether its inline members are
// known to be all of them (fewer than Graph's expand cut).
func membersInline(fields []field) (id string, complete bool) {
	var members []json.RawMessage
	present := false
	for _, fl := range fields {
		switch fl.key {
		case "id":
			_ = json.Unmarshal(fl.value, &id)
		case "members":
			present = json.Unmarshal(fl.value, &members) == nil
		}
	}
	return id, present && len(members) < expandLimit
}

// allMembers pages one object's members. A 403 or 404 on the first page
// comes back as a refusal (a 404: the object was deleted since the list
// was read).
func (f *fetcher) allMembers(ctx context.Context, first *abs.RequestInformation) ([]json.RawMessage, error) {
	var all []json.RawMessage
	begun := false
	err := f.c.walk(ctx, first, func(items []json.RawMessage) error {
		begun = true
		all = append(all, items...)
		return nil
	})
	return all, refused("members", begun, err)
}

// field is one key of a JSON object with its value exactly as Graph wrote
// it.
type field struct {
	key   string
	value json.RawMessage
}

// objectFields reads a JSON object's keys in order, keeping each value's
// bytes as written, so an object can be rewritten without touching what it
// holds.
func objectFields(raw []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("found %v where an object should start", tok)
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, field{key: key, value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// withMembers writes the object again with members set to the whole list;
// the annotations of the cut list ("members@odata.context") go with it.
func withMembers(fields []field, members []json.RawMessage) json.RawMessage {
	var list bytes.Buffer
	list.WriteByte('[')
	for i, m := range members {
		if i > 0 {
			list.WriteByte(',')
		}
		list.Write(m)
	}
	list.WriteByte(']')
	out := make([]field, 0, len(fields)+1)
	wrote := false
	for _, fl := range fields {
		switch {
		case fl.key == "members":
			out = append(out, field{key: "members", value: list.Bytes()})
			wrote = true
		case strings.HasPrefix(fl.key, "members@"):
		default:
			out = append(out, fl)
		}
	}
	if !wrote {
		out = append(out, field{key: "members", value: list.Bytes()})
	}
	return encodeFields(out)
}

// encodeFields writes fields as a JSON object, values as they are.
func encodeFields(fields []field) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, fl := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(fl.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(fl.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}
