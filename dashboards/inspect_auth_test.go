package dashboards

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
)

func TestSameOrigin(t *testing.T) {
	tests := []struct {
		name          string
		origin, fetch string
		want          bool
	}{
		{"no headers (a script, a test client)", "", "", true},
		{"own form, no-referrer policy", "null", "same-origin", true},
		{"own origin", "http://rasoat.local:8080", "", true},
		{"other origin", "http://evil.example", "", false},
		{"other origin, same port", "http://evil.example:8080", "cross-site", false},
		{"cross-site with null origin", "null", "cross-site", false},
		{"sibling subdomain", "null", "same-site", false},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, "http://rasoat.local:8080/phuc-tra/ho-so", nil)
		if tt.origin != "" {
			req.Header.Set("Origin", tt.origin)
		}
		if tt.fetch != "" {
			req.Header.Set("Sec-Fetch-Site", tt.fetch)
		}
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = req
		if got := sameOrigin(c); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestSessionCookie(t *testing.T) {
	now := time.Date(2025, 10, 30, 7, 0, 0, 0, time.UTC)
	a := newAuth(usersFile(t, "phuctra1,inspector", "lanhdao,leader"), func() time.Time { return now })
	good := a.issue(cases.User{Name: "phuctra1", Role: cases.RoleInspector})
	p := strings.Split(good, ".")
	forged := strings.Join([]string{p[0], "inspector", p[2], p[3], p[4]}, ".")
	leader := a.issue(cases.User{Name: "lanhdao", Role: cases.RoleLeader})
	lp := strings.Split(leader, ".")
	promoted := strings.Join([]string{lp[0], "inspector", lp[2], lp[3], lp[4]}, ".")
	other := newAuth(usersFile(t, "phuctra1,inspector"), func() time.Time { return now }).issue(cases.User{Name: "phuctra1", Role: cases.RoleInspector})
	tests := []struct {
		name, cookie string
		later        time.Duration
		want         string
	}{
		{"valid", good, 0, "phuctra1"},
		{"expired", good, sessionTTL + time.Second, ""},
		{"role changed in the cookie", promoted, 0, ""},
		{"signed by another server", other, 0, ""},
		{"garbage", "a.b.c", 0, ""},
		{"same fields re-signed", forged, 0, "phuctra1"}, // unchanged role: still valid
	}
	for _, tt := range tests {
		now = time.Date(2025, 10, 30, 7, 0, 0, 0, time.UTC).Add(tt.later)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: tt.cookie})
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = req
		s, ok := a.current(c)
		if ok != (tt.want != "") || s.Name != tt.want {
			t.Errorf("%s: %q %v, want %q", tt.name, s.Name, ok, tt.want)
		}
	}
	// The CSRF token belongs to the session.
	s1 := session{nonce: "a"}
	s2 := session{nonce: "b"}
	if a.csrf(s1) == a.csrf(s2) {
		t.Error("two sessions share a CSRF token")
	}
}

// Retry-After is whole seconds rounded up, never 0 (a client would retry at
// once), and the message gives the end of the lock in Vietnam's time.
func TestLockedOut(t *testing.T) {
	now := time.Date(2025, 10, 30, 7, 4, 0, 0, time.UTC)
	tests := []struct {
		until time.Time
		want  string
	}{
		{now.Add(14 * time.Minute), "840"},
		{now.Add(1500 * time.Millisecond), "2"},
		{now.Add(time.Millisecond), "1"},
		{now.Add(-time.Second), "1"},
	}
	for _, tt := range tests {
		if got := (&lockedOut{until: tt.until}).retryAfter(now); got != tt.want {
			t.Errorf("retryAfter(%v): %s, want %s", tt.until.Sub(now), got, tt.want)
		}
	}
	msg := (&lockedOut{until: now.Add(14 * time.Minute)}).Error()
	if msg != "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 14:18 ngày 30/10/2025." {
		t.Errorf("message %q", msg)
	}
}
