package pgtest

import (
	"flag"
	"runtime"
	"strconv"
	"testing"
)

// Run runs the tests of a package whose tests each use a database of their
// own (call it from TestMain: os.Exit(pgtest.Run(m))). Such tests spend most
// of their time waiting on PostgreSQL, not computing, so by default it lets
// four tests per core run at once (those that call t.Parallel), where go
// test lets one per core; an explicit -test.parallel wins. Four per core
// keeps a package at a few dozen connections to the shared server. The
// databases come from the pool (Pool, pool.go).
func Run(m *testing.M) int {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	return Pool(m)
}
