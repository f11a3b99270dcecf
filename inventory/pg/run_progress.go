package pg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// RunProgress is how a running sync's read of Graph goes, as the status
// page shows it: per collection what has arrived and what is expected, and
// an estimate of the time left. The store keeps the latest one per run.
type RunProgress struct {
	UpdatedAt time.Time       `json:"-"` // when the sync last wrote it
	Elapsed   time.Duration   `json:"elapsed"`
	Remaining time.Duration   `json:"remaining"` // 0: not known yet
	Requests  int             `json:"requests"`
	Throttled int             `json:"throttled"`
	Read      bool            `json:"read"` // every collection read: assessing and storing
	Resources []RunCollection `json:"resources"`
}

// RunCollection is one collection's part of a sync's read.
type RunCollection struct {
	Name       string `json:"name"`
	State      string `json:"state"` // waiting, reading, done, refused
	Items      int    `json:"items"`
	ItemsTotal int    `json:"itemsTotal"` // 0: not known
	Note       string `json:"note,omitempty"`
}

// SaveRunProgress replaces the progress of a run.
func (s *Store) SaveRunProgress(ctx context.Context, runID int64, p RunProgress) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: save run progress: %w", err)
	}
	_, err = s.pool.Exec(ctx, `
		INSERT INTO sync_run_progress (run_id, progress) VALUES ($1, $2)
		ON CONFLICT (run_id) DO UPDATE SET progress = excluded.progress, updated_at = now()`, runID, b)
	if err != nil {
		return fmt.Errorf("store: save run progress: %w", err)
	}
	return nil
}

// RunProgressOf is the latest progress of a run; ok is false when the run
// wrote none (a folder or demo sync, or one that has not read anything yet).
func (s *Store) RunProgressOf(ctx context.Context, runID int64) (p RunProgress, ok bool, err error) {
	var b []byte
	err = s.pool.QueryRow(ctx, `SELECT progress, updated_at FROM sync_run_progress WHERE run_id = $1`, runID).Scan(&b, &p.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return RunProgress{}, false, nil
	}
	if err != nil {
		return RunProgress{}, false, fmt.Errorf("store: run progress: %w", err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return RunProgress{}, false, fmt.Errorf("store: run %d progress: %w", runID, err)
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	return p, true, nil
}
