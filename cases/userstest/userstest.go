// Package userstest makes the users of a `serve --users` file for tests:
// real bcrypt hashes, read by the real reader. Imported by tests only.
package userstest

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"rasoat/cases"
)

// Password is the password of every user Users makes.
const Password = "mat-khau-thu-0123"

// Users makes one user per "name,role" or "name,role,unit" entry, with a
// bcrypt hash of Password (at bcrypt's lowest cost: tests sign in often).
func Users(tb testing.TB, entries ...string) *cases.Users {
	tb.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("username,role,bcrypt_hash,unit\n")
	for _, e := range entries {
		p := strings.SplitN(e, ",", 3)
		unit := ""
		if len(p) == 3 {
			unit = p[2]
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s\n", p[0], p[1], h, unit)
	}
	u, err := cases.ReadUsers(strings.NewReader(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
