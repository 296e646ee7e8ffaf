package dashboards

import (
	"sync"
	"time"
)

// Sign-in attempts are limited per username and per client IP, for the
// login form and the upload API's Basic auth alike, so a password cannot be
// guessed online. The IP limit is looser than the user's: a commune office
// often reaches the server through one NAT address, and five typos by
// different officers should not lock the whole office out.
const (
	userMaxFails   = 5
	ipMaxFails     = 20
	failWindow     = 15 * time.Minute
	lockoutPeriod  = 15 * time.Minute
	limiterEntries = 10000 // about 1 MB at most, whatever the number of clients
)

// limiter counts sign-in attempts. An attempt is counted when it starts,
// not when its password check fails: otherwise a burst of parallel requests
// would all pass the check before the first bcrypt comparison ends. A
// success gives the attempt back (see succeeded).
//
// The map is bounded: when full, entries with nothing left in the window
// go first, then the least recently used unlocked entry, so a flood of new
// addresses cannot grow memory nor push a locked name out.
type limiter struct {
	now     func() time.Time
	userMax int
	ipMax   int
	window  time.Duration
	lockout time.Duration
	maxKeys int
	mu      sync.Mutex
	byKey   map[string]*tries
}

// tries is one username's or one address's recent attempts.
type tries struct {
	at    []time.Time // attempts within the window, oldest first; at most max
	until time.Time   // locked until this time (zero: not locked)
	last  time.Time   // last activity, for eviction
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, userMax: userMaxFails, ipMax: ipMaxFails, window: failWindow,
		lockout: lockoutPeriod, maxKeys: limiterEntries, byKey: map[string]*tries{}}
}

func userKey(name string) string {
	if len(name) > 64 { // no valid name is longer (cases.validName): keep keys small
		name = name[:64]
	}
	return "u\x00" + name
}

func ipKey(ip string) string { return "ip\x00" + ip }

// attempt reserves a sign-in attempt by name from ip. When either is
// locked out it returns false and the time the lock ends.
func (l *limiter) attempt(name, ip string) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	uk, ik := userKey(name), ipKey(ip)
	u, i := l.entry(uk, now, ik), l.entry(ik, now, uk)
	uUntil, uOK := l.open(u, l.userMax, now)
	iUntil, iOK := l.open(i, l.ipMax, now)
	if !uOK || !iOK {
		if !uOK && (iOK || uUntil.After(iUntil)) {
			return uUntil, false
		}
		return iUntil, false
	}
	u.at, i.at = append(u.at, now), append(i.at, now)
	return time.Time{}, true
}

// succeeded resets the user's counter and gives the address back the
// attempt it reserved. The address keeps its other failures: one valid
// account must not let its holder reset the count while guessing others.
func (l *limiter) succeeded(name, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.byKey, userKey(name))
	if t, ok := l.byKey[ipKey(ip)]; ok && len(t.at) > 0 {
		t.at = t.at[:len(t.at)-1]
	}
}

// open drops attempts older than the window and reports whether one more
// is allowed; when the count is used up it locks the key for the lockout
// period from its last attempt.
func (l *limiter) open(t *tries, limit int, now time.Time) (time.Time, bool) {
	if !t.until.IsZero() {
		if now.Before(t.until) {
			return t.until, false
		}
		t.until, t.at = time.Time{}, nil // served its lockout: a fresh start
	}
	t.at = l.recent(t.at, now)
	if len(t.at) < limit {
		return time.Time{}, true
	}
	if until := t.at[len(t.at)-1].Add(l.lockout); now.Before(until) {
		t.until = until
		return until, false
	}
	t.at = nil
	return time.Time{}, true
}

func (l *limiter) recent(at []time.Time, now time.Time) []time.Time {
	k := 0
	for k < len(at) && now.Sub(at[k]) >= l.window {
		k++
	}
	return at[k:]
}

// entry finds or makes the key's counter, evicting first when the map is
// full.
func (l *limiter) entry(key string, now time.Time, keep string) *tries {
	if t, ok := l.byKey[key]; ok {
		t.last = now
		return t
	}
	if len(l.byKey) >= l.maxKeys {
		l.evict(now, keep)
	}
	t := &tries{last: now}
	l.byKey[key] = t
	return t
}

// evict drops every entry that no longer holds anything; if none did, it
// drops the least recently used unlocked entry (or, when all are locked,
// the one whose lock ends first). keep is the other key of the attempt
// being counted, which must survive.
func (l *limiter) evict(now time.Time, keep string) {
	for k, t := range l.byKey {
		if k != keep && (t.until.IsZero() || !now.Before(t.until)) && len(l.recent(t.at, now)) == 0 {
			delete(l.byKey, k)
		}
	}
	if len(l.byKey) < l.maxKeys {
		return
	}
	victim, vLocked := "", false
	var vTime time.Time
	for k, t := range l.byKey {
		if k == keep {
			continue
		}
		locked := now.Before(t.until)
		when := t.last
		if locked {
			when = t.until
		}
		if victim == "" || (vLocked && !locked) || (vLocked == locked && when.Before(vTime)) {
			victim, vLocked, vTime = k, locked, when
		}
	}
	if victim != "" {
		delete(l.byKey, victim)
	}
}

// size is the number of counters held.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}
