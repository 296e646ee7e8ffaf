package cases

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// mustUsers makes a users file of "name,role" entries whose password is the
// name reversed, hashed at bcrypt's minimum cost to keep tests quick.
func mustUsers(t testing.TB, entries ...string) *Users {
	t.Helper()
	var b strings.Builder
	b.WriteString("username,role,bcrypt_hash\n")
	for _, e := range entries {
		name, role, _ := strings.Cut(e, ",")
		h, err := bcrypt.GenerateFromPassword([]byte(reverse(name)), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s,%s,%s\n", name, role, h)
	}
	u, err := ReadUsers(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func TestAuthenticate(t *testing.T) {
	u := mustUsers(t, "phuctra1,inspector", "lanhdao,leader")
	tests := []struct {
		name, pw string
		want     Role
		err      error
	}{
		{"phuctra1", "1artcuhp", RoleInspector, nil},
		{" lanhdao ", "oadhnal", RoleLeader, nil},
		{"phuctra1", "wrong", "", ErrBadLogin},
		{"phuctra1", "", "", ErrBadLogin},
		{"nobody", "ydobon", "", ErrBadLogin},
	}
	for _, tt := range tests {
		got, err := u.Authenticate(tt.name, tt.pw)
		if !errors.Is(err, tt.err) || got.Role != tt.want {
			t.Errorf("Authenticate(%q, %q) = %+v, %v; want role %q, %v", tt.name, tt.pw, got, err, tt.want, tt.err)
		}
	}
	if got := u.WithRole(RoleInspector); len(got) != 1 || got[0].Name != "phuctra1" {
		t.Errorf("inspectors = %+v", got)
	}
}

func TestReadUsersRefusesBadFiles(t *testing.T) {
	h, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	tests := map[string]string{
		"empty":          "username,role,bcrypt_hash\n",
		"bad role":       "a,root," + string(h) + "\n",
		"plain password": "a,inspector,secret\n",
		"bad name":       "a b,inspector," + string(h) + "\n",
		"duplicate":      "a,inspector," + string(h) + "\na,leader," + string(h) + "\n",
		"missing column": "a,inspector\n",
	}
	for name, body := range tests {
		if _, err := ReadUsers(strings.NewReader(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDemoUsersRoundTrip(t *testing.T) {
	body, creds, err := DemoUsers("99", "980")
	if err != nil {
		t.Fatal(err)
	}
	u, err := ReadUsers(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	roles := map[Role]int{}
	for _, c := range creds {
		if len(c.Password) != 12 {
			t.Errorf("%s: password %q", c.Name, c.Password)
		}
		got, err := u.Authenticate(c.Name, c.Password)
		if err != nil || got.Role != c.Role {
			t.Errorf("%s: %+v %v", c.Name, got, err)
		}
		roles[c.Role]++
	}
	if roles[RoleInspector] < 2 || roles[RoleLeader] != 1 || roles[RoleAnalyst] != 1 || roles[RoleOfficer] != 3 {
		t.Errorf("roles %v", roles)
	}
}

// The unit column is optional: old three-column files still load (every
// user untied to a unit), four-column lines carry the unit, a blank unit
// cell means untied, and a unit that is not a code is refused.
func TestUsersUnitColumn(t *testing.T) {
	h, err := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	old := fmt.Sprintf("username,role,bcrypt_hash\ncanbo,officer,%s\n", h)
	u, err := ReadUsers(strings.NewReader(old))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := u.Lookup("canbo"); got.Unit != "" || got.Scoped() {
		t.Errorf("old file: %+v", got)
	}
	mixed := fmt.Sprintf("username,role,bcrypt_hash,unit\ntinh,officer,%s,99\nhuyen,officer,%s,980\nla,leader,%s,\nba,analyst,%s\n", h, h, h, h)
	u, err = ReadUsers(strings.NewReader(mixed))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"tinh": "99", "huyen": "980", "la": "", "ba": ""} {
		if got, _ := u.Lookup(name); got.Unit != want {
			t.Errorf("%s: unit %q, want %q", name, got.Unit, want)
		}
	}
	for _, bad := range []string{
		fmt.Sprintf("a,officer,%s,Huyện Một\n", h),
		fmt.Sprintf("a,officer,%s,99,extra\n", h),
		"a,officer\n",
	} {
		if _, err := ReadUsers(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestDemoUsersHaveScopedOfficers(t *testing.T) {
	body, creds, err := DemoUsers("99", "980")
	if err != nil {
		t.Fatal(err)
	}
	u, err := ReadUsers(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]string{}
	for _, c := range creds {
		got, err := u.Authenticate(c.Name, c.Password)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		if got.Role == RoleOfficer {
			units[got.Name] = got.Unit
		}
	}
	if units["canbotinh"] != "99" || units["canbohuyen"] != "980" {
		t.Errorf("officers' units = %v", units)
	}
}

// A users file is read at start: whatever it holds, the reader answers
// without panicking, and what it accepts is well-formed.
func FuzzReadUsers(f *testing.F) {
	h, _ := bcrypt.GenerateFromPassword([]byte("x"), bcrypt.MinCost)
	f.Add(fmt.Sprintf("username,role,bcrypt_hash,unit\na,officer,%s,99\n", h))
	f.Add(fmt.Sprintf("a,leader,%s\nb,officer,%s,\n", h, h))
	f.Add("a,officer,notahash,99\n")
	f.Add("\"a\nb\",officer,x,1\n")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ReadUsers(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, e := range u.byName {
			if !validName(e.Name) || !validUnit(e.Unit) {
				t.Fatalf("accepted %+v", e.User)
			}
			if _, ok := parseRole(string(e.Role)); !ok {
				t.Fatalf("accepted role %q", e.Role)
			}
		}
	})
}
