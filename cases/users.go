package cases

import (
	"crypto/rand"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a user may do. Only inspectors write cases; the other roles
// read.
type Role string

const (
	RoleLeader    Role = "leader"
	RoleAnalyst   Role = "analyst"
	RoleInspector Role = "inspector"
	RoleOfficer   Role = "officer"
	RoleAdmin     Role = "admin" // audit log and sessions; no data
)

// Vietnamese names a role as the pages show it.
func (r Role) Vietnamese() string {
	switch r {
	case RoleLeader:
		return "lãnh đạo"
	case RoleAnalyst:
		return "phân tích"
	case RoleInspector:
		return "phúc tra viên"
	case RoleOfficer:
		return "cán bộ"
	case RoleAdmin:
		return "quản trị"
	}
	return string(r)
}

func parseRole(s string) (Role, bool) {
	switch r := Role(strings.ToLower(strings.TrimSpace(s))); r {
	case RoleLeader, RoleAnalyst, RoleInspector, RoleOfficer, RoleAdmin:
		return r, true
	}
	return "", false
}

// User is someone who can sign in.
type User struct {
	Name string
	Role Role
	// Unit is the administrative unit the user belongs to (its code): a
	// province officer's province, a district's or a commune's. An officer
	// uploads and approves only for units inside it. Empty (a users file
	// without the unit column, or the cell left blank) means not tied to a
	// unit: any role keeps its rights over the whole database, as before
	// the column existed, except approval, which needs a place in the
	// hierarchy (the level directly above the unit approved).
	Unit string
}

// Scoped says whether the user is tied to a unit.
func (u User) Scoped() bool { return u.Unit != "" }

// Users is the minimal identity of a server: a CSV file of username, role
// and bcrypt hash, read once at start. It is read-only after load, so it is
// safe for concurrent use.
type Users struct {
	byName map[string]userEntry
	// dummy is a real hash checked for unknown names, so a wrong name takes
	// as long as a wrong password and names cannot be probed by timing.
	dummy []byte
}

type userEntry struct {
	User
	hash []byte
}

// ErrBadLogin is the one answer for an unknown name or a wrong password.
var ErrBadLogin = errors.New("tên đăng nhập hoặc mật khẩu không đúng")

// LoadUsers reads a users file (see ReadUsers).
func LoadUsers(path string) (*Users, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mở tệp người dùng: %w", err)
	}
	defer f.Close()
	u, err := ReadUsers(f)
	if err != nil {
		return nil, fmt.Errorf("tệp người dùng %s: %w", path, err)
	}
	return u, nil
}

// ReadUsers reads "username,role,bcrypt_hash[,unit]" lines; a first line
// naming the columns and lines starting with # are skipped. The unit column
// is optional (files written before it existed stay valid) and may be
// blank on a line: see User.Unit. Every line must be valid: a half-read
// users file would lock people out silently.
func ReadUsers(r io.Reader) (*Users, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("đọc CSV: %w", err)
	}
	u := &Users{byName: map[string]userEntry{}}
	for i, rec := range recs {
		if len(rec) != 3 && len(rec) != 4 {
			return nil, fmt.Errorf("dòng %d: cần 3 hoặc 4 cột (username, role, bcrypt_hash, unit), có %d", i+1, len(rec))
		}
		name, role, hash := strings.TrimSpace(rec[0]), rec[1], strings.TrimSpace(rec[2])
		unit := ""
		if len(rec) == 4 {
			unit = strings.TrimSpace(rec[3])
		}
		if i == 0 && strings.EqualFold(name, "username") {
			continue
		}
		if !validName(name) {
			return nil, fmt.Errorf("dòng %d: tên đăng nhập %q không hợp lệ (chữ, số, . _ -)", i+1, name)
		}
		rl, ok := parseRole(role)
		if !ok {
			return nil, fmt.Errorf("dòng %d: vai trò %q không hợp lệ (leader, analyst, inspector, officer, admin)", i+1, role)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("dòng %d: mật khẩu phải là mã băm bcrypt: %w", i+1, err)
		}
		if !validUnit(unit) {
			return nil, fmt.Errorf("dòng %d: mã đơn vị %q không hợp lệ (mã số của tỉnh, huyện hoặc xã)", i+1, unit)
		}
		if _, dup := u.byName[name]; dup {
			return nil, fmt.Errorf("dòng %d: tên đăng nhập %q lặp lại", i+1, name)
		}
		u.byName[name] = userEntry{User: User{Name: name, Role: rl, Unit: unit}, hash: []byte(hash)}
	}
	if len(u.byName) == 0 {
		return nil, errors.New("không có người dùng nào")
	}
	for _, e := range u.byName {
		u.dummy = e.hash
		break
	}
	return u, nil
}

// validUnit accepts an empty cell or an administrative unit code: digits
// only (GSO codes are 2, 3 or 5 digits; the sample province uses up to 6).
func validUnit(s string) bool {
	if len(s) > 10 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Authenticate checks a name and password.
func (u *Users) Authenticate(name, password string) (User, error) {
	e, ok := u.byName[strings.TrimSpace(name)]
	hash := e.hash
	if !ok {
		hash = u.dummy
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(password))
	if !ok || err != nil {
		return User{}, ErrBadLogin
	}
	return e.User, nil
}

// Lookup finds a user by name.
func (u *Users) Lookup(name string) (User, bool) {
	e, ok := u.byName[name]
	return e.User, ok
}

// WithRole lists the users of a role by name (the inspectors a case can be
// assigned to).
func (u *Users) WithRole(r Role) []User {
	var out []User
	for _, e := range u.byName {
		if e.Role == r {
			out = append(out, e.User)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Credential is a name and a clear-text password, printed once by demo.
type Credential struct {
	User
	Password string
}

// DemoUsers makes one user per role with fresh random passwords and returns
// the users file's bytes and the credentials to print. province and
// district are the units of the province officer (canbotinh) and the
// district officer (canbohuyen); canbo stays untied to a unit, as users
// files written before the unit column are.
func DemoUsers(province, district string) ([]byte, []Credential, error) {
	var b strings.Builder
	b.WriteString("username,role,bcrypt_hash,unit\n")
	var creds []Credential
	for _, u := range []User{
		{Name: "lanhdao", Role: RoleLeader, Unit: province}, {Name: "phantich", Role: RoleAnalyst},
		{Name: "phuctra1", Role: RoleInspector}, {Name: "phuctra2", Role: RoleInspector}, {Name: "canbo", Role: RoleOfficer}, {Name: "quantri", Role: RoleAdmin},
		{Name: "canbotinh", Role: RoleOfficer, Unit: province}, {Name: "canbohuyen", Role: RoleOfficer, Unit: district},
	} {
		pw, err := randomPassword()
		if err != nil {
			return nil, nil, err
		}
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
		if err != nil {
			return nil, nil, fmt.Errorf("băm mật khẩu: %w", err)
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s\n", u.Name, u.Role, h, u.Unit)
		creds = append(creds, Credential{User: u, Password: pw})
	}
	return []byte(b.String()), creds, nil
}

// randomPassword is 12 characters from an alphabet without look-alikes
// (no 0/O, 1/l/I), easy to read off a terminal.
func randomPassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]byte, 0, 12)
	buf := make([]byte, 32)
	for len(out) < 12 {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("tạo mật khẩu: %w", err)
		}
		for _, c := range buf {
			// rejection sampling: 224 = 4×56 keeps every letter equally likely
			if int(c) < 4*len(alphabet) && len(out) < 12 {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

// HashPassword makes the bcrypt hash for a users file line.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("băm mật khẩu: %w", err)
	}
	return string(h), nil
}
