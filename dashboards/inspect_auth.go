package dashboards

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"rasoat/cases"
)

// A minimal identity, real rather than mocked: users come from the file
// given to `rasoat serve --users` (bcrypt hashes), a signed session cookie
// says who is signed in, and every form that changes something carries a
// CSRF token tied to the session. The signing key is made at start, so a
// restart signs everyone out. Sessions are also held on the server (by
// their nonce): signing out ends one for good, even if its cookie was
// copied, and an admin can end all of a user's sessions.

const (
	sessionCookie = "rasoat_phien"
	loginCookie   = "rasoat_dn" // double-submit token of the login form
	sessionTTL    = 8 * time.Hour
)

type auth struct {
	users *cases.Users
	key   []byte
	now   func() time.Time
	limit *limiter // sign-in attempts, shared by the login form and Basic auth

	mu   sync.Mutex
	live map[string]liveSession // by nonce: sessions not signed out or revoked
}

// liveSession is a session the server still honours.
type liveSession struct {
	Name    string
	Role    cases.Role
	Issued  time.Time
	Expires time.Time
}

func newAuth(users *cases.Users, now func() time.Time) *auth {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("dashboards: no randomness for the session key: " + err.Error()) // the OS is broken
	}
	return &auth{users: users, key: key, now: now, limit: newLimiter(now), live: map[string]liveSession{}}
}

// authFor makes the server's one sign-in (nil when it has no users): the
// inspector pages and the upload page must share it, so that one session
// cookie and one attempt counter serve both.
func authFor(opts Options, now func() time.Time) *auth {
	switch {
	case opts.Cases != nil && opts.Cases.Users() != nil:
		return newAuth(opts.Cases.Users(), now)
	case opts.Users != nil:
		return newAuth(opts.Users, now)
	}
	return nil
}

// lockedOut is a sign-in refused without checking the password because
// the name or the address failed too often.
type lockedOut struct{ until time.Time }

func (e *lockedOut) Error() string {
	return fmt.Sprintf("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %s.", e.until.In(vnZone).Format("15:04 ngày 02/01/2006"))
}

// retryAfter is the Retry-After header's value: whole seconds, at least 1.
func (e *lockedOut) retryAfter(now time.Time) string {
	s := int64((e.until.Sub(now) + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}

// signIn checks a name and password from the client at ip, within the
// attempt limit: the error is cases.ErrBadLogin or a *lockedOut.
func (a *auth) signIn(ctx context.Context, name, password, ip string) (cases.User, error) {
	name = strings.TrimSpace(name)
	if until, ok := a.limit.attempt(name, ip); !ok {
		return cases.User{}, &lockedOut{until: until}
	}
	if err := ctx.Err(); err != nil {
		return cases.User{}, err
	}
	u, err := a.users.Authenticate(name, password)
	if err != nil {
		return cases.User{}, err
	}
	a.limit.succeeded(name, ip)
	return u, nil
}

// clientAddr is the address attempts are counted against: the TCP peer,
// not X-Forwarded-For, which gin trusts from anyone by default and a
// guesser would simply vary with each try.
func clientAddr(c *gin.Context) string { return c.RemoteIP() }

// basic authenticates a request by HTTP Basic auth (the upload API). It
// answers the refusal itself: 401 without or with wrong credentials, 429
// when locked out.
func (a *auth) basic(c *gin.Context) (cases.User, bool) {
	name, pw, ok := c.Request.BasicAuth()
	if !ok {
		c.Header("WWW-Authenticate", `Basic realm="rasoat", charset="UTF-8"`)
		c.JSON(http.StatusUnauthorized, gin.H{"error": "cần đăng nhập: gửi tên và mật khẩu của cán bộ (rasoat ingest --user TÊN)"})
		return cases.User{}, false
	}
	u, err := a.signIn(c.Request.Context(), name, pw, clientAddr(c))
	var lock *lockedOut
	switch {
	case errors.As(err, &lock):
		c.Header("Retry-After", lock.retryAfter(a.now()))
		c.JSON(http.StatusTooManyRequests, gin.H{"error": lock.Error()})
		return cases.User{}, false
	case err != nil:
		c.Header("WWW-Authenticate", `Basic realm="rasoat", charset="UTF-8"`)
		c.JSON(http.StatusUnauthorized, gin.H{"error": cases.ErrBadLogin.Error()})
		return cases.User{}, false
	}
	return u, true
}

// session is a signed-in user.
type session struct {
	cases.User
	nonce string
}

func (a *auth) mac(parts ...string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(m.Sum(nil))
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("dashboards: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// issue makes the cookie value: name.role.expiry.nonce.mac, the name in
// base64url so a dot in it cannot shift the fields.
func (a *auth) issue(u cases.User) string {
	name := base64.RawURLEncoding.EncodeToString([]byte(u.Name))
	exp := strconv.FormatInt(a.now().Add(sessionTTL).Unix(), 10)
	nonce := randomHex(16)
	a.mu.Lock()
	now := a.now()
	for n, l := range a.live { // expired sessions go as new ones come
		if !now.Before(l.Expires) {
			delete(a.live, n)
		}
	}
	a.live[nonce] = liveSession{Name: u.Name, Role: u.Role, Issued: now, Expires: now.Add(sessionTTL)}
	a.mu.Unlock()
	return strings.Join([]string{name, string(u.Role), exp, nonce, a.mac(name, string(u.Role), exp, nonce)}, ".")
}

// current returns the signed-in user, if the cookie is valid, unexpired and
// the user is still in the users file with the same role.
func (a *auth) current(c *gin.Context) (session, bool) {
	if a == nil {
		return session{}, false
	}
	v, err := c.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	p := strings.Split(v, ".")
	if len(p) != 5 || !hmac.Equal([]byte(p[4]), []byte(a.mac(p[0], p[1], p[2], p[3]))) {
		return session{}, false
	}
	exp, err := strconv.ParseInt(p[2], 10, 64)
	if err != nil || a.now().Unix() >= exp {
		return session{}, false
	}
	name, err := base64.RawURLEncoding.DecodeString(p[0])
	if err != nil {
		return session{}, false
	}
	u, ok := a.users.Lookup(string(name))
	if !ok || string(u.Role) != p[1] {
		return session{}, false
	}
	a.mu.Lock()
	l, live := a.live[p[3]]
	a.mu.Unlock()
	if !live || l.Name != u.Name || !a.now().Before(l.Expires) {
		return session{}, false // signed out, revoked or expired
	}
	return session{User: u, nonce: p[3]}, true
}

// revoke ends one session.
func (a *auth) revoke(nonce string) {
	a.mu.Lock()
	delete(a.live, nonce)
	a.mu.Unlock()
}

// revokeUser ends every session of a user and says how many there were.
func (a *auth) revokeUser(name string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for k, l := range a.live {
		if l.Name == name {
			delete(a.live, k)
			n++
		}
	}
	return n
}

// liveSessions lists the sessions the server honours, newest first.
func (a *auth) liveSessions() []liveSession {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	var out []liveSession
	for _, l := range a.live {
		if now.Before(l.Expires) {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Issued.After(out[j].Issued) })
	return out
}

// csrf is the token a signed-in user's forms carry.
func (a *auth) csrf(s session) string { return a.mac("csrf", s.nonce) }

func (a *auth) checkCSRF(c *gin.Context, s session) bool {
	return subtle.ConstantTimeCompare([]byte(c.PostForm("csrf")), []byte(a.csrf(s))) == 1
}

// sameOrigin refuses a POST that a browser says came from another site.
// The CSRF token is the real guard; this is a second one. The pages are
// served with Referrer-Policy: no-referrer, so browsers send "Origin: null"
// on their own forms: then Sec-Fetch-Site, which they always send, decides.
func sameOrigin(c *gin.Context) bool {
	switch c.GetHeader("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return false
	}
	o := c.GetHeader("Origin")
	if o == "" || o == "null" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == c.Request.Host
}

func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
}

type loginView struct {
	pageBase
	Token, Name, Next, Error string
}

// nextPath is what a post-login redirect may be: a path and query of
// printable ASCII. Browsers drop tabs and newlines from a Location and read
// "\\" as "/", so "/\t/evil.example" or "/\\evil.example" would leave the
// site: such characters are refused outright, not cleaned.
var nextPath = regexp.MustCompile(`^/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$`)

// safeNext keeps a post-login redirect on this site: a path, never
// "//host", a scheme, or a character a browser would strip.
func safeNext(s string) string {
	if !nextPath.MatchString(s) || strings.HasPrefix(s, "//") {
		return "/phuc-tra"
	}
	if u, err := url.Parse(s); err != nil || u.Host != "" || u.Scheme != "" {
		return "/phuc-tra"
	}
	return s
}

func (s *server) loginPage(c *gin.Context, a *auth) {
	tok, err := c.Cookie(loginCookie)
	if err != nil || len(tok) != 32 {
		tok = randomHex(16)
		setCookie(c, loginCookie, tok, 3600)
	}
	v := loginView{pageBase: s.base(c, a, "Đăng nhập"), Token: tok, Next: safeNext(c.Query("tiep"))}
	s.render(c, http.StatusOK, "inspect_login.html", v)
}

func (s *server) login(c *gin.Context, a *auth) {
	tok, err := c.Cookie(loginCookie)
	next := safeNext(c.PostForm("tiep"))
	if err != nil || !sameOrigin(c) || subtle.ConstantTimeCompare([]byte(tok), []byte(c.PostForm("csrf"))) != 1 {
		s.errorPage(c, http.StatusForbidden, "Không hợp lệ", "Biểu mẫu đăng nhập đã hết hạn. Vui lòng tải lại trang đăng nhập.")
		return
	}
	name := c.PostForm("ten")
	u, err := a.signIn(c.Request.Context(), name, c.PostForm("mat-khau"), clientAddr(c))
	if err != nil {
		status := http.StatusUnauthorized
		var lock *lockedOut
		if errors.As(err, &lock) {
			status = http.StatusTooManyRequests
			c.Header("Retry-After", lock.retryAfter(a.now()))
		} else {
			err = cases.ErrBadLogin // a cancelled request says no more than a wrong password
		}
		s.log.WarnContext(c.Request.Context(), "login failed", "user", name, "client", clientAddr(c), "status", status)
		v := loginView{pageBase: s.base(c, a, "Đăng nhập"), Token: tok, Name: name, Next: next, Error: err.Error()}
		s.render(c, status, "inspect_login.html", v)
		return
	}
	c.Set(auditUser, u.Name)
	setCookie(c, sessionCookie, a.issue(u), int(sessionTTL/time.Second))
	setCookie(c, loginCookie, "", -1)
	s.log.InfoContext(c.Request.Context(), "login", "user", u.Name, "role", string(u.Role))
	c.Redirect(http.StatusSeeOther, next)
}

func (s *server) logout(c *gin.Context, a *auth) {
	sess, ok := a.current(c)
	if ok && (!sameOrigin(c) || !a.checkCSRF(c, sess)) {
		s.errorPage(c, http.StatusForbidden, "Không hợp lệ", "Yêu cầu đăng xuất không hợp lệ.")
		return
	}
	if ok {
		a.revoke(sess.nonce) // a copied cookie stops working too
		c.Set(auditUser, sess.Name)
	}
	setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/phuc-tra")
}

// writer checks a POST that changes a case: a signed-in inspector, the
// same site, a valid CSRF token. It answers the refusal itself.
func (s *server) writer(c *gin.Context, a *auth) (session, bool) {
	sess, ok := a.current(c)
	switch {
	case !ok:
		s.errorPage(c, http.StatusForbidden, "Cần đăng nhập", "Vui lòng đăng nhập bằng tài khoản phúc tra viên.")
	case !sameOrigin(c) || !a.checkCSRF(c, sess):
		s.errorPage(c, http.StatusForbidden, "Không hợp lệ", "Biểu mẫu đã hết hạn hoặc không gửi từ trang này. Vui lòng tải lại trang.")
	case sess.Role != cases.RoleInspector:
		s.errorPage(c, http.StatusForbidden, "Không có quyền", "Chỉ phúc tra viên mới được thay đổi hồ sơ phúc tra.")
	default:
		return sess, true
	}
	return session{}, false
}

// reader requires any signed-in user (case pages hold inspectors' notes);
// otherwise it sends the browser to the login page.
func (s *server) reader(c *gin.Context, a *auth) (session, bool) {
	sess, ok := a.current(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/dang-nhap?tiep="+url.QueryEscape(c.Request.URL.RequestURI()))
		return session{}, false
	}
	return sess, true
}
