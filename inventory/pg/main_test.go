package pg_test

import (
	"os"
	"testing"

	"github.com/mfaboard/mfaboard/inventory/pg/pgtest"
)

// Each test has a database of its own and waits on it more than it
// computes: more of them run at once than go test's default (pgtest.Run).
func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }
