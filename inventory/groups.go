package inventory

import (
	"slices"
	"strings"
)

// groupGraph is the nesting of the tenant's groups, resolved once per run:
// for every group, every group it is a member of, directly or through other
// groups. Cycles and self-membership are harmless: each group is visited
// once per closure.
type groupGraph struct {
	ids     []string
	names   []string
	index   map[string]int32 // lower-case id → index
	parents [][]int32        // groups that list this group as a direct member
	// closure holds, sorted, the group itself and every group above it.
	closure [][]int32
	// direct holds the groups that list a user (lower-case id) as a member.
	direct map[string][]int32
}

func newGroupGraph(groups []Group) *groupGraph {
	g := &groupGraph{index: make(map[string]int32, len(groups)), direct: make(map[string][]int32)}
	for _, gr := range groups {
		key := strings.ToLower(gr.ID)
		if _, dup := g.index[key]; dup {
			continue
		}
		g.index[key] = int32(len(g.ids))
		g.ids = append(g.ids, gr.ID)
		name := gr.DisplayName
		if name == "" {
			name = gr.ID
		}
		g.names = append(g.names, name)
	}
	g.parents = make([][]int32, len(g.ids))
	for _, gr := range groups {
		// A group listed twice contributes the members of both listings.
		parent := g.index[strings.ToLower(gr.ID)]
		for _, child := range gr.MemberGroupIDs {
			if c, ok := g.index[strings.ToLower(child)]; ok && !slices.Contains(g.parents[c], parent) {
				g.parents[c] = append(g.parents[c], parent)
			}
		}
		for _, u := range gr.MemberUserIDs {
			key := strings.ToLower(u)
			if !slices.Contains(g.direct[key], parent) {
				g.direct[key] = append(g.direct[key], parent)
			}
		}
	}
	g.closure = make([][]int32, len(g.ids))
	seen := make([]int32, len(g.ids)) // stamp per start group, so no clearing
	for i := range seen {
		seen[i] = -1
	}
	var queue []int32
	for start := range g.ids {
		queue = append(queue[:0], int32(start))
		seen[start] = int32(start)
		for k := 0; k < len(queue); k++ {
			for _, p := range g.parents[queue[k]] {
				if seen[p] != int32(start) {
					seen[p] = int32(start)
					queue = append(queue, p)
				}
			}
		}
		c := slices.Clone(queue)
		slices.Sort(c)
		g.closure[start] = c
	}
	return g
}

// lookup returns the index of a group id, or -1 when the tenant has no such
// group (deleted, or the groups were not available).
func (g *groupGraph) lookup(id string) int32 {
	if i, ok := g.index[strings.ToLower(id)]; ok {
		return i
	}
	return -1
}

// byName returns the groups whose display name is name, ignoring case.
func (g *groupGraph) byName(name string) []int32 {
	var out []int32
	for i, n := range g.names {
		if strings.EqualFold(n, name) {
			out = append(out, int32(i))
		}
	}
	return out
}

// membership resolves the groups of one user.
func (g *groupGraph) membership(userID string) Membership {
	direct := g.direct[strings.ToLower(userID)]
	m := Membership{graph: g, direct: direct}
	switch len(direct) {
	case 0:
	case 1:
		m.all = g.closure[direct[0]] // shared, never written to
	default:
		var all []int32
		for _, d := range direct {
			all = append(all, g.closure[d]...)
		}
		slices.Sort(all)
		m.all = slices.Compact(all)
	}
	return m
}

// Membership is the groups an account belongs to, directly or through
// nested groups, with the way to explain how.
type Membership struct {
	graph  *groupGraph
	direct []int32
	all    []int32 // sorted
}

// IDs returns the ids of every group the account is a transitive member of.
func (m Membership) IDs() []string {
	out := make([]string, len(m.all))
	for i, g := range m.all {
		out[i] = m.graph.ids[g]
	}
	return out
}

// Contains reports whether the account is a transitive member of groupID.
func (m Membership) Contains(groupID string) bool {
	if m.graph == nil {
		return false
	}
	return m.has(m.graph.lookup(groupID))
}

func (m Membership) has(g int32) bool {
	if g < 0 {
		return false
	}
	_, ok := slices.BinarySearch(m.all, g)
	return ok
}

// Chain returns the display names from a group the account is a direct
// member of up to groupID: ["Contractors EU", "MFA Exclusions"] when the
// account is in Contractors EU, itself a member of MFA Exclusions. It is nil
// when the account is not a member.
func (m Membership) Chain(groupID string) []string {
	if m.graph == nil {
		return nil
	}
	return m.chain(m.graph.lookup(groupID))
}

func (m Membership) chain(target int32) []string {
	if !m.has(target) {
		return nil
	}
	g := m.graph
	// Breadth-first from the direct groups upwards gives the shortest
	// explanation; via remembers the step each group was reached from.
	via := map[int32]int32{}
	queue := make([]int32, 0, len(m.direct))
	for _, d := range m.direct {
		if _, ok := via[d]; !ok {
			via[d] = -1
			queue = append(queue, d)
		}
	}
	for k := 0; k < len(queue); k++ {
		cur := queue[k]
		if cur == target {
			var path []string
			for c := cur; c >= 0; c = via[c] {
				path = append(path, g.names[c])
			}
			slices.Reverse(path)
			return path
		}
		for _, p := range g.parents[cur] {
			if _, ok := via[p]; !ok {
				via[p] = cur
				queue = append(queue, p)
			}
		}
	}
	return nil
}

// describeChain turns a chain into the words of a reason: "group Contractors
// EU, a member of MFA Exclusions".
func describeChain(chain []string) string {
	var b strings.Builder
	for i, n := range chain {
		if i == 0 {
			b.WriteString("group *" + n + "*")
			continue
		}
		b.WriteString(", a member of *" + n + "*")
	}
	return b.String()
}
