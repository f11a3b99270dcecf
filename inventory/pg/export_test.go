package pg

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/mfaboard/mfaboard/inventory"
)

// ReadBoardBy makes every column of a board be read by walking its index
// ("walk") or by sorting its matching cards ("gather"), so a test can check
// both give the same board; it returns the function that restores the
// store's own choice.
func ReadBoardBy(how string) (restore func()) {
	old := boardReading
	boardReading = how
	return func() { boardReading = old }
}

// CountVerdicts counts a tenant's stored verdicts in SQL (countVerdicts),
// as the summary keeps them.
func CountVerdicts(ctx context.Context, s *Store, tenantID string) (inventory.TenantVerdict, error) {
	c, err := countVerdicts(ctx, s.pool, tenantID)
	v := inventory.NewTenantVerdict(tenantID)
	c.into(&v)
	return v, err
}

// PrivilegedOpenSQL is the SQL twin of inventory.IsPrivilegedOpen, on cards
// (alias c).
var PrivilegedOpenSQL = privilegedOpenSQL

// ValidateSync is the check ApplySync makes of its input before any write.
var ValidateSync = validateSync

// CardRankSQL is the SQL twin of inventory.BoardRank, on assessments
// (alias s).
var CardRankSQL = cardRankSQL

// SaveTenantSettings saves a tenant's settings for actor without
// reassessing, in one transaction with its check and audit event
// (saveSettings). The dashboard never does this: it saves through
// inventory.Reassess with a SettingsChange, so the verdicts land with the
// settings. Tests use it to change settings as a sync holding the tenant's
// lock would find them, and to test saveSettings' rules alone.
func (s *Store) SaveTenantSettings(ctx context.Context, actor inventory.Actor, tenantID string, st inventory.Settings) error {
	return s.inTx(ctx, "save tenant settings", func(tx pgx.Tx) error {
		return saveSettings(ctx, tx, inventory.SettingsChange{Actor: actor, Settings: st}, tenantID)
	})
}
