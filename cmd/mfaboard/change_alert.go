package main

import (
	"context"

	"github.com/mfaboard/mfaboard/inventory"
	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web/deliver"
)

// alertRegressions sends, right after a sync, the alert of accounts that
// lost coverage to the tenant's delivery mail and webhook (issue 13 §4).
// The sync has committed whatever happens here: a failed alert is logged
// and on the audit trail, never a failed sync.
func alertRegressions(ctx context.Context, env *cliEnv, store *pg.Store, out inventory.SyncOutcome) {
	sender := deliver.Sender{SMTPPassword: env.getenv(deliver.PasswordEnv)}
	o, sent, err := sender.AlertRegressions(ctx, store, out, env.getenv(deliver.BaseURLEnv))
	switch {
	case err != nil:
		env.log.Error("the alert of accounts that lost coverage failed", "run", out.RunID, "err", err)
	case sent && !o.OK():
		env.log.Error("the alert of accounts that lost coverage was not delivered everywhere", "run", out.RunID, "outcome", o.String())
	case sent:
		env.log.Info("alerted: accounts lost coverage", "run", out.RunID, "outcome", o.String())
	}
}
