package cases

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"rasoat/cases/casestest"
	"rasoat/store"
)

func TestNext(t *testing.T) {
	all := []Action{ActionOpen, ActionAssign, ActionVisit, ActionClose}
	allowed := map[Status]map[Action]Status{
		"":             {ActionOpen: StatusOpen},
		StatusOpen:     {ActionAssign: StatusAssigned},
		StatusAssigned: {ActionAssign: StatusAssigned, ActionVisit: StatusVisited},
		StatusVisited:  {ActionAssign: StatusVisited, ActionVisit: StatusVisited, ActionClose: StatusClosed},
		StatusClosed:   {},
	}
	for cur, ok := range allowed {
		for _, a := range all {
			got, err := Next(cur, a)
			want, legal := ok[a]
			switch {
			case legal && (err != nil || got != want):
				t.Errorf("Next(%q, %s) = %q, %v; want %q", cur, a, got, err, want)
			case !legal && err == nil:
				t.Errorf("Next(%q, %s) = %q, want refused", cur, a, got)
			case !legal && cur == StatusClosed && !errors.Is(err, ErrClosed):
				t.Errorf("Next(closed, %s) error = %v, want ErrClosed", a, err)
			case !legal && cur != StatusClosed && !errors.Is(err, ErrTransition):
				t.Errorf("Next(%q, %s) error = %v, want ErrTransition", cur, a, err)
			}
		}
	}
}

var (
	insp1 = User{Name: "phuctra1", Role: RoleInspector}
	insp2 = User{Name: "phuctra2", Role: RoleInspector}
	lead  = User{Name: "lanhdao", Role: RoleLeader}
)

func flag() Flag {
	return Flag{Year: casestest.FlaggedYear, Stage: casestest.FlaggedStage, UnitCode: casestest.FlaggedUnit,
		UnitName: casestest.FlaggedName, DistrictName: "Huyện Một", Score: 7, Severity: "cao",
		Rules: []string{"V_FLOW_POOR", "S_PEER_REDUCTION"}, Reason: "Giảm 15,00 điểm % — khác xa các xã cùng huyện"}
}

func newService(t *testing.T) (*Service, *store.DB) {
	t.Helper()
	db := casestest.Open(t)
	users := mustUsers(t, "phuctra1,inspector", "phuctra2,inspector", "lanhdao,leader")
	clock := time.Date(2024, 12, 20, 3, 0, 0, 0, time.UTC)
	return New(db, Options{Users: users, Ingest: casestest.IngestOptions(), Now: func() time.Time {
		clock = clock.Add(time.Minute)
		return clock
	}}), db
}

type counted struct {
	stage     string
	poor      int64
	rate, red float64
}

func countedRow(t *testing.T, db *store.DB, table, unit string) counted {
	t.Helper()
	var c counted
	err := db.QueryRowContext(context.Background(), `SELECT stage, poor_end, poor_rate, reduction_pp FROM `+table+`
		WHERE year = 2024 AND standard = 'ND07_2021' AND unit_code = ? AND counted`, unit).Scan(&c.stage, &c.poor, &c.rate, &c.red)
	if err != nil {
		t.Fatalf("%s %s: %v", table, unit, err)
	}
	return c
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The whole walk: the corrected figures enter as stage reverified and become
// the commune's counted ones.
func TestCorrectedOutcomeFlowsIntoMeasures(t *testing.T) {
	ctx := context.Background()
	svc, db := newService(t)

	before := countedRow(t, db, "commune_year", casestest.FlaggedUnit)
	if before.stage != "official" || before.poor != 100 || !near(before.rate, 5) || !near(before.red, 15) {
		t.Fatalf("before: %+v, want official 100 poor 5%% reduction 15", before)
	}

	id, err := svc.Open(ctx, insp1, flag())
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Assign(ctx, id, insp1, "phuctra2"); err != nil {
		t.Fatal(err)
	}
	if err := svc.RecordVisit(ctx, id, insp2, Visit{HouseholdsChecked: 320, HouseholdsReclassified: 200,
		Findings: "200 hộ được đưa sang cận nghèo dù thu nhập dưới chuẩn"}); err != nil {
		t.Fatal(err)
	}
	res, err := svc.Close(ctx, id, insp2, Closing{Outcome: OutcomeCorrected, Note: "điều chỉnh",
		Figures: &Figures{TotalHouseholds: 2000, PoorEnd: 300, NearPoorEnd: 250}})
	if err != nil {
		t.Fatal(err)
	}
	if res.FileID == 0 || !res.Recomputed {
		t.Fatalf("close result %+v", res)
	}

	// 300 / 2.000 = 15%; against 2023's 20%: 5 points instead of 15.
	after := countedRow(t, db, "commune_year", casestest.FlaggedUnit)
	if after.stage != "reverified" || after.poor != 300 || !near(after.rate, 15) || !near(after.red, 5) {
		t.Errorf("after: %+v, want reverified 300 poor 15%% reduction 5", after)
	}
	// The official row is still there, no longer counted.
	var offCounted bool
	if err := db.QueryRowContext(ctx, `SELECT counted FROM commune_year WHERE year = 2024 AND stage = 'official' AND unit_code = ?`,
		casestest.FlaggedUnit).Scan(&offCounted); err != nil || offCounted {
		t.Errorf("official row counted=%v err=%v, want kept and not counted", offCounted, err)
	}
	// District and province rows are not checked here: mart_area_year sums
	// each stage separately and counts the stage every commune reported, so
	// one commune's reverified row does not reach them (reported to the lead).
	// Persons carried over from the official row: district persons unchanged.
	var persons int64
	if err := db.QueryRowContext(ctx, `SELECT total_persons FROM commune_year WHERE year = 2024 AND stage = 'reverified' AND unit_code = ?`,
		casestest.FlaggedUnit).Scan(&persons); err != nil || persons != 8300 {
		t.Errorf("reverified persons = %d, %v; want 8300", persons, err)
	}

	// Provenance: the file was loaded by the inspector and names its case.
	var by, extra string
	if err := db.QueryRowContext(ctx, `SELECT f.loaded_by, r.extra::VARCHAR FROM ingest_file f JOIN raw_form_a r USING (file_id)
		WHERE f.file_id = ?`, res.FileID).Scan(&by, &extra); err != nil {
		t.Fatal(err)
	}
	if by != "phuctra2" || !strings.Contains(extra, `"case_id"`) {
		t.Errorf("loaded_by %q extra %q", by, extra)
	}

	// The state and the full history, with who and when.
	var status, outcome string
	var fileID int64
	if err := db.QueryRowContext(ctx, `SELECT status, outcome, file_id FROM case_current WHERE case_id = ?`, id).Scan(&status, &outcome, &fileID); err != nil {
		t.Fatal(err)
	}
	if status != "closed" || outcome != "corrected" || fileID != res.FileID {
		t.Errorf("case_current: %s %s %d", status, outcome, fileID)
	}
	rows, err := db.QueryContext(ctx, `SELECT action, status, actor, event_at FROM case_event WHERE case_id = ? ORDER BY event_id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	var last time.Time
	for rows.Next() {
		var a, s, who string
		var at time.Time
		if err := rows.Scan(&a, &s, &who, &at); err != nil {
			t.Fatal(err)
		}
		if !at.After(last) {
			t.Errorf("event %s at %v not after %v", a, at, last)
		}
		last = at
		got = append(got, a+"/"+s+"/"+who)
	}
	want := "open/open/phuctra1 assign/assigned/phuctra1 visit/visited/phuctra2 close/closed/phuctra2"
	if strings.Join(got, " ") != want {
		t.Errorf("events:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	var rules []any
	if err := db.QueryRowContext(ctx, `SELECT rules FROM case_current WHERE case_id = ?`, id).Scan(&rules); err != nil || len(rules) != 2 || rules[1] != "S_PEER_REDUCTION" {
		t.Errorf("rules snapshot %v %v", rules, err)
	}
}

func TestIllegalChangesRefused(t *testing.T) {
	ctx := context.Background()
	svc, db := newService(t)
	id, err := svc.Open(ctx, insp1, flag())
	if err != nil {
		t.Fatal(err)
	}
	visit := Visit{HouseholdsChecked: 10, HouseholdsReclassified: 1, Findings: "ok"}
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"leader cannot open", func() error { _, err := svc.Open(ctx, lead, flag()); return err }, ErrForbidden},
		{"second open case for the same flag", func() error { _, err := svc.Open(ctx, insp2, flag()); return err }, ErrAlreadyOpen},
		{"bad stage", func() error { f := flag(); f.Stage = "x"; _, err := svc.Open(ctx, insp1, f); return err }, ErrInvalidInput},
		{"visit before assign", func() error { return svc.RecordVisit(ctx, id, insp1, visit) }, ErrTransition},
		{"close before assign", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: OutcomeConfirmed})
			return err
		}, ErrTransition},
		{"assign to a leader", func() error { return svc.Assign(ctx, id, insp1, "lanhdao") }, ErrUnknownUser},
		{"assign to nobody known", func() error { return svc.Assign(ctx, id, insp1, "ai-do") }, ErrUnknownUser},
		{"leader cannot assign", func() error { return svc.Assign(ctx, id, lead, "phuctra1") }, ErrForbidden},
		{"assign", func() error { return svc.Assign(ctx, id, insp2, "phuctra1") }, nil},
		{"close before visit", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: OutcomeConfirmed})
			return err
		}, ErrTransition},
		{"visit by someone not assigned", func() error { return svc.RecordVisit(ctx, id, insp2, visit) }, ErrNotAssignee},
		{"reclassified more than checked", func() error {
			return svc.RecordVisit(ctx, id, insp1, Visit{HouseholdsChecked: 1, HouseholdsReclassified: 2, Findings: "x"})
		}, ErrInvalidInput},
		{"empty findings", func() error { return svc.RecordVisit(ctx, id, insp1, Visit{HouseholdsChecked: 1}) }, ErrInvalidInput},
		{"visit", func() error { return svc.RecordVisit(ctx, id, insp1, visit) }, nil},
		{"corrected without figures", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: OutcomeCorrected})
			return err
		}, ErrInvalidInput},
		{"confirmed with figures", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: OutcomeConfirmed, Figures: &Figures{10, 1, 1}})
			return err
		}, ErrInvalidInput},
		{"parts above total", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: OutcomeCorrected, Figures: &Figures{100, 60, 50}})
			return err
		}, ErrInvalidInput},
		{"unknown outcome", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: "approved"})
			return err
		}, ErrInvalidInput},
		{"close by someone not assigned", func() error {
			_, err := svc.Close(ctx, id, insp2, Closing{Outcome: OutcomeConfirmed})
			return err
		}, ErrNotAssignee},
		{"close confirmed", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: OutcomeConfirmed, Note: "đúng"})
			return err
		}, nil},
		{"closed is final: visit", func() error { return svc.RecordVisit(ctx, id, insp1, visit) }, ErrClosed},
		{"closed is final: assign", func() error { return svc.Assign(ctx, id, insp1, "phuctra2") }, ErrClosed},
		{"closed is final: close", func() error {
			_, err := svc.Close(ctx, id, insp1, Closing{Outcome: OutcomeRedo})
			return err
		}, ErrClosed},
		{"unknown case", func() error { return svc.Assign(ctx, 999, insp1, "phuctra1") }, ErrNotFound},
		{"a closed flag can be opened again", func() error { _, err := svc.Open(ctx, insp2, flag()); return err }, nil},
	}
	for _, s := range steps {
		err := s.do()
		if s.want == nil && err != nil || s.want != nil && !errors.Is(err, s.want) {
			t.Errorf("%s: err = %v, want %v", s.name, err, s.want)
		}
	}
	// Refused changes left no trace; only the accepted ones are events.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM case_event WHERE case_id = ?`, id).Scan(&n); err != nil || n != 4 {
		t.Errorf("events of case %d = %d (%v), want 4 (open, assign, visit, close)", id, n, err)
	}
	// A confirmed close loads nothing.
	var files int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM ingest_sheet WHERE stage = 'reverified'`).Scan(&files); err != nil || files != 0 {
		t.Errorf("reverified files = %d (%v), want 0", files, err)
	}
}

func TestReverifiedCSV(t *testing.T) {
	p := int64(8300)
	got := string(ReverifiedCSV(12, 2024, "ND07_2021", "97102", Figures{2000, 300, 250}, &p))
	want := "year,stage,standard,unit_code,total_households,poor_end,near_poor_end,total_persons,case_id\n" +
		"2024,reverified,ND07_2021,97102,2000,300,250,8300,12\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
