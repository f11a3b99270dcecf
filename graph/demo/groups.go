package demo

import (
	"strconv"
	"strings"

	"github.com/mfaboard/mfaboard/inventory"
)

// Hand-made groups the policies and the Partner Center refer to by name.
const (
	groupMFAExclusions = "MFA Exclusions"
	groupContractors   = "Contractors EU"
	groupFreelancers   = "Contractors EU - Freelancers"
	groupServiceAccts  = "Service Accounts"
	groupRoomDevices   = "Meeting Room Devices"
	groupAdminAgents   = "AdminAgents"
	groupHelpdesk      = "HelpdeskAgents"
	groupSales         = "SalesAgents"
	groupCloudEngs     = "Cloud Engineers"
	groupServiceDesk   = "Service Desk Tier 2"
	groupAllEmployees  = "All Employees"
	groupFabrikam      = "Guests - Fabrikam Project"
	groupPilot         = "CA Pilot - Passwordless"
	deptGroupPrefix    = "Dept - "
)

// DemoGroups is the number of hand-made groups: the thirteen above and one
// per department.
const DemoGroups = 24

// nestedGroups says which hand-made groups hold which: MFA Exclusions
// reaches the freelancers three levels down, and two of the Partner Center
// agent groups reach their people through a team group.
var nestedGroups = map[string][]string{
	groupMFAExclusions: {groupContractors, groupServiceAccts, groupRoomDevices},
	groupContractors:   {groupFreelancers},
	groupAdminAgents:   {groupCloudEngs},
	groupHelpdesk:      {groupServiceDesk},
}

// genGroup is a generated group's place in its tree.
type genGroup struct {
	index  int // into snap.Groups
	level  int // 0 for a root
	childs int // children so far, to name the next one
}

// groups builds the hand-made groups from the accounts' cohorts, then the
// generated trees, and places people in them.
func (g *generator) groups() {
	members := map[string][]string{}
	directExclusions := max(2, len(g.accts)/1000)
	contractors, pilots := 0, 0
	for i := range g.accts {
		a := g.accts[i]
		id := g.snap.Users[i].ID
		add := func(name string) { members[name] = append(members[name], id) }
		switch a.cohort {
		case contractor:
			if contractors%2 == 0 {
				add(groupContractors)
			} else {
				add(groupFreelancers)
			}
			contractors++
		case imapTicketing, smtpDevice, powerShellAutomation, apiIntegration, invoicingIntegration:
			add(groupServiceAccts)
		case teamsRoom, groupOnlyRoom, surfaceHub:
			add(groupRoomDevices)
		case globalAdmin:
			add(groupAdminAgents)
		case cloudEngineer:
			add(groupCloudEngs)
			if pilots < 10 {
				add(groupPilot)
				pilots++
			}
		case serviceDeskAgent:
			add(groupServiceDesk)
		case itAdmin:
			add(groupHelpdesk)
		case accountManager:
			add(groupSales)
		case guest:
			if strings.HasSuffix(g.snap.Users[i].Mail, "@fabrikam.com") {
				add(groupFabrikam)
			}
		}
		switch a.cohort {
		case officeWorker, cloudEngineer, serviceDeskAgent, accountManager, itAdmin, newHire:
			add(groupAllEmployees)
		}
		if a.dept >= 0 && a.cohort != globalAdmin && a.cohort != contractor {
			add(deptGroupPrefix + departments[a.dept].Name)
		}
		// "Temporarily" excluded people, who never left the group.
		if a.cohort == officeWorker && a.active && a.perUser == "" && directExclusions > 0 {
			add(groupMFAExclusions)
			directExclusions--
		}
	}

	names := []string{
		groupMFAExclusions, groupContractors, groupFreelancers, groupServiceAccts, groupRoomDevices,
		groupAdminAgents, groupHelpdesk, groupSales, groupCloudEngs, groupServiceDesk,
		groupAllEmployees, groupFabrikam, groupPilot,
	}
	for _, d := range departments {
		names = append(names, deptGroupPrefix+d.Name)
	}
	g.snap.Groups = make([]inventory.Group, 0, g.opts.Groups)
	for _, name := range names {
		var nested []string
		for _, child := range nestedGroups[name] {
			nested = append(nested, g.groupID(child))
		}
		g.snap.Groups = append(g.snap.Groups, inventory.Group{
			ID:             g.groupID(name),
			DisplayName:    name,
			MemberUserIDs:  members[name],
			MemberGroupIDs: nested,
		})
	}
	g.generatedGroups()
}

// groupID is the id of a group by its (unique) display name.
func (g *generator) groupID(name string) string {
	if id, ok := g.groupIDs[name]; ok {
		return id
	}
	id := g.idFor("group", name)
	g.groupIDs[name] = id
	return id
}

// generatedGroups fills the group count with trees GroupDepth deep: each tree
// starts as a chain down to the deepest level, so the depth is always
// reached, then grows sideways. People join one or two groups at any level,
// so a policy on a root reaches them only through nesting.
func (g *generator) generatedGroups() {
	depth := g.opts.GroupDepth
	for remaining := g.opts.Groups - len(g.snap.Groups); remaining > 0; {
		size := min(remaining, depth+g.rng.IntN(depth+3))
		if depth == 1 {
			size = 1 // flat: nothing may nest
		}
		root := len(g.genGroups)
		offset := g.rng.IntN(len(subTeams)) // so trees do not all start with the same team
		for k := range size {
			if k == 0 {
				g.newGroup(g.rootName(), -1, 0)
				continue
			}
			parent := root + k - 1 // the chain down
			if k >= depth {
				// Sideways: any group above the deepest level.
				for parent = root + g.rng.IntN(k); g.genGroups[parent].level >= depth-1; parent = root + g.rng.IntN(k) {
				}
			}
			p := &g.genGroups[parent]
			names := subTeams
			if p.level > 0 {
				names = squads
			}
			name := g.snap.Groups[p.index].DisplayName + " - " + names[(offset+p.childs)%len(names)]
			if p.childs >= len(names) {
				name += " " + strconv.Itoa(p.childs/len(names)+1)
			}
			p.childs++
			g.newGroup(name, parent, p.level+1)
		}
		remaining -= size
	}
	if len(g.genGroups) == 0 {
		return
	}
	for i, a := range g.accts {
		switch a.cohort {
		case officeWorker, cloudEngineer, serviceDeskAgent, accountManager, itAdmin, contractor, leaver, newHire:
		default:
			continue
		}
		for range 1 + g.rng.IntN(2) {
			grp := &g.snap.Groups[g.genGroups[g.rng.IntN(len(g.genGroups))].index]
			id := g.snap.Users[i].ID
			if n := len(grp.MemberUserIDs); n == 0 || grp.MemberUserIDs[n-1] != id {
				grp.MemberUserIDs = append(grp.MemberUserIDs, id)
			}
		}
	}
}

func (g *generator) newGroup(name string, parent, level int) {
	id := g.groupID(name)
	if parent >= 0 {
		p := &g.snap.Groups[g.genGroups[parent].index]
		p.MemberGroupIDs = append(p.MemberGroupIDs, id)
	}
	g.genGroups = append(g.genGroups, genGroup{index: len(g.snap.Groups), level: level})
	g.snap.Groups = append(g.snap.Groups, inventory.Group{ID: id, DisplayName: name})
}

// rootName names a tree after a project, a customer or a team, numbering a
// name that is taken.
func (g *generator) rootName() string {
	var name string
	switch g.rng.IntN(3) {
	case 0:
		name = "Project " + pick(g, projectNames)
	case 1:
		name = "Customer " + pick(g, guestCompanies).name
	default:
		name = pick(g, cities) + " " + departments[g.rng.IntN(len(departments))].Name
	}
	if _, taken := g.groupIDs[name]; !taken {
		return name
	}
	for n := 2; ; n++ {
		numbered := name + " " + strconv.Itoa(n)
		if _, taken := g.groupIDs[numbered]; !taken {
			return numbered
		}
	}
}
