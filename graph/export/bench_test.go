package export

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mfaboard/mfaboard/inventory"
)

// userTemplate is one account as GET /users with signInActivity writes it,
// extension attributes included, about 1 KB.
const userTemplate = `{"id":"%08d-1111-4111-8111-111111111111","displayName":"User %[1]d","userPrincipalName":"user%[1]d@fabrikam.nl","mail":"user%[1]d@fabrikam.nl","userType":"Member","accountEnabled":true,"onPremisesSyncEnabled":null,"createdDateTime":"2021-03-04T09:10:11Z","jobTitle":"Engineer","department":"Delivery","onPremisesExtensionAttributes":{"extensionAttribute1":"NL-AMS","extensionAttribute2":null,"extensionAttribute3":null,"extensionAttribute4":null,"extensionAttribute5":null,"extensionAttribute6":null,"extensionAttribute7":null,"extensionAttribute8":null,"extensionAttribute9":null,"extensionAttribute10":null,"extensionAttribute11":null,"extensionAttribute12":null,"extensionAttribute13":null,"extensionAttribute14":null,"extensionAttribute15":null},"assignedLicenses":[{"disabledPlans":[],"skuId":"05e9a617-0261-4cee-bb44-138d3ef5d965"}],"signInActivity":{"lastSignInDateTime":"2026-10-30T08:15:02Z","lastSignInRequestId":"a1b2c3d4-0000-4000-8000-000000000001","lastNonInteractiveSignInDateTime":"2026-10-31T17:45:10.1234567Z","lastNonInteractiveSignInRequestId":"a1b2c3d4-0000-4000-8000-000000000002","lastSuccessfulSignInDateTime":"0001-01-01T00:00:00Z","lastSuccessfulSignInRequestId":null}}`

// writeLargeFile writes {"value":[...]} of n items made by item(i).
func writeLargeFile(b *testing.B, path string, n int, item func(w *bufio.Writer, i int)) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			w.WriteString(",\n")
		}
		item(w, i)
	}
	w.WriteString("]}\n")
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	info, _ := f.Stat()
	f.Close()
	return info.Size()
}

// BenchmarkReadFolder100k streams a users.json of 100,000 accounts into a
// Decoder. retained-MB is the heap still in use once the snapshot is built,
// which is the snapshot itself: the file is never held whole.
func BenchmarkReadFolder100k(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	size := writeLargeFile(b, filepath.Join(dir, "users.json"), n, func(w *bufio.Writer, i int) {
		fmt.Fprintf(w, userTemplate, i)
	})
	b.Run("folder", func(b *testing.B) {
		benchReadFolder(b, dir, size, func(s *inventory.Snapshot) {
			if len(s.Users) != n || len(s.Warnings) != 0 {
				b.Fatalf("%d users, warnings %v", len(s.Users), s.Warnings)
			}
		})
	})
}

// BenchmarkFoldSignIns100kAccounts folds 300,000 sign-in events of 100,000
// accounts; retained-MB is what the folds keep, with no event kept.
func BenchmarkFoldSignIns100kAccounts(b *testing.B) {
	const accounts, perAccount = 100_000, 3
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "users.json"), []byte(`{"value":[]}`), 0o644)
	size := writeLargeFile(b, filepath.Join(dir, "signIns.json"), accounts*perAccount, func(w *bufio.Writer, i int) {
		account, k := i/perAccount, i%perAccount
		fmt.Fprintf(w, `{"id":"e%d","createdDateTime":"2026-10-%02dT%02d:15:02Z","userDisplayName":"User %d","userPrincipalName":"user%[4]d@fabrikam.nl","userId":"%08[4]d-1111-4111-8111-111111111111","appId":"00000002-0000-0ff1-ce00-000000000000","appDisplayName":"Office 365 Exchange Online","ipAddress":"198.51.100.7","clientAppUsed":"%s","isInteractive":%t,"signInEventTypes":["interactiveUser"],"authenticationRequirement":"singleFactorAuthentication","status":{"errorCode":0,"failureReason":"Other.","additionalDetails":null},"deviceDetail":{"deviceId":"","displayName":"","operatingSystem":"Windows10","browser":"Edge 130.0.0","isCompliant":false,"isManaged":false,"trustType":""},"location":{"city":"Amsterdam","state":"Noord-Holland","countryOrRegion":"NL"},"appliedConditionalAccessPolicies":[]}`,
			i, 1+k, 8+k, account, []string{"Browser", "IMAP4", "Mobile Apps and Desktop clients"}[account%3], k == 0)
	})
	benchReadFolder(b, dir, size, func(s *inventory.Snapshot) {
		if len(s.SignIns) != accounts || len(s.Warnings) != 0 {
			b.Fatalf("%d accounts folded, warnings %v", len(s.SignIns), s.Warnings)
		}
		if f := s.SignIns["00000007-1111-4111-8111-111111111111"]; len(f) != perAccount {
			b.Fatalf("folds %+v", f)
		}
	})
}

// benchReadFolder reads the export folder dir, of size bytes, once per
// round, checks what it gives, and reports the file's size and how much of
// the heap the snapshot keeps (readRetained).
func benchReadFolder(b *testing.B, dir string, size int64, check func(*inventory.Snapshot)) {
	b.ReportAllocs()
	b.SetBytes(size)
	var retained uint64
	for b.Loop() {
		var s *inventory.Snapshot
		s, retained = readRetained(b, dir)
		check(s)
	}
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(retained)/1e6, "retained-MB")
}

// readRetained reads the export folder dir and says how much of the heap
// the snapshot it gives keeps, after a collection on either side.
func readRetained(b *testing.B, dir string) (*inventory.Snapshot, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := NewDecoder()
	if _, err := ReadFolder(dir, d); err != nil {
		b.Fatal(err)
	}
	s := d.Snapshot()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(s)
	return s, after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
}
