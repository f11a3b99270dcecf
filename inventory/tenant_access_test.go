package inventory

import "testing"

func TestCanWorkInTenant(t *testing.T) {
	t.Parallel()
	checkRefusals(t, []ruleCase[byte]{
		{"security lead", CanWorkInTenant(Actor{ID: "u1", Role: SecurityLead}, "t1"), 'A'},
		{"engineer", CanWorkInTenant(Actor{ID: "u2", Role: Engineer}, "t1"), 'A'},
		{"management", CanWorkInTenant(Actor{ID: "u3", Role: Management}, "t1"), 'A'},
		{"nobody signed in", CanWorkInTenant(Actor{}, "t1"), 'F'},
		{"unknown role", CanWorkInTenant(Actor{ID: "u4", Role: "admin"}, "t1"), 'F'},
		{"system actor", CanWorkInTenant(SyncActor, "t1"), 'F'},
		{"no tenant named", CanWorkInTenant(Actor{ID: "u1", Role: SecurityLead}, ""), 'F'},
	})
}
