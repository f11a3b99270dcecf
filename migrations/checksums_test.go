package migrations

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// checksum is one line of CHECKSUMS, as sha256sum writes it.
type checksum struct{ sum, name string }

// parseChecksums reads CHECKSUMS: "# …" comments, blank lines, and
// "<sha256>  <file>" lines.
func parseChecksums(text string) ([]checksum, error) {
	var out []checksum
	for i, line := range strings.Split(text, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 || name == "" {
			return nil, fmt.Errorf("CHECKSUMS line %d is not \"<sha256>  <file>\": %q", i+1, line)
		}
		out = append(out, checksum{sum, name})
	}
	return out, nil
}

// onlyAppended checks that after keeps every line of before, unchanged and
// in order, and adds lines only at the end, in version order.
func onlyAppended(before, after []checksum) error {
	if len(after) < len(before) {
		return fmt.Errorf("%d lines were removed", len(before)-len(after))
	}
	for i, b := range before {
		if after[i] != b {
			return fmt.Errorf("the line of %s changed to %s %s: a landed migration never changes, add a new one",
				b.name, after[i].sum, after[i].name)
		}
	}
	for i := 1; i < len(after); i++ {
		if after[i].name <= after[i-1].name {
			return fmt.Errorf("%s is listed after %s: new migrations take the next number and go at the end",
				after[i].name, after[i-1].name)
		}
	}
	return nil
}

func readChecksums(t *testing.T) []checksum {
	t.Helper()
	b, err := os.ReadFile("CHECKSUMS")
	if err != nil {
		t.Fatal(err)
	}
	sums, err := parseChecksums(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func TestEveryMigrationMatchesItsChecksum(t *testing.T) {
	t.Parallel()
	listed := map[string]string{}
	for _, c := range readChecksums(t) {
		listed[c.name] = c.sum
	}
	files, err := fs.Glob(FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	embedded := map[string]bool{}
	for _, name := range files {
		embedded[name] = true
		b, err := FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		switch sum, ok := listed[name]; {
		case !ok:
			t.Errorf("%s is not in CHECKSUMS: append `sha256sum %s` to it", name, name)
		case sum != hex.EncodeToString(h[:]):
			t.Errorf("%s changed after it landed: restore it and put the change in a new migration", name)
		}
	}
	for name := range listed {
		if !embedded[name] {
			t.Errorf("%s is in CHECKSUMS but is gone: a landed migration is never removed", name)
		}
	}
}

// TestChecksumLinesAreOnlyAppended walks every committed version of
// CHECKSUMS, then the working copy, so that editing a landed migration
// together with its line is caught as well.
func TestChecksumLinesAreOnlyAppended(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: the history of CHECKSUMS cannot be read")
	}
	if err := exec.Command("git", "rev-parse", "--is-inside-work-tree").Run(); err != nil {
		t.Skip("not in a git work tree: the history of CHECKSUMS cannot be read")
	}
	out, err := exec.Command("git", "log", "--reverse", "--format=%H", "--", "CHECKSUMS").Output()
	if err != nil {
		t.Fatalf("git log CHECKSUMS: %v", err)
	}
	var before []checksum
	for _, commit := range strings.Fields(string(out)) {
		b, err := exec.Command("git", "show", commit+":./CHECKSUMS").Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			continue // deleted in this commit: a later version must still extend the last one

		}
		if err != nil {
			t.Fatalf("git show %s:CHECKSUMS: %v", commit, err)
		}
		sums, err := parseChecksums(string(b))
		if err != nil {
			t.Fatalf("commit %s: %v", commit, err)
		}
		if err := onlyAppended(before, sums); err != nil {
			t.Fatalf("commit %s: %v", commit, err)
		}
		before = sums
	}
	if err := onlyAppended(before, readChecksums(t)); err != nil {
		t.Fatalf("the working copy of CHECKSUMS: %v", err)
	}
}

func TestOnlyAppended(t *testing.T) {
	t.Parallel()
	a := checksum{strings.Repeat("a", 64), "00001_init.sql"}
	b := checksum{strings.Repeat("b", 64), "00002_next.sql"}
	edited := checksum{strings.Repeat("c", 64), "00001_init.sql"}
	cases := []struct {
		name          string
		before, after []checksum
		ok            bool
	}{
		{"first list", nil, []checksum{a}, true},
		{"unchanged", []checksum{a, b}, []checksum{a, b}, true},
		{"a line appended", []checksum{a}, []checksum{a, b}, true},
		{"a landed migration edited", []checksum{a, b}, []checksum{edited, b}, false},
		{"a line removed", []checksum{a, b}, []checksum{a}, false},
		{"a line inserted before", []checksum{b}, []checksum{a, b}, false},
		{"appended out of order", []checksum{b}, []checksum{b, a}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := onlyAppended(c.before, c.after); (err == nil) != c.ok {
				t.Fatalf("onlyAppended = %v, want ok %v", err, c.ok)
			}
		})
	}
}
