package pg

import (
	"context"

	"github.com/mfaboard/mfaboard/inventory"
)

// exceptionsForAssessment is the tenant's technical exceptions as the rules
// read them; none until the workflow's exceptions are stored.
func (s *Store) exceptionsForAssessment(ctx context.Context, tenantID string) (map[string]inventory.Exception, error) {
	return map[string]inventory.Exception{}, nil
}
