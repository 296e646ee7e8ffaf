package ingest

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rasoat/ingest/problem"
	"rasoat/ingest/refdata"
	"rasoat/review"
	"rasoat/store"
)

// cycleDB is a tiny province: 99 with districts 991 (communes 99101,
// 99102) and 992 (commune 99201), valid from 2015, and the shipped cycles.
func cycleDB(t *testing.T) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := refdata.LoadShipped(ctx, db, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO ref_unit (unit_code, unit_name, level, unit_type, parent_code, province_code, valid_from, synthetic) VALUES
		('99', 'Tỉnh Mẫu', 'province', 'tỉnh', NULL, '99', DATE '2015-01-01', true),
		('991', 'Huyện Một', 'district', 'huyện', '99', '99', DATE '2015-01-01', true),
		('992', 'Huyện Hai', 'district', 'huyện', '99', '99', DATE '2015-01-01', true),
		('99101', 'Xã Một A', 'commune', 'xã', '991', '99', DATE '2015-01-01', true),
		('99102', 'Xã Một B', 'commune', 'xã', '991', '99', DATE '2015-01-01', true),
		('99201', 'Xã Hai A', 'commune', 'xã', '992', '99', DATE '2015-01-01', true)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// formA is a form A export of 2024 at a stage; rows are "code,households,persons,poor,near-poor".
func formA(stage string, rows ...string) string {
	p := "2024," + stage + ","
	return "year,stage,unit_code,total_households,total_persons,poor_end,near_poor_end\n" + p + strings.Join(rows, "\n"+p) + "\n"
}

func TestApprovedStageNeverFromAFile(t *testing.T) {
	ctx := context.Background()
	db := cycleDB(t)
	for _, c := range []struct {
		name string
		opt  Options
		body string
	}{
		{"a.csv", Options{}, formA("approved", "99101,100,400,10,5", "99102,200,800,20,10")},
		{"b.csv", Options{Stage: review.Approved}, "year,unit_code,total_households,total_persons,poor_end,near_poor_end\n2024,99101,100,400,10,5\n"},
	} {
		rep := New(db, c.opt).Reader(ctx, c.name, strings.NewReader(c.body))
		if rep.Status != Rejected || rep.Problems.First().Code != problem.EStageApproved {
			t.Fatalf("%s: %s", c.name, rep.Summary())
		}
		if !strings.Contains(rep.Problems.First().Message, "phê duyệt") {
			t.Errorf("message not Vietnamese: %q", rep.Problems.First().Message)
		}
	}
	// both refusals recorded, with what they were for and nothing personal
	rows := dbRows(t, db, `SELECT code, coalesce(form, '-'), year, coalesce(stage, '-'), coalesce(unit_code, '-'), format FROM ingest_rejected ORDER BY reject_id`)
	want := []string{"E_STAGE_APPROVED A 2024 approved 991 csv", "E_STAGE_APPROVED A 2024 approved 99101 csv"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Errorf("ingest_rejected = %q, want %q", rows, want)
	}
}

func TestScopeAndApprovalLock(t *testing.T) {
	ctx := context.Background()
	db := cycleDB(t)
	clock := time.Date(2024, 11, 20, 3, 0, 0, 0, time.UTC)
	now := func() time.Time { clock = clock.Add(time.Minute); return clock }
	load := func(scope, name, body string) *FileReport {
		t.Helper()
		return New(db, Options{Scope: scope, LoadedBy: "cb", Now: now}).Reader(ctx, name, strings.NewReader(body))
	}
	d1 := formA("official", "99101,100,400,10,5", "99102,200,800,20,10")
	// a district-992 officer may not load district 991's file
	if rep := load("992", "d1.csv", d1); rep.Status != Rejected || rep.Problems.First().Code != problem.EOutOfScope {
		t.Fatalf("out of scope: %s", rep.Summary())
	}
	if rep := load("991", "d1.csv", d1); rep.Status != Accepted {
		t.Fatalf("own district: %s", rep.Summary())
	}
	g := New(db, Options{Now: now})
	// only the level directly above approves
	for _, actor := range []string{"", "991", "992"} {
		_, err := g.Approve(ctx, Approval{Year: 2024, Unit: "991", Actor: "x", ActorUnit: actor})
		var ae *ApprovalError
		if !errors.As(err, &ae) || ae.Code != ANotAbove {
			t.Errorf("actor unit %q: err = %v", actor, err)
		}
	}
	if _, err := g.Approve(ctx, Approval{Year: 2024, Unit: "992", Actor: "tinh", ActorUnit: "99"}); !isApproval(err, ANoFigures) {
		t.Errorf("no figures: %v", err)
	}
	res, err := g.Approve(ctx, Approval{Year: 2024, Unit: "991", Actor: "tinh", ActorUnit: "99"})
	if err != nil || res.Forms[review.FormA] != 2 || res.Standard != "ND07_2021" {
		t.Fatalf("approve: %+v %v", res, err)
	}
	// the approved rows are the official ones, at stage approved, provenance the actor
	got := dbRows(t, db, `SELECT r.unit_code, r.total_households, r.poor_end, r.near_poor_end, f.loaded_by, f.format
		FROM raw_form_a r JOIN ingest_file f USING (file_id) WHERE r.stage = 'approved' ORDER BY r.unit_code`)
	want := []string{"99101 100 10 5 tinh approval", "99102 200 20 10 tinh approval"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("approved rows = %q, want %q", got, want)
	}
	if _, err := g.Approve(ctx, Approval{Year: 2024, Unit: "991", Actor: "tinh", ActorUnit: "99"}); !isApproval(err, ALocked) {
		t.Errorf("second approval: %v", err)
	}
	// a corrected file for a locked unit is refused, the database unchanged
	before := checksum(t, db)
	fix := strings.ReplaceAll(d1, "99101,100", "99101,101")
	rep := load("991", "d1-sua.csv", fix)
	if rep.Status != Rejected || rep.Problems.First().Code != problem.EUnitLocked {
		t.Fatalf("locked: %s", rep.Summary())
	}
	if after := checksum(t, db); after != before {
		t.Errorf("database changed by a refused file")
	}
	// a commune's own file is under the locked district too
	if rep := load("", "x.csv", formA("official", "99101,101,400,10,5")); rep.Status != Rejected || rep.Problems.First().Code != problem.EUnitLocked {
		t.Errorf("commune of a locked district: %s", rep.Summary())
	}
	// reopening: not by the district itself, not without a reason
	if _, err := g.Reopen(ctx, Approval{Year: 2024, Unit: "991", Actor: "h", ActorUnit: "991", Reason: "sai"}); !isApproval(err, ANotAbove) {
		t.Errorf("reopen by itself: %v", err)
	}
	if _, err := g.Reopen(ctx, Approval{Year: 2024, Unit: "991", Actor: "tinh", ActorUnit: "99", Reason: "  "}); !isApproval(err, ANoReason) {
		t.Errorf("reopen without reason: %v", err)
	}
	if n, err := g.Reopen(ctx, Approval{Year: 2024, Unit: "991", Actor: "tinh", ActorUnit: "99", Reason: "xã Một A báo sai số hộ"}); err != nil || n != 1 {
		t.Fatalf("reopen: %d %v", n, err)
	}
	if rep := load("991", "d1-sua.csv", fix); rep.Status != Accepted {
		t.Fatalf("after reopening: %s", rep.Summary())
	}
	ev := dbRows(t, db, `SELECT action, form, unit_code, actor, actor_unit, coalesce(reason, '-') FROM approval_event ORDER BY event_id`)
	wantEv := []string{"approve A 991 tinh 99 -", "reopen A 991 tinh 99 xã Một A báo sai số hộ"}
	if strings.Join(ev, "|") != strings.Join(wantEv, "|") {
		t.Errorf("events = %q, want %q", ev, wantEv)
	}
	// the refusals were recorded once each, against the unit
	rej := dbRows(t, db, `SELECT code, unit_code FROM ingest_rejected ORDER BY reject_id`)
	wantRej := []string{"E_OUT_OF_SCOPE 991", "E_UNIT_LOCKED 991", "E_UNIT_LOCKED 99101"}
	if strings.Join(rej, "|") != strings.Join(wantRej, "|") {
		t.Errorf("rejected = %q, want %q", rej, wantRej)
	}
}

func isApproval(err error, code string) bool {
	var ae *ApprovalError
	return errors.As(err, &ae) && ae.Code == code
}
