package pg

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mfaboard/mfaboard/inventory"
)

// syncLockSpace is the first key of the two-key advisory locks that guard
// syncs ("mfab" in ASCII), so they never collide with the locks of goose or
// the job queue that share the database.
const syncLockSpace = 0x6d666162

// unlockTimeout bounds the release of a sync lock.
const unlockTimeout = 5 * time.Second

// LockTenantSync makes sure only one sync of a tenant runs at a time, across
// every replica. It takes a session-level advisory lock on a connection it
// keeps until unlock is called; if another session holds the lock it
// returns an ECONFLICT error at once rather than waiting. tenantKey is the
// tenant id (or whatever names the tenant before its id is known). Call
// unlock exactly when the sync is over; calling it again does nothing.
//
// Reassess takes the same lock (reassessLock) for its one transaction, so
// a sync that starts while a person's change is being re-assessed gets the
// conflict too.
//
// Two tenant keys whose hashes collide share a lock: a rare spurious
// "already running", never two syncs of one tenant.
func (s *Store) LockTenantSync(ctx context.Context, tenantKey string) (unlock func(), err error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: lock tenant sync: %w", err)
	}
	var got bool
	err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, syncLockSpace, tenantKey).Scan(&got)
	if err != nil {
		conn.Release()
		return nil, fmt.Errorf("store: lock tenant sync: %w", err)
	}
	if !got {
		conn.Release()
		return nil, inventory.Errorf(inventory.ECONFLICT, "a sync of tenant %s is already running, or a change to it is being re-assessed", tenantKey)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			unlockSession(conn, `SELECT pg_advisory_unlock($1, hashtext($2))`, syncLockSpace, tenantKey)
		})
	}, nil
}

// unlockSession runs the unlock statement of a session-level lock and hands
// the connection back to the pool. A session whose unlock failed may still
// hold the lock: it is closed rather than handed back, and the server drops
// the lock with the session.
func unlockSession(conn *pgxpool.Conn, unlock string, args ...any) {
	ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
	defer cancel()
	if _, err := conn.Exec(ctx, unlock, args...); err != nil {
		_ = conn.Conn().Close(ctx)
	}
	conn.Release()
}

// dropSession closes a connection that may hold session-level locks, so
// the server drops them, and lets the pool forget it.
func dropSession(conn *pgxpool.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
	defer cancel()
	_ = conn.Conn().Close(ctx)
	conn.Release()
}

// reassessPoll is how often a re-assessment asks again for a tenant's lock
// while a sync holds it; reassessWait is how long it waits at most, less
// than serve's 120 s write timeout so the person gets the sentence rather
// than a dropped response.
const (
	reassessPoll = 200 * time.Millisecond
	reassessWait = 90 * time.Second
)

// reassessLock takes the tenant's sync lock for the transaction tx, waiting
// while a sync (or another re-assessment) holds it. The lock is
// transaction-level: commit or rollback drops it, so no path can leave it
// held. It polls with a try-lock rather than waiting in the server, because
// a wait in the server outlives a cancelled ctx (pgx closes the socket and
// the backend notices only once it has the lock); a poll just stops.
func reassessLock(ctx context.Context, tx pgx.Tx, tenantID string) error {
	giveUp := time.Now().Add(reassessWait)
	for {
		var got bool
		err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1, hashtext($2))`, syncLockSpace, tenantID).Scan(&got)
		if err != nil {
			return err
		}
		if got {
			return nil
		}
		if time.Now().After(giveUp) {
			return inventory.Errorf(inventory.ECONFLICT, "tenant %s is being synced: the change is saved, and the verdicts show it after the next sync", tenantID)
		}
		t := time.NewTimer(reassessPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		case <-t.C:
		}
	}
}
