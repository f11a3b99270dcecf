package demo

import "github.com/mfaboard/mfaboard/inventory"

// Directory role template ids as Microsoft publishes them.
const (
	roleGlobalAdmin       = inventory.RoleGlobalAdministrator
	roleDirectorySync     = inventory.RoleDirectorySync
	rolePrivilegedRole    = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	roleSecurityAdmin     = "194ae4cb-b126-40b2-bd5b-6091b380977d"
	roleExchangeAdmin     = "29232cdf-9323-42fd-ade2-1d097af3e4de"
	roleSharePointAdmin   = "f28a1f50-f6e7-4571-818b-6a12f2af6b6c"
	roleUserAdmin         = "fe930be7-5e62-47db-91af-98c3a49a38b1"
	roleHelpdeskAdmin     = "729827e3-9c14-49f7-bb1b-9608f156bbb8"
	roleBillingAdmin      = "b0f54661-2d74-4c50-afa3-1ec803f12efe"
	roleApplicationAdmin  = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	roleCloudAppAdmin     = "158c047a-c907-4556-b7ef-446551a6b5f7"
	roleAuthAdmin         = "c4e39bd9-1100-46d3-8c65-fb160da0071f"
	roleIntuneAdmin       = "3a2c62db-5318-420d-8d74-23affee5d9d5"
	roleTeamsAdmin        = "69091246-20e8-4a56-aa4d-066075b2a7a8"
	roleConditionalAccess = "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9"
)

// roleNames lists the roles the tenant may activate, in the order they are
// listed.
var roleNames = []struct{ template, name string }{
	{roleGlobalAdmin, "Global Administrator"},
	{rolePrivilegedRole, "Privileged Role Administrator"},
	{roleSecurityAdmin, "Security Administrator"},
	{roleConditionalAccess, "Conditional Access Administrator"},
	{roleExchangeAdmin, "Exchange Administrator"},
	{roleSharePointAdmin, "SharePoint Administrator"},
	{roleTeamsAdmin, "Teams Administrator"},
	{roleIntuneAdmin, "Intune Administrator"},
	{roleUserAdmin, "User Administrator"},
	{roleHelpdeskAdmin, "Helpdesk Administrator"},
	{roleAuthAdmin, "Authentication Administrator"},
	{roleBillingAdmin, "Billing Administrator"},
	{roleApplicationAdmin, "Application Administrator"},
	{roleCloudAppAdmin, "Cloud Application Administrator"},
	{roleDirectorySync, "Directory Synchronization Accounts"},
}

// itAdminRoles are handed out in turn to the IT staff.
var itAdminRoles = []string{
	roleExchangeAdmin, roleUserAdmin, roleSecurityAdmin, roleHelpdeskAdmin, roleIntuneAdmin,
	roleSharePointAdmin, roleTeamsAdmin, roleBillingAdmin, roleApplicationAdmin, rolePrivilegedRole,
}

// assignRoles decides who holds which directory role. One contractor holds
// Conditional Access Administrator: a policy for admins that forgot that
// role leaves them covered only by an authentication strength they cannot
// meet.
func (g *generator) assignRoles() {
	itAdmins, contractorAdmin := 0, false
	for i := range g.accts {
		a := &g.accts[i]
		switch a.cohort {
		case globalAdmin, breakGlass:
			a.role = roleGlobalAdmin
		case syncAccount:
			a.role = roleDirectorySync
		case itAdmin:
			a.role = itAdminRoles[itAdmins%len(itAdminRoles)]
			itAdmins++
		case contractor:
			if !contractorAdmin {
				a.role = roleConditionalAccess
				contractorAdmin = true
			}
		}
	}
}

// roles lists the activated directory roles with their members.
func (g *generator) roles() {
	members := map[string][]string{}
	for i, a := range g.accts {
		if a.role != "" {
			members[a.role] = append(members[a.role], g.snap.Users[i].ID)
		}
	}
	for _, r := range roleNames {
		if len(members[r.template]) == 0 {
			continue // only activated roles are listed
		}
		g.snap.Roles = append(g.snap.Roles, inventory.DirectoryRole{
			ID:          g.idFor("directoryRole", r.template),
			TemplateID:  r.template,
			DisplayName: r.name,
			MemberIDs:   members[r.template],
		})
	}
}
