package web

import (
	"maps"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Failed sign-ins allowed per client address: a burst of signInBurst, then
// one more every signInEvery (10 a minute). Only failures count: a team
// signing in from one office address is never locked out by its own
// successes, and guessing a password takes failures. Guessing at one
// account from many addresses is slowed by accountThrottle
// (auth_throttle.go), which is never a lockout.
const (
	signInBurst = 10
	signInEvery = 6 * time.Second
	// limiterIdle is how long an untouched limiter is kept; by then it has
	// refilled, so forgetting it changes nothing.
	limiterIdle = signInBurst * signInEvery
)

// attemptLimiter counts failed attempts per key (a client address) in
// memory. Each replica counts its own, which still bounds a guesser to
// replicas × the rate: enough against online guessing.
type attemptLimiter struct {
	mu       sync.Mutex
	keys     map[string]*keyLimiter
	every    rate.Limit
	burst    int
	lastGC   time.Time
	maxCount int
}

type keyLimiter struct {
	lim  *rate.Limiter
	seen time.Time
}

func newAttemptLimiter(burst int, every time.Duration) *attemptLimiter {
	return &attemptLimiter{keys: map[string]*keyLimiter{}, every: rate.Every(every), burst: burst, maxCount: 100_000}
}

// blocked reports whether key has used up its failures at now.
func (l *attemptLimiter) blocked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	k, ok := l.keys[key]
	return ok && k.lim.TokensAt(now) < 1
}

// fail counts one failed attempt of key at now.
func (l *attemptLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.forgetIdle(now)
	k, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= l.maxCount {
			// A flood of distinct keys: keep counting the ones already
			// tracked rather than grow without bound.
			return
		}
		k = &keyLimiter{lim: rate.NewLimiter(l.every, l.burst)}
		l.keys[key] = k
	}
	k.seen = now
	k.lim.AllowN(now, 1)
}

// forgetIdle drops limiters untouched for limiterIdle, at most once a
// minute.
func (l *attemptLimiter) forgetIdle(now time.Time) {
	if now.Sub(l.lastGC) < time.Minute {
		return
	}
	l.lastGC = now
	maps.DeleteFunc(l.keys, func(_ string, k *keyLimiter) bool { return now.Sub(k.seen) > limiterIdle })
}
