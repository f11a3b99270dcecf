package inventory

import "time"

// Due dates (DOMAIN.md §4: the work on an account is planned and followed).
// A due date is a calendar day in UTC, whatever the zone of the person who
// set it or of the server: the board, the readiness report and the store's
// filter all count days the same way.

// Today is the start of now's calendar day in UTC: the day due dates are
// compared with.
func Today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// OpenWork reports whether a card in status s is still its assignee's work:
// triage, planned, in progress or blocked. Remediated work waits for a
// security lead's verification and a requested exception for a lead's
// decision, so neither is late on the assignee's side; verified work and a
// granted exception are done.
func (s Status) OpenWork() bool {
	switch s {
	case Triage, Planned, InProgress, Blocked:
		return true
	}
	return false
}

// Overdue reports whether a card in status s, due on due, is late at now:
// it is still open work (Status.OpenWork) and its due day has ended. A card
// due today is not late yet; a card with no due date, or a clock never set
// (zero now), is never late.
func Overdue(s Status, due, now time.Time) bool {
	if due.IsZero() || now.IsZero() || !s.OpenWork() {
		return false
	}
	return Today(due).Before(Today(now))
}
