package pg

import (
	"context"
	"fmt"
	"sync"
	"time"

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
		return nil, inventory.Errorf(inventory.ECONFLICT, "a sync of tenant %s is already running", tenantKey)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
			defer cancel()
			_, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1, hashtext($2))`, syncLockSpace, tenantKey)
			if err != nil {
				// A session whose unlock failed may still hold the lock:
				// close it rather than hand it back to the pool, and the
				// server drops the lock with the session.
				_ = conn.Conn().Close(ctx)
			}
			conn.Release()
		})
	}, nil
}
