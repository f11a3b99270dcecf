package pg

import (
	"context"
	"fmt"
	"sync"
	"time"

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
// A reassessment takes the same lock (AwaitTenantLock), so a sync that
// starts while a person's change is being re-assessed gets the conflict
// too.
//
// Two tenant keys whose hashes collide share a lock: a rare spurious
// "already running", never two syncs of one tenant.
func (s *Store) LockTenantSync(ctx context.Context, tenantKey string) (unlock func(), err error) {
	unlock, err = s.lockTenant(ctx, tenantKey, 0)
	if err != nil {
		return nil, fmt.Errorf("store: lock tenant sync: %w", err)
	}
	if unlock == nil {
		return nil, inventory.Errorf(inventory.ECONFLICT, "a sync of tenant %s is already running, or a change to it is being re-assessed", tenantKey)
	}
	return unlock, nil
}

// reassessPoll is how often a reassessment asks again for a tenant's lock
// while a sync holds it; reassessWait is how long it waits at most, less
// than serve's 120 s write timeout so the person gets the sentence rather
// than a dropped response.
const (
	reassessPoll = 200 * time.Millisecond
	reassessWait = 90 * time.Second
)

// AwaitTenantLock takes the tenant's sync lock for a reassessment
// (inventory.Reassess), waiting while a sync (or another reassessment)
// holds it, at most reassessWait; then it returns ECONFLICT. A cancelled
// ctx stops the wait with its cause and leaves no lock behind.
func (s *Store) AwaitTenantLock(ctx context.Context, tenantID string) (unlock func(), err error) {
	unlock, err = s.lockTenant(ctx, tenantID, reassessWait)
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("store: lock tenant: %w", err)
	}
	if unlock == nil {
		return nil, inventory.Errorf(inventory.ECONFLICT, "tenant %s is being synced: the change is saved, and the verdicts show it after the next sync", tenantID)
	}
	return unlock, nil
}

// lockTenant takes the tenant's session-level lock on a connection it keeps
// until unlock is called. While another session holds the lock it asks
// again every reassessPoll until wait has passed (0: it asks once), then
// returns a nil unlock. It polls with a try-lock rather than waiting in the
// server, because a wait in the server outlives a cancelled ctx (pgx closes
// the socket and the backend notices only once it has the lock); a poll
// just stops.
func (s *Store) lockTenant(ctx context.Context, tenantKey string, wait time.Duration) (func(), error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	giveUp := time.Now().Add(wait)
	for {
		var got bool
		err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, hashtext($2))`, syncLockSpace, tenantKey).Scan(&got)
		if err != nil {
			dropSession(conn) // it may hold the lock without having heard so
			return nil, err
		}
		if got {
			var once sync.Once
			return func() {
				once.Do(func() {
					unlockSession(conn, `SELECT pg_advisory_unlock($1, hashtext($2))`, syncLockSpace, tenantKey)
				})
			}, nil
		}
		if !time.Now().Before(giveUp) {
			conn.Release()
			return nil, nil
		}
		t := time.NewTimer(reassessPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			conn.Release()
			return nil, context.Cause(ctx)
		case <-t.C:
		}
	}
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
