// Package e2e holds the journeys people take through the dashboard, run
// in a real headless Chromium against the real server. They seed the demo
// tenant through the one sync use case (pgtest.SyncDemo), as the web
// benchmarks do.
package e2e
