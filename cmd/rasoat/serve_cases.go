package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"rasoat/cases"
	"rasoat/dashboards"
	"rasoat/data/synth"
	"rasoat/ingest"
	"rasoat/pipeline"
	"rasoat/store"
)

// withCases turns on sign-in and the re-verification cases when a users
// file was given: the server then writes cases, and a "corrected" outcome
// loads figures through ingest and reruns the transform.
func withCases(e *env, db *store.DB, users *cases.Users, opt dashboards.Options) dashboards.Options {
	if users == nil || db.ReadOnly {
		return opt
	}
	key, err := pipeline.IDKey(db.Path + ".idkey")
	if err != nil {
		e.log.Warn("cases disabled: no ID key", "err", err.Error())
		return opt
	}
	opt.Cases = cases.New(db, cases.Options{Users: users, Ingest: ingest.Options{IDKey: key}, Logger: e.log})
	return opt
}

// loadUsers reads --users (empty: no sign-in, the inspector pages are read-only).
func loadUsers(path string) (*cases.Users, error) {
	if path == "" {
		return nil, nil
	}
	return cases.LoadUsers(path)
}

// demoUsers makes dir/users.csv with one user per role and prints their
// passwords once; an existing file is kept (only hashes are stored, so its
// passwords cannot be printed again: delete it, or --rebuild, for new ones).
func demoUsers(e *env, dir string, rebuild bool) (*cases.Users, error) {
	path := filepath.Join(dir, "users.csv")
	if rebuild {
		os.Remove(path)
	}
	if _, err := os.Stat(path); err == nil {
		fmt.Fprintf(e.stdout, "Người dùng: %s (đã có; xóa tệp hoặc dùng --rebuild để tạo mật khẩu mới).\n", path)
		return cases.LoadUsers(path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// the sample province and its first district (980, until 1/7/2025)
	body, creds, err := cases.DemoUsers(synth.ProvinceCode, "980")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, body, 0o600); err != nil {
		return nil, fmt.Errorf("ghi %s: %w", path, err)
	}
	fmt.Fprintf(e.stdout, "Tài khoản thử (lưu trong %s, chỉ in một lần):\n", path)
	for _, c := range creds {
		unit := ""
		if c.Unit != "" {
			unit = " (đơn vị " + c.Unit + ")"
		}
		fmt.Fprintf(e.stdout, "  %-10s %-14s mật khẩu: %s%s\n", c.Name, c.Role.Vietnamese(), c.Password, unit)
	}
	return cases.LoadUsers(path)
}
