package dashboards

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 10, 30, 7, 0, 0, 0, time.UTC)} // 14:00 in Vietnam
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Every step is an attempt that fails (the password check is not the
// limiter's business), except "ok" steps, which succeed.
func TestLimiter(t *testing.T) {
	type step struct {
		after    time.Duration // clock advance before the attempt
		name, ip string
		want     bool          // allowed
		until    time.Duration // when refused: lock end, from the start
		ok       bool          // the allowed attempt succeeds
	}
	five := func(name, ip string) []step {
		var s []step
		for range 5 {
			s = append(s, step{name: name, ip: ip, want: true})
		}
		return s
	}
	cat := func(parts ...[]step) []step {
		var out []step
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"6th failure within the window is refused until 15 minutes after the 5th", cat(five("canbo", "10.0.0.1"),
			[]step{{name: "canbo", ip: "10.0.0.2", want: false, until: 15 * time.Minute}})},
		{"the lock ends at the stated time, then a fresh count", cat(five("canbo", "10.0.0.1"), []step{
			{after: 15*time.Minute - time.Second, name: "canbo", ip: "10.0.0.1", want: false, until: 15 * time.Minute},
			{after: time.Second, name: "canbo", ip: "10.0.0.1", want: true}},
			five("canbo", "10.0.0.1")[1:],
			[]step{{name: "canbo", ip: "10.0.0.1", want: false, until: 30 * time.Minute}})},
		{"failures older than the window no longer count", []step{
			{name: "canbo", ip: "a", want: true}, {name: "canbo", ip: "a", want: true},
			{after: 10 * time.Minute, name: "canbo", ip: "a", want: true}, {name: "canbo", ip: "a", want: true},
			{after: 5 * time.Minute, name: "canbo", ip: "a", want: true},     // the first two are 15 min old: 3 in window
			{name: "canbo", ip: "a", want: true},                             // 4
			{name: "canbo", ip: "a", want: true},                             // 5
			{name: "canbo", ip: "a", want: false, until: 30 * time.Minute}}}, // 15 min after the 5th, at 15 min
		{"a success resets the user's counter", cat(five("canbo", "x")[:4], []step{{name: "canbo", ip: "x", want: true, ok: true}},
			five("canbo", "x"), []step{{name: "canbo", ip: "x", want: false, until: 0}})},
		{"names are counted apart", cat(five("canbo", "x"), []step{{name: "canbo2", ip: "x", want: true}})},
		{"one address guessing many names is stopped at 20", func() []step {
			var s []step
			for i := range 20 {
				s = append(s, step{name: "n" + strconv.Itoa(i), ip: "9.9.9.9", want: true})
			}
			return append(s, step{name: "other", ip: "9.9.9.9", want: false}, step{name: "other", ip: "8.8.8.8", want: true})
		}()},
	}
	for _, tt := range tests {
		clock := newFakeClock()
		start := clock.now()
		l := newLimiter(clock.now)
		for i, s := range tt.steps {
			clock.add(s.after)
			until, ok := l.attempt(s.name, s.ip)
			if ok != s.want {
				t.Fatalf("%s: step %d (%s from %s): allowed %v, want %v", tt.name, i+1, s.name, s.ip, ok, s.want)
			}
			if !ok && s.until != 0 && !until.Equal(start.Add(s.until)) {
				t.Errorf("%s: step %d: locked until %v, want %v", tt.name, i+1, until.Sub(start), s.until)
			}
			if ok && s.ok {
				l.succeeded(s.name, s.ip)
			}
		}
	}
}

// A success does not give the address its other failures back: one valid
// account cannot be used to reset the count while guessing others.
func TestLimiterSuccessKeepsAddressFailures(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(clock.now)
	for i := range 19 {
		if _, ok := l.attempt("victim"+strconv.Itoa(i), "6.6.6.6"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if _, ok := l.attempt("mine", "6.6.6.6"); !ok {
		t.Fatal("20th attempt refused")
	}
	l.succeeded("mine", "6.6.6.6") // gives back only its own attempt
	if _, ok := l.attempt("victim20", "6.6.6.6"); !ok {
		t.Fatal("20th attempt after a success refused")
	}
	if _, ok := l.attempt("victim21", "6.6.6.6"); ok {
		t.Fatal("21st attempt from the address allowed")
	}
}

// Parallel attempts cannot slip past the count: each is counted when it
// starts, so exactly five of fifty concurrent guesses get through.
func TestLimiterConcurrent(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(clock.now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := range 50 {
		wg.Go(func() {
			if _, ok := l.attempt("canbo", "10.1.0."+strconv.Itoa(i)); ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != userMaxFails {
		t.Errorf("%d concurrent attempts allowed, want %d", allowed, userMaxFails)
	}
}

// Many distinct addresses cannot grow the map past its bound, and a locked
// name is not pushed out by the flood.
func TestLimiterBounded(t *testing.T) {
	clock := newFakeClock()
	l := newLimiter(clock.now)
	l.maxKeys = 500
	for range 5 {
		l.attempt("canbo", "1.1.1.1")
	}
	for i := range 20000 {
		l.attempt("x"+strconv.Itoa(i%50), "10."+strconv.Itoa(i/65536)+"."+strconv.Itoa(i/256%256)+"."+strconv.Itoa(i%256))
		if n := l.size(); n > l.maxKeys {
			t.Fatalf("after %d addresses: %d entries, bound %d", i+1, n, l.maxKeys)
		}
		if i%1000 == 0 {
			clock.add(time.Second)
		}
	}
	if _, ok := l.attempt("canbo", "2.2.2.2"); ok {
		t.Error("the flood evicted a locked name")
	}
	// Once the window and the lock have passed, the next eviction sweeps
	// every stale entry at once rather than one per new address.
	clock.add(failWindow + lockoutPeriod)
	prev := l.size()
	for i := range l.maxKeys {
		l.attempt("fresh", "20.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
		n := l.size()
		if n < prev {
			// left at most: "fresh", the 5 addresses its counted attempts came
			// from, the newest address
			if n > 7 {
				t.Errorf("%d entries after the sweep, want at most 7", n)
			}
			return
		}
		prev = n
	}
	t.Error("no sweep when the map was full")
}
