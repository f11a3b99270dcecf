package main

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/mfaboard/mfaboard/inventory/pg"
	"github.com/mfaboard/mfaboard/web/deliver"
)

// deliveryCheckEvery is how often the job looks for a report that is due:
// a weekly report goes out within this long after its hour.
const deliveryCheckEvery = 10 * time.Minute

// deliveryCheckArgs is the periodic job that sends the readiness reports
// that are due (scheduled delivery, issue 5). Which tenant is due when is
// in delivery_settings; the job only looks, so changing a schedule needs
// no restart.
type deliveryCheckArgs struct{}

func (deliveryCheckArgs) Kind() string { return "delivery_check" }

// InsertOpts: one attempt (a failed delivery is recorded on the tenant's
// settings and the next moment tries again), never two checks queued.
func (deliveryCheckArgs) InsertOpts() river.InsertOpts { return queuedOnce(1) }

// deliveryJob sends what is due. Several replicas may run it; the store's
// claim lets exactly one send each moment. The SMTP password is read from
// the environment now, never kept (DOMAIN.md §5). One check is bounded by
// 15 minutes: building a 100,000-account PDF takes seconds, an SMTP
// conversation at most a minute per tenant.
func deliveryJob(store *pg.Store, env *cliEnv) *job[deliveryCheckArgs] {
	return &job[deliveryCheckArgs]{timeout: 15 * time.Minute, work: func(ctx context.Context) error {
		sender := deliver.Sender{SMTPPassword: env.getenv(deliver.PasswordEnv)}
		done, err := sender.RunDue(ctx, store, time.Now().UTC())
		for tenant, o := range done {
			env.log.Info("readiness report delivered", "tenant", tenant, "outcome", o.String(), "ok", o.OK())
		}
		if err != nil {
			// Recorded on each tenant's settings already; a retry would send twice.
			env.log.Error("scheduled delivery failed", "err", err)
		}
		return nil
	}}
}
