package dashboards

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fifty concurrent requests for one answer run its build once; a failed
// build is not cached, so the next request tries again.
func TestRespCacheBuildsOnce(t *testing.T) {
	var rc respCache
	var builds atomic.Int32
	release := make(chan struct{})
	build := func() (cachedResp, error) {
		builds.Add(1)
		<-release
		return cachedResp{status: 200, body: []byte("x")}, nil
	}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r, err := rc.do("k", build); err != nil || string(r.body) != "x" {
				t.Errorf("do: %q %v", r.body, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the callers queue behind the one build
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds for 50 concurrent requests, want 1", n)
	}

	fail := errors.New("no data")
	if _, err := rc.do("e", func() (cachedResp, error) { return cachedResp{}, fail }); !errors.Is(err, fail) {
		t.Fatalf("err %v", err)
	}
	r, err := rc.do("e", func() (cachedResp, error) { return cachedResp{body: []byte("ok")}, nil })
	if err != nil || string(r.body) != "ok" {
		t.Errorf("after a failure the answer is built again: %q %v", r.body, err)
	}
}
