package main

import (
	"testing"
)

// FuzzSyncFrom syncs hand-edited folders into a real database: never a
// panic, and never a stored change from a refused folder. The seeds run
// with every `go test`; go further with
//
//	go test -fuzz FuzzSyncFrom -fuzztime 60s ./cmd/mfaboard/
func FuzzSyncFrom(f *testing.F) {
	const users = `{"value":[{"id":"u1","userPrincipalName":"anna@fabrikam.nl","accountEnabled":true},{"id":"u2","userPrincipalName":"svc@fabrikam.nl","accountEnabled":true}]}`
	f.Add(uint8(0), users)
	f.Add(uint8(0), `{"value":[{"id":"u1","userPrincipalName":"anna@fabrikam.nl","accountEnabled":"yes"}]}`)
	f.Add(uint8(0), `{"value":[{"id":"u1","userPrincipalName":"a\u0000@fabrikam.nl"}]}`)
	f.Add(uint8(1), `{"value":[{"id":"g1","members":"oops"}]}`)
	f.Add(uint8(1), `{"value":[{"id":"g1","displayName":"x","members":[{"id":"u1"}]}]}`)
	f.Add(uint8(2), `{"value":[{"userId":"u1","createdDateTime":"2026-11-01T00:00:00Z","isInteractive":"no","status":{"errorCode":0}}]}`)
	f.Add(uint8(3), `{"value":[{"id":"p1","state":"enabled","conditions":{"users":{"includeUsers":["All"],"excludeGroups":"g1"}}}]}`)
	f.Add(uint8(4), `{"value":[{"id":"t1","displayName":"Fabrikam\u001b[2J"}]}`)
	f.Add(uint8(0), `{"value":[`)

	store := useDatabase(f)
	files := []string{"users.json", "groups.json", "signIns.json", "conditionalAccessPolicies.json", "organization.json"}
	f.Fuzz(func(t *testing.T, which uint8, content string) {
		dir := t.TempDir()
		name := files[int(which)%len(files)]
		if name != "users.json" {
			writeFile(t, dir, "users.json", users)
		}
		writeFile(t, dir, name, content)
		before := everyTenantState(t, store)
		code, _, errOut := runCLI(t, "sync", "--from", dir)
		switch code {
		case exitOK:
		case exitBadArgs:
			if after := everyTenantState(t, store); after != before {
				t.Fatalf("a refused folder changed the database (%s)", lastLine(errOut))
			}
		default:
			t.Fatalf("exit %d: %s", code, errOut)
		}
	})
}
