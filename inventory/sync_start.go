package inventory

// CanStartSync says whether a may start a sync from the dashboard: only a
// security lead, since a sync of a large tenant takes minutes of Graph's
// quota and rewrites every verdict.
func CanStartSync(a Actor) error { return leadOnly(a, "start a sync") }
