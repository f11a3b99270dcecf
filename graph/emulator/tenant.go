package emulator

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mfaboard/mfaboard/graph/export"
	"github.com/mfaboard/mfaboard/inventory"
)

// tenant is the folder indexed for serving: groups and roles split from the
// members the folder holds inline (Graph serves those apart), users and
// per-user MFA states by id, sign-ins with their times for $filter.
type tenant struct {
	folder  export.Folder
	groups  []membered
	roles   []membered
	groupBy map[string]int
	roleBy  map[string]int
	users   map[string]int             // id → index in folder's users
	upns    []string                   // lower-case userPrincipalName of each user
	perUser map[string]json.RawMessage // user id → requirements body
	signIns []timedItem                // newest first, as Graph lists them

	mu       sync.Mutex
	filtered map[string][]int // a filter's matching items, by route and filter
}

// membered is a group or role: its object without "members", and the
// members the folder listed for it.
type membered struct {
	id      string
	object  []byte // a JSON object without the members key
	members []json.RawMessage
}

type timedItem struct {
	at   time.Time // zero when the item has no readable createdDateTime
	item json.RawMessage
	// types are its signInEventTypes (or, without them, what isInteractive
	// says); nil when the item tells neither.
	types []string
}

func newTenant(folder export.Folder) *tenant {
	t := &tenant{
		folder:   folder,
		groupBy:  map[string]int{},
		roleBy:   map[string]int{},
		users:    map[string]int{},
		perUser:  map[string]json.RawMessage{},
		filtered: map[string][]int{},
	}
	t.groups = splitMembers(folder[inventory.CollGroups], t.groupBy)
	t.roles = splitMembers(folder[inventory.CollDirectoryRoles], t.roleBy)
	for i, u := range folder[inventory.CollUsers] {
		var head struct {
			ID  string `json:"id"`
			UPN string `json:"userPrincipalName"`
		}
		_ = json.Unmarshal(u, &head)
		if head.ID != "" {
			t.users[head.ID] = i
		}
		t.upns = append(t.upns, strings.ToLower(head.UPN))
	}
	for _, it := range folder[inventory.CollPerUserMFA] {
		fields, err := export.ObjectFields(it)
		if err != nil {
			continue
		}
		var id string
		var rest []export.Field
		for _, f := range fields {
			if f.Key == "id" {
				_ = json.Unmarshal(f.Value, &id)
				continue
			}
			rest = append(rest, f)
		}
		t.perUser[id] = export.EncodeFields(rest)
	}
	for _, it := range folder[inventory.CollSignIns] {
		var head struct {
			CreatedDateTime  string   `json:"createdDateTime"`
			SignInEventTypes []string `json:"signInEventTypes"`
			IsInteractive    *bool    `json:"isInteractive"`
		}
		_ = json.Unmarshal(it, &head)
		at, _ := time.Parse(time.RFC3339Nano, head.CreatedDateTime)
		types := head.SignInEventTypes
		if types == nil && head.IsInteractive != nil {
			types = []string{"nonInteractiveUser"}
			if *head.IsInteractive {
				types = []string{"interactiveUser"}
			}
		}
		t.signIns = append(t.signIns, timedItem{at: at, item: it, types: types})
	}
	// Graph lists sign-ins newest first.
	sort.SliceStable(t.signIns, func(i, j int) bool { return t.signIns[i].at.After(t.signIns[j].at) })
	return t
}

// matching returns the indexes of the items a filter keeps, worked out
// once per route and filter (a sync pages through the same filter).
func (t *tenant) matching(key string, n int, keep func(int) bool) []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if idx, ok := t.filtered[key]; ok {
		return idx
	}
	idx := []int{}
	for i := 0; i < n; i++ {
		if keep(i) {
			idx = append(idx, i)
		}
	}
	t.filtered[key] = idx
	return idx
}

// splitMembers separates each object's inline members. An item that is not
// a JSON object is served as it is, with no members.
func splitMembers(items []json.RawMessage, index map[string]int) []membered {
	out := make([]membered, 0, len(items))
	for _, it := range items {
		m := membered{object: it}
		if fields, err := export.ObjectFields(it); err == nil {
			var rest []export.Field
			for _, f := range fields {
				switch f.Key {
				case "id":
					_ = json.Unmarshal(f.Value, &m.id)
					rest = append(rest, f)
				case "members":
					_ = json.Unmarshal(f.Value, &m.members)
				default:
					rest = append(rest, f)
				}
			}
			m.object = export.EncodeFields(rest)
		}
		index[m.id] = len(out)
		out = append(out, m)
	}
	return out
}

// withMembers is a group or role as Graph answers it under $expand=members:
// the object with at most the first 20 members inline and no link to the
// rest.
func (m membered) withMembers(limit int) json.RawMessage {
	members := m.members
	if len(members) > limit {
		members = members[:limit]
	}
	var b bytes.Buffer
	obj := bytes.TrimSpace(m.object)
	if len(obj) < 2 || obj[0] != '{' {
		return m.object
	}
	b.Write(obj[:len(obj)-1])
	if len(bytes.TrimSpace(obj[1:len(obj)-1])) > 0 {
		b.WriteByte(',')
	}
	b.WriteString(`"members":[`)
	for i, mem := range members {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mem)
	}
	b.WriteString("]}")
	return b.Bytes()
}
