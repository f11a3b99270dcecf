package inventory

import (
	"testing"
	"time"
)

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	yesterday, today, tomorrow := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Today(now), time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	late := map[Status]bool{Triage: true, Planned: true, InProgress: true, Blocked: true}
	for _, s := range Statuses {
		for _, due := range []struct {
			name string
			day  time.Time
			late bool
		}{{"yesterday", yesterday, late[s]}, {"today", today, false}, {"tomorrow", tomorrow, false}, {"no date", time.Time{}, false}} {
			if got := Overdue(s, due.day, now); got != due.late {
				t.Errorf("Overdue(%s, due %s) = %v, want %v", s, due.name, got, due.late)
			}
		}
		if Overdue(s, yesterday, time.Time{}) {
			t.Errorf("Overdue(%s) with no clock = true, want false", s)
		}
		if s.OpenWork() != late[s] {
			t.Errorf("%s.OpenWork() = %v, want %v", s, s.OpenWork(), late[s])
		}
	}
	// Days are UTC days: 01:00 in Amsterdam on 3 November is still the 2nd
	// in UTC, so a card due on the 2nd is not late yet.
	amsterdam := time.FixedZone("CET", 3600)
	if Overdue(Planned, today, time.Date(2026, 11, 3, 0, 30, 0, 0, amsterdam)) {
		t.Error("a card due on the 2nd is late at 23:30 UTC on the 2nd")
	}
	if !Overdue(Planned, today, time.Date(2026, 11, 3, 1, 30, 0, 0, amsterdam)) {
		t.Error("a card due on the 2nd is not late at 00:30 UTC on the 3rd")
	}
}
