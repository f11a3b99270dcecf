package pg

import (
	"context"

	"github.com/mfaboard/mfaboard/inventory"
)

// exceptionsForAssessment is the tenant's technical exceptions as the rules
// read them: the granted ones (exception_lists.go).
func exceptionsForAssessment(ctx context.Context, q querier, tenantID string) (map[string]inventory.Exception, error) {
	return grantedExceptions(ctx, q, tenantID)
}
