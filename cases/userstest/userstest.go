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

// Users makes one user per "name,role" entry, with a bcrypt hash of
// Password (at bcrypt's lowest cost: tests sign in often).
func Users(tb testing.TB, entries ...string) *cases.Users {
	tb.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		tb.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("username,role,bcrypt_hash\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "%s,%s\n", e, h)
	}
	u, err := cases.ReadUsers(strings.NewReader(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	return u
}
