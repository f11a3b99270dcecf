package pg

import (
	"context"

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
