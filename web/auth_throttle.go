package web

import (
	"maps"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Sign-in throttling: slow guessing down without letting a stranger lock a
// person out of their account. This comment is the documentation OWASP ASVS
// 5.0 asks for in 6.1.1 (how rate limiting defends against brute force and
// credential stuffing, how it is configured, and why it cannot be used for
// a malicious lockout); the code below is its 6.3.1.
//
// Two counters answer two kinds of guesser:
//
//   - One machine guessing, at one account or many: the per-address limiter
//     (Server.signInLimit, an attemptLimiter) allows signInBurst failures,
//     then one every signInEvery. An address that has used them up is
//     refused everything (429) until it refills; only that address waits.
//
//   - Many machines guessing at one account: accountThrottle. After
//     accountFreeFailures failures at an account, the account is held for a
//     delay that doubles with every further failure, up to accountMaxHold.
//     While it is held, an address that has itself failed suspectAfter times
//     within suspectWindow is refused at that account (429) before the
//     password is even checked, so a guesser gets a few guesses per address
//     and window rather than the address's rate. An address with fewer
//     failures is always heard, hold or not: the account's owner, signing in
//     from their usual address, gets in with the right password however
//     many strangers fail at the account. The hold slows guessing down; it
//     never becomes a lockout.
//
// Both count failures only, in memory, per replica (as attemptLimiter
// does): a sign-in writes nothing for them, and a restart at worst gives a
// guesser one more round. The price of never locking anyone out: a person
// behind the very address a guesser uses (a shared NAT) waits out the hold.
const (
	accountFreeFailures = signInBurst      // failures at an account before it is held
	accountBaseHold     = time.Second      // the first hold, doubled by each failure after it
	accountMaxHold      = 15 * time.Minute // the longest hold
	// accountForget is how long an account's failures are kept after the
	// last one; by then every hold has ended.
	accountForget = time.Hour
	// suspectAfter failures within suspectWindow make an address a
	// suspect: a person mistypes once or twice, a guesser goes on.
	suspectAfter  = 3
	suspectWindow = 15 * time.Minute
)

// accountThrottle holds accounts under attack against the addresses that
// attack them. Accounts are keyed by the address typed, whether or not a
// user has it, so the answers do not tell which accounts exist.
type accountThrottle struct {
	mu       sync.Mutex
	accounts map[string]*accountFailures
	addrs    map[string]*addressFailures
	lastGC   time.Time
	maxKeys  int
}

type accountFailures struct {
	n    int       // failures since the account was last left alone for accountForget
	last time.Time // the latest failure
}

type addressFailures struct {
	n     int
	since time.Time // the start of the window they are counted in
}

func newAccountThrottle() *accountThrottle {
	return &accountThrottle{accounts: map[string]*accountFailures{}, addrs: map[string]*addressFailures{}, maxKeys: 100_000}
}

// wait is how long an attempt at account from addr must wait at now: zero
// when the password is to be checked.
func (t *accountThrottle) wait(account, addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.accounts[account]
	if !ok {
		return 0
	}
	until := a.last.Add(holdAfter(a.n))
	if !now.Before(until) || !t.suspect(addr, now) {
		return 0
	}
	return until.Sub(now)
}

// holdAfter is how long an account is held after its n-th failure in a
// row: nothing for the first accountFreeFailures-1, then accountBaseHold,
// doubling with each failure up to accountMaxHold.
func holdAfter(n int) time.Duration {
	if n < accountFreeFailures {
		return 0
	}
	shift := n - accountFreeFailures
	if shift > 30 || accountBaseHold<<shift > accountMaxHold {
		return accountMaxHold
	}
	return accountBaseHold << shift
}

// suspect reports whether addr has failed often enough of late that it is
// not heard at a held account.
func (t *accountThrottle) suspect(addr string, now time.Time) bool {
	f, ok := t.addrs[addr]
	return ok && now.Sub(f.since) < suspectWindow && f.n >= suspectAfter
}

// fail counts a failed sign-in at account from addr at now.
func (t *accountThrottle) fail(account, addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.forgetIdle(now)
	a, ok := t.accounts[account]
	if !ok && len(t.accounts) < t.maxKeys {
		a = &accountFailures{}
		t.accounts[account] = a
	}
	if a != nil {
		a.n++
		a.last = now
	}
	f, ok := t.addrs[addr]
	if !ok && len(t.addrs) >= t.maxKeys {
		return // a flood of addresses: keep counting the ones tracked
	}
	if !ok || now.Sub(f.since) >= suspectWindow {
		f = &addressFailures{since: now}
		t.addrs[addr] = f
	}
	f.n++
}

// forgetIdle drops what can no longer hold anything, at most once a
// minute.
func (t *accountThrottle) forgetIdle(now time.Time) {
	if now.Sub(t.lastGC) < time.Minute {
		return
	}
	t.lastGC = now
	maps.DeleteFunc(t.accounts, func(_ string, a *accountFailures) bool { return now.Sub(a.last) > accountForget })
	maps.DeleteFunc(t.addrs, func(_ string, f *addressFailures) bool { return now.Sub(f.since) >= suspectWindow })
}

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
