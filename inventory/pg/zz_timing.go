package pg

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

var (
	stepT      = time.Now()
	stepCPU    float64
	backendPID int
)

func cpuOf(pid int) float64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b)[strings.LastIndex(string(b), ")")+2:])
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / 100
}

func step(w string) {
	c := cpuOf(backendPID)
	if os.Getenv("PG_STEPS") != "" {
		fmt.Fprintf(os.Stderr, "STEP %-20s wall %6.0fms  pg-cpu %6.0fms  self-cpu %6.0fms\n", w, float64(time.Since(stepT).Microseconds())/1000, (c-stepCPU)*1000, 0.0)
	}
	stepT = time.Now()
	stepCPU = c
}
