package emulator

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mfaboard/mfaboard/graph/demo"
	"github.com/mfaboard/mfaboard/graph/export"
)

// A benchmark that measures a process's memory runs the emulator in a
// process of its own: the test binary started again as a child, so the
// process measured holds only the client and what it reads.

// childEnv carries a child's ChildSpec (as JSON) to the test binary.
const childEnv = "MFABOARD_EMULATOR_CHILD"

// ChildSpec is the generated tenant a child serves (graph/demo, seed 9, a
// group for every 50 accounts) and how it answers.
type ChildSpec struct {
	Users   int
	AsOf    time.Time
	Latency time.Duration // Options.Latency
	Token   string        // Options.RequireToken
}

// ServeChild, called first in a test binary's TestMain, serves the tenant
// when the binary was started by StartChild and then exits the process; in
// any other run it returns at once. The child prints its URL, answers each
// "stats" line on stdin with "<requests> <steps>", and stops when stdin
// closes.
func ServeChild() {
	raw := os.Getenv(childEnv)
	if raw == "" {
		return
	}
	var spec ChildSpec
	if err := json.Unmarshal([]byte(raw), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "bad emulator child spec:", raw)
		os.Exit(2)
	}
	snap := demo.Generate(demo.Options{Users: spec.Users, Groups: spec.Users / 50, Seed: 9, AsOf: spec.AsOf})
	emu := New(export.EncodeSnapshot(snap), Options{Latency: spec.Latency, RequireToken: spec.Token})
	snap = nil
	runtime.GC()
	fmt.Println(emu.URL)
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "stats" {
			fmt.Println(emu.Requests(), emu.BatchSteps())
		}
	}
	emu.Close()
	os.Exit(0)
}

// Child is an emulator in a child process; it stops when the benchmark
// ends.
type Child struct {
	URL string
	in  io.WriteCloser
	out *bufio.Reader
}

// StartChild starts the test binary as a child serving spec. The binary's
// TestMain must call ServeChild first.
func StartChild(tb testing.TB, spec ChildSpec) *Child {
	tb.Helper()
	raw, err := json.Marshal(spec)
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { in.Close(); _ = cmd.Wait() })
	c := &Child{in: in, out: bufio.NewReader(out)}
	line, err := c.out.ReadString('\n')
	if err != nil {
		tb.Fatalf("emulator child: %v", err)
	}
	c.URL = strings.TrimSpace(line)
	return c
}

// Stats asks the child how many requests and batch steps it has answered.
func (c *Child) Stats(tb testing.TB) (requests, steps int) {
	tb.Helper()
	if _, err := io.WriteString(c.in, "stats\n"); err != nil {
		tb.Fatal(err)
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := fmt.Sscan(line, &requests, &steps); err != nil {
		tb.Fatalf("emulator stats %q: %v", line, err)
	}
	return requests, steps
}
