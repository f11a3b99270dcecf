package inventory

import "testing"

func TestCanWorkInTenant(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		a      Actor
		tenant string
		ok     bool
	}{
		{"security lead", Actor{ID: "u1", Role: SecurityLead}, "t1", true},
		{"engineer", Actor{ID: "u2", Role: Engineer}, "t1", true},
		{"management", Actor{ID: "u3", Role: Management}, "t1", true},
		{"nobody signed in", Actor{}, "t1", false},
		{"unknown role", Actor{ID: "u4", Role: "admin"}, "t1", false},
		{"system actor", SyncActor, "t1", false},
		{"no tenant named", Actor{ID: "u1", Role: SecurityLead}, "", false},
	} {
		err := CanWorkInTenant(tc.a, tc.tenant)
		if (err == nil) != tc.ok || (err != nil && ErrorCode(err) != EFORBIDDEN) {
			t.Errorf("%s: %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}
